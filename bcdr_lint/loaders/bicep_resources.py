"""Bicep ``resource`` declarations -> occurrences -> the ARM builders -> ``Resource``s.

A declaration has one occurrence, none (``if (false)``), or one per element of a loop over a
known array, keyed by the element (``replicas[eastus2]``), so keys stay the same when an
element is added before another. A condition or loop that cannot be evaluated leaves one
occurrence whose ``deployed`` is that expression. Children are declared nested in their parent
(``resource repl 'replications' = {...}``) or with ``parent:``; both give the child its parent's
key and name path. ``existing`` resources are never emitted: references to them carry their
Azure identity (type, names, resource group), which the model matches by name.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

from bcdr_lint.loaders import bicep_ast as ast
from bcdr_lint.loaders.arm import inline_child
from bcdr_lint.loaders.arm_resources import BUILDERS, Decl, Parent
from bcdr_lint.loaders.bicep_eval import Env, Evaluator, Lazy
from bcdr_lint.loaders.bicep_nodes import body_node, whole
from bcdr_lint.loaders.bicep_values import AzureScope, ResourceValue
from bcdr_lint.loaders.jsonpos import JObject
from bcdr_lint.model import Ref, Resource, Unresolved
from bcdr_lint.model.azure_id import RESOURCE_GROUP

if TYPE_CHECKING:
    from bcdr_lint.loaders.bicep_instance import Instance

Declaration = ast.ResourceDecl | ast.ModuleDecl


@dataclass(frozen=True, eq=False)
class Occurrence:
    """One resource or module a declaration stands for."""

    decl: Declaration
    body: ast.Obj
    env: Env
    path: str  # its key
    deployed: Unresolved | None  # unknown condition or loop count (its own or an enclosing one)
    absent: bool = False  # `if (false)`: not deployed, but its symbol still names it
    unknown_loop: Unresolved | None = None  # stands for every iteration of a loop over this


def expand(evaluator: Evaluator, decl: Declaration, env: Env, base: str,
           inherited: Unresolved | None) -> list[Occurrence]:
    """The occurrences of a declaration whose key is ``base`` (plus a loop label)."""
    body = decl.body
    if isinstance(body, ast.Obj):
        return [Occurrence(decl, body, env, base, inherited)]
    if isinstance(body, ast.IfBody):
        return [_conditional(evaluator, decl, body, env, base, inherited)]
    elements = evaluator.loop_elements(body, env)
    inner = body.body
    if isinstance(elements, Unresolved):
        # One stand-in for all iterations: what does not depend on the element is still known.
        why = f"an element of `{evaluator.template.text_of(body.iterable)}`, which is unresolved"
        stand_in = {**env, body.item: Unresolved(body.item, why)}
        if body.index is not None:
            stand_in[body.index] = Unresolved(body.index, why)
        count = Unresolved(evaluator.template.text_of(body.iterable), elements.reason,
                           evaluator.template.locate(body.iterable.start, body.iterable.end))
        obj = inner.body if isinstance(inner, ast.IfBody) else inner
        if not isinstance(obj, ast.Obj):
            return []
        return [Occurrence(decl, obj, stand_in, f"{base}[?]", inherited or count, unknown_loop=count)]
    found = []
    for label, bound in zip(_labels([e[body.item] for e in elements]), elements):
        path = f"{base}[{label}]"
        if isinstance(inner, ast.IfBody):
            found.append(_conditional(evaluator, decl, inner, bound, path, inherited))
        elif isinstance(inner, ast.Obj):
            found.append(Occurrence(decl, inner, bound, path, inherited))
    return found


def _conditional(evaluator: Evaluator, decl: Declaration, body: ast.IfBody, env: Env, path: str,
                 inherited: Unresolved | None) -> Occurrence:
    condition = evaluator.value(body.condition, env)
    if isinstance(condition, bool):
        return Occurrence(decl, body.body, env, path, inherited, absent=not condition)
    text = evaluator.template.text_of(body.condition)
    reason = condition.reason if isinstance(condition, Unresolved) else "a condition must be true or false"
    unknown = Unresolved(text, reason, evaluator.template.locate(body.condition.start, body.condition.end))
    return Occurrence(decl, body.body, env, path, inherited or unknown)


def _labels(items: list[Any]) -> list[str]:
    """Loop labels: the element itself, or its name, when that is distinct; else the index."""
    labels = []
    for index, item in enumerate(items):
        if isinstance(item, dict):  # by its name; an items() entry by its key
            lowered = {k.lower(): v for k, v in item.items()}
            item = lowered.get("name", lowered.get("key"))
        labels.append(str(item) if isinstance(item, (str, int)) and not isinstance(item, bool) else str(index))
    return labels if len(set(labels)) == len(labels) else [str(i) for i in range(len(items))]


def prop(body: ast.Obj, name: str) -> ast.Prop | None:
    return next((p for p in body.props if isinstance(p, ast.Prop) and p.key == name), None)


class ResourceTable:
    """The resources of one instance: symbols, identities, bodies, and what the builders make."""

    def __init__(self, instance: "Instance") -> None:
        self.instance = instance
        self._top: dict[str, list[Occurrence]] = {}
        self._nested: dict[tuple[int, str], list[Occurrence]] = {}
        self._values: dict[int, ResourceValue] = {}
        self._occurrence_of: dict[int, Occurrence] = {}
        self._bodies: dict[int, JObject] = {}
        self._views: dict[int, dict[str, Any]] = {}
        self._busy: set[int] = set()
        self._naming: set[int] = set()
        self._parents: dict[int, ResourceValue | None] = {}  # the resource a child is nested in
        self._owners: dict[int, ResourceValue | None] = {}  # that, or the one `parent:` names
        self._groups: dict[str, list[ResourceValue]] | None = None  # resource groups deployed here, by name

    # -- occurrences and symbols --------------------------------------------------------------

    def top(self, symbol: str) -> list[Occurrence]:
        found = self._top.get(symbol)
        if found is None:
            instance = self.instance
            decl = instance.template.resources[symbol]
            found = expand(instance, decl, {}, f"{instance.context.prefix}{symbol}", instance.context.deployed)
            self._top[symbol] = found
            for occurrence in found:
                self._parents[id(occurrence)] = None
        return found

    def nested(self, parent: Occurrence, decl: ast.ResourceDecl) -> list[Occurrence]:
        key = (id(parent), decl.symbol)
        found = self._nested.get(key)
        if found is None:
            found = expand(self.instance, decl, self.env_of(parent), f"{parent.path}/{decl.symbol}", parent.deployed)
            self._nested[key] = found
            owner = self.value(parent)
            for occurrence in found:
                self._parents[id(occurrence)] = owner
        return found

    def env_of(self, occurrence: Occurrence) -> Env:
        """Inside a body, the resources nested in it are known by their symbols."""
        if not occurrence.body.resources:
            return occurrence.env
        env = dict(occurrence.env)
        for decl in occurrence.body.resources:
            env[decl.symbol] = Lazy(lambda decl=decl: self._symbol_of(self.nested(occurrence, decl), decl))
        return env

    def symbol(self, name: str, node: Any) -> Any:
        return self._symbol_of(self.top(name), self.instance.template.resources[name])

    def _symbol_of(self, found: list[Occurrence], decl: ast.ResourceDecl) -> Any:
        if isinstance(decl.body, ast.For):
            if len(found) == 1 and found[0].unknown_loop is not None:
                return found[0].unknown_loop  # the loop's array is unknown, so are its elements
            return [self.value(o) for o in found]
        return self.value(found[0]) if found else self.instance.about(decl, "not deployed")

    def child(self, parent: Any, node: ast.ChildAccess) -> Any:
        occurrence = self._occurrence_of.get(id(parent)) if isinstance(parent, ResourceValue) else None
        if occurrence is None:
            return self.instance.unresolved(node, "'::' needs a resource with nested resources")
        decl = next((d for d in occurrence.body.resources if d.symbol == node.name), None)
        if decl is None:
            return self.instance.unresolved(node, f"'{parent.symbol}' has no nested resource '{node.name}'")
        return self._symbol_of(self.nested(occurrence, decl), decl)

    # -- identity -------------------------------------------------------------------------------

    def value(self, occurrence: Occurrence) -> ResourceValue:
        found = self._values.get(id(occurrence))
        if found is None:
            if id(occurrence) in self._naming:
                return self._nameless(occurrence)  # its name depends on itself
            self._naming.add(id(occurrence))
            try:
                found = self._identity(occurrence)
            finally:
                self._naming.discard(id(occurrence))
            self._values[id(occurrence)] = found
            self._occurrence_of[id(found)] = occurrence
        return found

    def _nameless(self, occurrence: Occurrence) -> ResourceValue:
        decl = occurrence.decl
        assert isinstance(decl, ast.ResourceDecl)
        written_type, _, version = decl.type_text.partition("@")
        name = self.instance.about(decl, "its name refers to itself")
        return ResourceValue(decl.symbol, written_type, version, name, None, None, None,
                             self.instance.template.locate(decl.start, decl.end), lambda: name)

    def _identity(self, occurrence: Occurrence) -> ResourceValue:
        instance = self.instance
        decl = occurrence.decl
        assert isinstance(decl, ast.ResourceDecl)
        env = self.env_of(occurrence)
        written_type, _, version = decl.type_text.partition("@")
        parent = self._parents.get(id(occurrence))
        parent_prop = prop(occurrence.body, "parent")
        if parent_prop is not None:
            declared = instance.value(parent_prop.value, env)
            parent = declared if isinstance(declared, ResourceValue) else None
        self._owners[id(occurrence)] = parent
        relative = parent is not None and "/" not in written_type  # `'replications'` nested in its parent
        source_type = f"{parent.source_type}/{written_type}" if relative else written_type
        name_prop = prop(occurrence.body, "name")
        name: Any = (instance.value(name_prop.value, env) if name_prop is not None
                     else instance.about(decl, "the resource has no name"))
        if isinstance(name, Unresolved) and name_prop is not None:
            name = whole(instance, name_prop.value, name)
        elif not isinstance(name, (str, Unresolved)):
            name = instance.unresolved(name_prop.value if name_prop else decl, "a resource name must be a string")
        names: tuple[str, ...] | None = None
        if isinstance(name, str):
            own = tuple(part for part in name.split("/") if part)
            if parent is not None:
                names = (*parent.names, *own) if parent.names is not None else None
            else:
                names = own or None
        # A child is where its parent is: an `existing` parent may be in another group.
        group = parent.resource_group if parent is not None else instance.context.resource_group
        scope_prop = prop(occurrence.body, "scope")
        if decl.existing and scope_prop is not None:
            group = group_of(instance.value(scope_prop.value, env), group)
        return ResourceValue(
            decl.symbol, source_type, version, name, names, None if decl.existing else occurrence.path, group,
            instance.template.locate(decl.start, decl.end), lambda: self.body_values(occurrence),
        )

    def group_location(self, name: str) -> Any:
        """The location of the one resource group named ``name`` that this instance deploys
        (``scope: resourceGroup('rg-x')`` beside ``resource rg ... = { name: 'rg-x' }``), else None."""
        if self._groups is None:
            self._groups = {}  # set first: a group's own name may call resourceGroup(...)
            for symbol, decl in self.instance.template.resources.items():
                if decl.existing or decl.type_text.partition("@")[0].lower() != RESOURCE_GROUP:
                    continue
                for occurrence in self.top(symbol):
                    value = self.value(occurrence)
                    if not occurrence.absent and isinstance(value.name, str):
                        self._groups.setdefault(value.name.lower(), []).append(value)
        found = self._groups.get(name.lower(), [])
        return found[0].member("location", f"{found[0].symbol}.location") if len(found) == 1 else None

    # -- bodies ---------------------------------------------------------------------------------

    def body(self, occurrence: Occurrence) -> JObject:
        found = self._bodies.get(id(occurrence))
        if found is None:
            decl = occurrence.decl
            self._busy.add(id(occurrence))
            try:
                found = body_node(self.instance, occurrence.body, self.env_of(occurrence), decl.start, decl.end)
            finally:
                self._busy.discard(id(occurrence))
            self._bodies[id(occurrence)] = found
        return found

    def body_values(self, occurrence: Occurrence) -> dict[str, Any] | Unresolved:
        """The body as other expressions read it (``vnet.properties.subnets[0].id``)."""
        if id(occurrence) in self._busy:
            return self.instance.about(occurrence.decl, "the resource's properties refer to themselves")
        found = self._views.get(id(occurrence))
        if found is None:
            found = _with_inline_ids(self.body(occurrence).value, self.value(occurrence))
            self._views[id(occurrence)] = found
        return found

    # -- what the builders make -----------------------------------------------------------------

    def emit(self, decl: ast.ResourceDecl) -> Iterator[Resource]:
        for occurrence in self.top(decl.symbol):
            yield from self._emit(occurrence)

    def _emit(self, occurrence: Occurrence) -> Iterator[Resource]:
        if occurrence.absent:
            return
        value = self.value(occurrence)
        if not value.existing:
            builder = BUILDERS.get(value.azure_type)
            if builder is not None:
                yield from self._built(builder, occurrence, value)
        for decl in occurrence.body.resources:
            for child in self.nested(occurrence, decl):
                yield from self._emit(child)

    def _built(self, builder: Any, occurrence: Occurrence, value: ResourceValue) -> Iterator[Resource]:
        instance = self.instance
        owner = self._owners.get(id(occurrence))
        parent = None
        if owner is not None:  # an `existing` parent has no key: it is found by its name
            parent = Parent(owner.key, owner.azure_type, owner.source_type, owner.names)  # type: ignore[arg-type]
        name = "/".join(value.names) if value.names else value.name
        decl = Decl(self.body(occurrence), value.source_type, occurrence.path, name, value.names, parent,
                    value.resource_group, instance.host.scope(instance.template), occurrence.deployed)
        deployment = instance.context.deployment
        for resource in builder(decl, inline_child):
            yield dataclasses.replace(resource, deployment=deployment) if deployment is not None else resource


def _with_inline_ids(body: dict[str, Any], owner: ResourceValue) -> dict[str, Any]:
    """``body`` where each named entry of an array property (``subnets``,
    ``virtualNetworkPeerings``) has the ``id`` Azure gives it: the owner's id, the property
    name, the entry's name. The key is the one the builders give that inline child."""
    props = next((v for k, v in body.items() if k.lower() == "properties"), None)
    if not isinstance(props, dict) or owner.names is None:
        return body
    changed = {}
    for name, entries in props.items():
        named = isinstance(entries, list) and any(isinstance(e, dict) and isinstance(e.get("name"), str) for e in entries)
        if not named:
            continue
        with_ids = []
        for index, entry in enumerate(entries):
            child = entry.get("name") if isinstance(entry, dict) else None
            if isinstance(child, str) and "id" not in entry:
                group = owner.resource_group if isinstance(owner.resource_group, str) else None
                key = f"{owner.key}/{name}/{child}" if owner.key is not None else None
                entry = {**entry, "id": Ref(type=f"{owner.azure_type}/{name.lower()}", names=(*owner.names, child),
                                            resource_group=group, key=key,
                                            text=f"{owner.symbol}.properties.{name}[{index}].id")}
            with_ids.append(entry)
        changed[name] = with_ids
    if not changed:
        return body
    return {k: ({**v, **changed} if v is props else v) for k, v in body.items()}


def group_of(scope: Any, default: Any) -> Any:
    """The resource group a ``scope:`` names: ``resourceGroup('rg')`` or a resource group symbol."""
    if isinstance(scope, AzureScope) and scope.kind == "resourceGroup":
        return scope.name if scope.name is not None else default
    if isinstance(scope, ResourceValue) and scope.azure_type == RESOURCE_GROUP:
        return scope.name
    if isinstance(scope, Unresolved):
        return scope
    return default


def group_location(scope: Any) -> Any:
    """The location of the resource group a ``scope:`` names, when the template declares it."""
    if isinstance(scope, ResourceValue) and scope.azure_type == RESOURCE_GROUP and not scope.existing:
        return scope.member("location", f"{scope.symbol}.location")
    if isinstance(scope, AzureScope):
        return scope.location
    return None
