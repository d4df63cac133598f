"""Bicep ``module`` declarations: a local module is instantiated with the caller's ``params``.

Each occurrence of a module (one, none for ``if (false)``, one per loop element) becomes an
``Instance`` of the module file whose resources are keyed below the call
(``main.bicep:stamps[eastus2]/aks``) and located in the module file, in the resource group its
``scope:`` names. Nested modules are followed, and a cycle of modules is reported at the call
that closes it. A registry or template-spec module (``br:``, ``br/alias:``, ``ts:``) is not read
offline, and neither is an ARM JSON template used as a module: each is an ``unread-deployment``
at the call, as Terraform registry modules and ARM linked templates are. A local module file
that does not exist is a parse error (BCDR001) at the call.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Iterator

from bcdr_lint.loaders import bicep_ast as ast
from bcdr_lint.loaders.bicep_resources import Occurrence, expand, group_location, group_of, prop
from bcdr_lint.loaders.bicep_template import Template
from bcdr_lint.loaders.bicep_values import ModuleValue
from bcdr_lint.model import Kind, Resource, Unresolved

if TYPE_CHECKING:
    from bcdr_lint.loaders.bicep_instance import Instance

REMOTE = "registry and template spec modules are not read offline"
JSON_MODULE = "ARM templates used as Bicep modules are not read yet"
_REMOTE_PREFIXES = ("br:", "br/", "ts:", "ts/")


def is_remote(source: str) -> bool:
    return source.lower().startswith(_REMOTE_PREFIXES)


class ModuleTable:
    """The module calls of one instance: their occurrences, instances and outputs."""

    def __init__(self, instance: "Instance") -> None:
        self.instance = instance
        self._occurrences: dict[str, list[Occurrence]] = {}
        self._children: dict[int, "Instance | str | None"] = {}

    def occurrences(self, symbol: str) -> list[Occurrence]:
        found = self._occurrences.get(symbol)
        if found is None:
            instance = self.instance
            decl = instance.template.modules[symbol]
            found = expand(instance, decl, {}, f"{instance.context.prefix}{symbol}", instance.context.deployed)
            self._occurrences[symbol] = found
        return found

    def symbol(self, name: str, node: Any) -> Any:
        decl = self.instance.template.modules[name]
        found = self.occurrences(name)
        values = [self._value(o) for o in found]
        if isinstance(decl.body, ast.For):
            if len(found) == 1 and found[0].unknown_loop is not None:
                return found[0].unknown_loop
            return values
        return values[0] if values else self.instance.unresolved(node, "not deployed")

    def _value(self, occurrence: Occurrence) -> ModuleValue:
        name_prop = prop(occurrence.body, "name")
        name = self.instance.value(name_prop.value, occurrence.env) if name_prop else occurrence.decl.symbol
        return ModuleValue(occurrence.decl.symbol, name, lambda: self._outputs(occurrence))

    def _outputs(self, occurrence: Occurrence) -> dict[str, Any] | Unresolved:
        child = self.child(occurrence)
        if isinstance(child, str) or child is None:
            decl = occurrence.decl
            return self.instance.about(decl, child or "the module could not be read")
        return child.outputs()

    def child(self, occurrence: Occurrence) -> "Instance | str | None":
        """The module's instance; or why it is not read (text); or None when it cannot be."""
        key = id(occurrence)
        if key not in self._children:
            self._children[key] = self._instantiate(occurrence)
        return self._children[key]

    def _instantiate(self, occurrence: Occurrence) -> "Instance | str | None":
        from bcdr_lint.loaders.bicep_instance import Context, Instance, Unknowable

        instance = self.instance
        decl = occurrence.decl
        assert isinstance(decl, ast.ModuleDecl)
        if is_remote(decl.path):
            return REMOTE
        host = instance.host
        template = instance.template
        target = host.files.beside(template.path, decl.path)
        at = template.locate(decl.path_start, decl.path_end)
        if not os.path.isfile(target):
            host.problem(f"module file {decl.path} not found (looked for {target})", at)
            return None
        if target.lower().endswith(".json"):
            return JSON_MODULE
        loaded = host.files.get(target)
        if not isinstance(loaded, Template):
            return None  # its own parse error is reported once, at the module file
        real = os.path.realpath(target)
        if real in instance.context.stack:
            host.problem(f"module cycle: {decl.path} is already being deployed by a module that calls this file", at)
            return None
        env = occurrence.env
        params_prop = prop(occurrence.body, "params")
        supplied: Any = {}
        if params_prop is not None:
            given = instance.value(params_prop.value, env)
            if isinstance(given, Unresolved):
                supplied = Unknowable(given)
            elif isinstance(given, dict):
                supplied = {name.lower(): value for name, value in given.items()}
        group, location = self._scope(occurrence)
        call = template.locate(decl.start, decl.end)
        context = Context(
            prefix=f"{occurrence.path}/",
            resource_group=group,
            group_location=location,
            deployed=occurrence.deployed,
            deployment=instance.context.deployment,
            stack=(*instance.context.stack, real),
            unset=f"the module call at {call.path}:{call.start_line} does not set it",
        )
        return Instance(loaded, supplied, context, host)

    def _group(self, occurrence: Occurrence) -> Any:
        """The resource group the module deploys to: its ``scope:``, else the caller's."""
        return self._scope(occurrence)[0]

    def _scope(self, occurrence: Occurrence) -> tuple[Any, Any]:
        """The name and location of the module's resource group: its ``scope:``, else the caller's."""
        scope_prop = prop(occurrence.body, "scope")
        context = self.instance.context
        if scope_prop is None:
            return context.resource_group, context.group_location
        scope = self.instance.value(scope_prop.value, occurrence.env)
        return group_of(scope, context.resource_group), group_location(scope)

    def emit(self, decl: ast.ModuleDecl) -> Iterator[Resource]:
        for occurrence in self.occurrences(decl.symbol):
            if occurrence.absent:
                continue
            child = self.child(occurrence)
            if isinstance(child, str):
                yield self._unread(occurrence, child)
            elif child is not None:
                yield from child.emit()

    def _unread(self, occurrence: Occurrence, reason: str) -> Resource:
        instance = self.instance
        decl = occurrence.decl
        assert isinstance(decl, ast.ModuleDecl)
        template = instance.template
        attrs: dict[str, Any] = {"source": decl.path, "reason": reason}
        locations = {"source": template.locate(decl.path_start, decl.path_end)}
        if occurrence.deployed is not None:
            attrs["deployed"] = occurrence.deployed
            if occurrence.deployed.location is not None:
                locations["deployed"] = occurrence.deployed.location
        name = self._value(occurrence).name
        return Resource(
            kind=Kind.UNREAD_DEPLOYMENT,
            key=occurrence.path,
            name=name if isinstance(name, (str, Unresolved)) else decl.symbol,
            location=template.locate(decl.start, decl.end),
            source_type="module",
            attrs=attrs,
            attr_locations=locations,
            resource_group=self._group(occurrence),
            deployment=instance.context.deployment,
        )
