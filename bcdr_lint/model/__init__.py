"""The format-neutral resource model. Imports nothing else of bcdr_lint."""

from bcdr_lint.model.location import Location
from bcdr_lint.model.values import Ref, Unresolved, is_resolved, lower_or_none, normalize_region, normalize_zones
from bcdr_lint.model.resource import Kind, Resource, ParseError
from bcdr_lint.model.model import Model

__all__ = [
    "Kind",
    "Location",
    "Model",
    "ParseError",
    "Ref",
    "Resource",
    "Unresolved",
    "is_resolved",
    "lower_or_none",
    "normalize_region",
    "normalize_zones",
]
