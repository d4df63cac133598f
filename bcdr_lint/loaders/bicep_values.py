"""Values a Bicep expression can have beyond JSON: resources, modules, deployment scopes, lambdas.

Property access on them (``vnet.id``, ``acr.location``, ``resourceGroup().location``,
``stamp.outputs.clusterId``) is answered here, with an ``Unresolved`` for everything that exists
only once Azure has deployed something.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from bcdr_lint.model import Location, Ref, Unresolved

RUNTIME = "known only once the resource is deployed"


@dataclass(frozen=True, eq=False)
class ResourceValue:
    """A resource symbol (one instance of a loop): its identity, and its body on demand."""

    symbol: str
    source_type: str  # full type as written, without the API version
    api_version: str
    name: str | Unresolved
    names: tuple[str, ...] | None  # the full name path, when known
    key: str | None  # its model key; None for an `existing` resource (not deployed here)
    resource_group: str | Unresolved | None
    location: Location
    body: Callable[[], dict[str, Any] | Unresolved]  # the evaluated body (not for existing resources)

    @property
    def azure_type(self) -> str:
        return self.source_type.lower()

    @property
    def existing(self) -> bool:
        return self.key is None

    def ref(self, text: str) -> Ref | Unresolved:
        if self.names is None:
            reason = self.name.reason if isinstance(self.name, Unresolved) else "its parent's name is not known"
            return Unresolved(text, f"the name of '{self.symbol}' is not known: {reason}", self.location)
        group = self.resource_group if isinstance(self.resource_group, str) else None
        return Ref(type=self.azure_type, names=self.names, resource_group=group, key=self.key, text=text)

    def member(self, name: str, text: str) -> Any:
        lowered = name.lower()
        if lowered == "id":
            return self.ref(text)
        if lowered == "name":
            return self.name
        if lowered == "type":
            return self.source_type
        if lowered == "apiversion":
            return self.api_version
        if self.existing:
            return Unresolved(text, f"read from the existing resource '{self.name}' at deployment")
        body = self.body()
        if isinstance(body, Unresolved):
            return Unresolved(text, body.reason, body.location)
        for key, value in body.items():
            if key.lower() == lowered:
                return value
        return Unresolved(text, RUNTIME)


@dataclass(frozen=True, eq=False)
class ModuleValue:
    """A module symbol (one instance of a loop); ``outputs`` evaluates the module's outputs."""

    symbol: str
    name: Any
    outputs: Callable[[], dict[str, Any] | Unresolved]

    def member(self, name: str, text: str) -> Any:
        if name == "outputs":
            return self.outputs()
        if name == "name":
            return self.name
        return Unresolved(text, f"a module has no property '{name}' known before deployment")


@dataclass(frozen=True)
class AzureScope:
    """``resourceGroup()``, ``subscription()``, ... : only a resource group's name and location
    may be known (when the group is declared by the template that deploys into it)."""

    kind: str  # "resourceGroup", "subscription", "tenant", "managementGroup"
    name: str | Unresolved | None
    location: Any = None  # a resource group's, when the template that creates it is read
    text: str = ""

    def member(self, name: str, text: str) -> Any:
        if name == "name" and self.name is not None:
            return self.name
        if self.kind == "resourceGroup" and name == "location":
            if self.location is not None:
                return self.location
            return Unresolved(text, "the resource group's location is known only at deployment")
        return Unresolved(text, f"{self.kind}().{name} is known only at deployment")


@dataclass(frozen=True, eq=False)
class ImportedNamespace:
    """``import * as naming from './naming.bicep'``: ``naming.x`` reads the exported variable
    ``x``, ``naming.f(a)`` calls the exported function ``f``."""

    path: str
    variable: Callable[[str, str], Any]  # (name, text) -> value
    call: Callable[[str, list[Any], str], Any]  # (name, arguments, text) -> value

    def member(self, name: str, text: str) -> Any:
        return self.variable(name, text)


@dataclass(frozen=True, eq=False)
class LambdaValue:
    params: tuple[str, ...]
    call: Callable[[list[Any]], Any]


def lookup(target: Any, key: Any, text: str, safe: bool = False) -> Any:
    """``target.key`` or ``target[key]`` on an evaluated value."""
    if isinstance(target, Unresolved):
        return target
    if target is None and safe:
        return None
    if isinstance(target, (ResourceValue, ModuleValue, AzureScope, ImportedNamespace)):
        if not isinstance(key, str):
            return Unresolved(text, "a property name must be a string")
        return target.member(key, text)
    if isinstance(target, dict):
        if not isinstance(key, str):
            return Unresolved(text, "objects are indexed by property name")
        if key in target:
            return target[key]
        lowered = key.lower()
        for name, value in target.items():
            if name.lower() == lowered:
                return value
        return None if safe else Unresolved(text, f"the object has no property '{key}'")
    if isinstance(target, list):
        if not isinstance(key, int) or isinstance(key, bool):
            return Unresolved(text, "arrays are indexed by number")
        if not 0 <= key < len(target):
            return None if safe else Unresolved(text, f"index {key} is out of range (length {len(target)})")
        return target[key]
    kind = "a resource id" if isinstance(target, Ref) else ("null" if target is None else type(target).__name__)
    return Unresolved(text, f"cannot take '{key}' of {kind}")
