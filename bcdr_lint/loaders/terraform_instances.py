"""How many instances a resource block declares (``count``/``for_each``), as far as it is known
statically. A block whose count is 0 or whose for_each is empty declares nothing, as an ARM
resource with ``condition: false`` does; one whose count is not known may or may not exist: its
``unknown`` is the count/for_each argument as written, with why, and becomes the resources'
``deployed`` attribute.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bcdr_lint.loaders.terraform_hcl import Argument
from bcdr_lint.model import ParseError, Ref, Unresolved


@dataclass(frozen=True)
class Instances:
    count: int | None  # None: known only at plan time
    error: ParseError | None = None
    unknown: Unresolved | None = None

    @property
    def exist(self) -> bool:
        return self.count != 0


SINGLE = Instances(1)
UNKNOWN = Instances(None)


def from_count(value: Any, arg: Argument) -> Instances:
    if isinstance(value, (Unresolved, Ref)):
        return _unknown(value, arg)
    if isinstance(value, str):
        # Terraform converts a numeric string to the number count wants.
        try:
            value = float(value.strip())
        except ValueError:
            pass
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or (isinstance(value, float) and not value.is_integer()):
        return _invalid(arg, "count must be a whole number")
    if value < 0:
        return _invalid(arg, "count must not be negative")
    return Instances(int(value))


def from_for_each(value: Any, arg: Argument) -> Instances:
    if isinstance(value, (Unresolved, Ref)):
        return _unknown(value, arg)
    # A list stands for a set here: set-typed variables and toset() results evaluate to lists.
    if isinstance(value, (dict, list)):
        return Instances(len(value))
    return _invalid(arg, "for_each must be a map or a set of strings")


def conflicting(for_each: Argument) -> Instances:
    return Instances(None, ParseError("count and for_each cannot both be set on one resource", for_each.location))


def _unknown(value: Unresolved | Ref, arg: Argument) -> Instances:
    """The argument as written, pointing at it; the reason names the part that is not known."""
    if isinstance(value, Ref):
        reason = f"{value} is known only after apply"
    elif value.expression == arg.text:
        reason = value.reason
    else:
        reason = f"{value.expression}: {value.reason}" if value.reason else value.expression
    return Instances(None, unknown=Unresolved(arg.text, reason, arg.location))


def _invalid(arg: Argument, message: str) -> Instances:
    # Terraform rejects the block; it is still kept (one instance) so its other findings show.
    return Instances(None, ParseError(f"{message} (got {arg.text})", arg.location))
