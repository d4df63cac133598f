"""Values that may be unknown, and references between resources."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bcdr_lint.model.location import Location


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A value that cannot be known without deploying: never guessed, always reported.

    ``expression`` is the source text as the user wrote it (``resourceGroup().location``,
    ``var.location``); ``reason`` says why it cannot be evaluated statically.
    """

    expression: str
    reason: str = ""
    location: Location | None = None

    def __str__(self) -> str:
        return self.expression


@dataclass(frozen=True, slots=True)
class DeployedProperty(Unresolved):
    """An unknown value that is a property Azure gives ``resource`` when it deploys it (Bicep's
    ``pip.properties.dnsSettings.fqdn``): which resource it reads is known, so a host name written
    so leads to that resource (``host_resource``), as ARM's ``reference(...).x`` does. Defined in
    the model so that builders read it whichever loader produced it."""

    resource: "Ref | None" = None


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference from one resource to another.

    Either exact (``key``: the model key of the target, as Terraform's ``azurerm_subnet.x.id``
    gives) or by Azure identity: the resource type (lower case, e.g.
    ``microsoft.network/virtualnetworks/subnets``), the name path (``("vnet-a", "aks")``) and,
    where known, the resource group. ``text`` is the expression, for messages.
    """

    type: str | None = None
    names: tuple[str, ...] = ()
    resource_group: str | None = None
    key: str | None = None
    text: str = ""

    def __str__(self) -> str:
        return self.text or self.key or "/".join((self.type or "?", *self.names))


def is_resolved(value: Any) -> bool:
    """True for a value known statically (``None``, meaning unset, counts as known)."""
    if isinstance(value, Unresolved):
        return False
    if isinstance(value, (list, tuple)):
        return all(is_resolved(v) for v in value)
    if isinstance(value, dict):
        return all(is_resolved(v) for v in value.values())
    return True


def normalize_region(value: Any) -> Any:
    """``East US 2`` -> ``eastus2``. Unresolved values and ``None`` pass through."""
    if isinstance(value, str):
        return "".join(value.split()).lower()
    return value


def lower_or_none(value: Any) -> str | Unresolved | None:
    """Enum values (SKUs, tiers) compare case-insensitively: keep them lower case.

    A value of another type (``sku = 1``, ``"name": 42``) is no SKU a rule can compare: it is
    reported as unresolved rather than handed to rules that expect text.
    """
    if isinstance(value, str):
        return value.strip().lower()
    if value is None or isinstance(value, Unresolved):
        return value
    kind = {bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "an object"}.get(type(value), type(value).__name__)
    return Unresolved(str(value), f"expected text, found {kind}")


def normalize_zones(value: Any) -> Any:
    """Availability zones are text (``["1", "2"]``) whether written as numbers or strings."""
    if isinstance(value, list):
        return [str(z) if isinstance(z, int) and not isinstance(z, bool) else z for z in value]
    return value
