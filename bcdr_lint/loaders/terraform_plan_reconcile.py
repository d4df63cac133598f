"""One resource for what a plan and the ``.tf`` source both declare.

``terraform show -json`` of a root module's plan lists the same resources its ``.tf`` files
declare, resolved. When both are checked, each resource must be in the model once: with the
plan's values (it knows what the code leaves open: variables set by the pipeline, registry
modules, counts) located at the source lines (where the fix goes; a plan is regenerated).

A plan belongs to the root module whose resources it names: the root folder it lies in (or
below), else the one root holding the most of its addresses; when two roots fit equally, it is
merged with neither (a guess could move a finding to the wrong code). A plan address matches the
source resource of the same address (``module.aks["east"].azurerm_kubernetes_cluster.this``), or
the stand-in the source keeps for instances it cannot count (``module.aks.azurerm_...`` with
``deployed`` unresolved), which the plan's instances then replace.
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from typing import Any

from bcdr_lint.model import Kind, Ref, Resource, Unresolved, is_resolved

_KEY = r'\[(?:"(?:[^"\\]|\\.)*"|\d+)\]'
_SEGMENT = rf"(?:module\.[\w-]+|(?:data\.)?[A-Za-z][\w-]*\.[\w-]+)(?:{_KEY})?"
_ADDRESS = re.compile(rf"^((?:module\.[\w-]+(?:{_KEY})?\.)*(?:data\.)?[A-Za-z][\w-]*\.[\w-]+(?:{_KEY})?)(.*)$", re.S)
_SOURCE_KEY = re.compile(rf"^tf:(.*?):({_SEGMENT}(?:\.{_SEGMENT})*(?:/.*)?)$", re.S)
_TOKEN = re.compile(rf"(module\.[\w-]+|(?:data\.)?[A-Za-z][\w-]*\.[\w-]+)((?:{_KEY})?)")
_ANY_KEY = re.compile(_KEY)
# An unread module call: ``tf:<space>:module.a["x"].module.b`` (module segments only).
_CALL_KEY = re.compile(rf"^tf:(.*?):((?:module\.[\w-]+(?:{_KEY})?\.)*module\.[\w-]+)$", re.S)


def reconcile(resources: list[Resource]) -> list[Resource]:
    """``resources`` with each plan resource that the source declares too merged into one."""
    plans: dict[str, list[tuple[Resource, str]]] = {}
    for resource in resources:
        rest = _plan_address(resource)
        if rest is not None:
            plans.setdefault(resource.location.path, []).append((resource, rest))
    if not plans:
        return resources
    source = _SourceIndex(resources)
    replaced: dict[int, Resource] = {}  # id of a plan resource -> the merged resource
    consumed: set[int] = set()  # ids of source resources a plan resource replaces
    renamed: dict[str, str] = {}  # plan key -> merged key
    for path, entries in sorted(plans.items()):
        space = source.root_of(path, [rest for _resource, rest in entries])
        if space is None:
            continue
        # A module call the source could not read (registry, remote, not checked): the plan
        # lists what it deploys, so it is no longer an unknown deployment.
        consumed.update(id(call) for call in source.unread_calls(space, [rest for _resource, rest in entries]))
        merged_parents: set[str] = set()  # plan addresses merged into a source resource
        for resource, rest in entries:
            match = source.match(space, rest)
            if match is None:
                continue
            merged = _merge(resource, match, f"tf:{space}:{rest}")
            replaced[id(resource)] = merged
            consumed.add(id(match))
            renamed[resource.key] = merged.key
            merged_parents.add(rest)
            # The plan lists the inline children (replicas, subnets, pools) as they will be; the
            # source's, which it may only have guessed at (a dynamic block), give way.
            consumed.update(id(child) for child in source.children(match))
        for resource, rest in entries:
            address, child = _split(rest)
            if child and id(resource) not in replaced and address in merged_parents:
                # A child only the plan knows: in the merged resource's key space, where it is.
                replaced[id(resource)] = dataclasses.replace(resource, key=f"tf:{space}:{rest}")
                renamed[resource.key] = f"tf:{space}:{rest}"
    out = []
    for resource in resources:
        if id(resource) not in consumed:
            out.append(_renamed_refs(replaced.get(id(resource), resource), renamed))
    return out


def _plan_address(resource: Resource) -> str | None:
    """The address of a resource read from a plan (keyed ``tf:<plan path>:<address>``)."""
    path = resource.location.path
    prefix = f"tf:{path}:"
    if path.endswith(".json") and resource.key.startswith(prefix):
        return resource.key[len(prefix):]
    return None


class _SourceIndex:
    """The resources of ``.tf`` files by root folder (key space) and address."""

    def __init__(self, resources: list[Resource]) -> None:
        self.exact: dict[tuple[str, str], Resource] = {}
        self.stand_ins: dict[tuple[str, str], list[tuple[str, Resource]]] = {}
        self._children: dict[tuple[str, str], list[Resource]] = {}
        self._unread: dict[str, list[tuple[str, Resource]]] = {}  # module calls not read, by space
        for resource in resources:
            if resource.deployment is not None or not resource.location.path.endswith(".tf"):
                continue
            call = _CALL_KEY.match(resource.key) if resource.kind is Kind.UNREAD_DEPLOYMENT else None
            if call is not None:
                self._unread.setdefault(call.group(1), []).append((call.group(2), resource))
                continue
            found = _SOURCE_KEY.match(resource.key)
            if found is None:
                continue
            space, rest = found.groups()
            self.exact[(space, rest)] = resource
            address, child = _split(rest)
            if child:
                self._children.setdefault((space, address), []).append(resource)
            if isinstance(resource.get("deployed"), Unresolved):
                self.stand_ins.setdefault((space, _config(rest)), []).append((rest, resource))
        self.spaces = {space for space, _rest in self.exact}

    def root_of(self, plan_path: str, addresses: list[str]) -> str | None:
        folder = posixpath.dirname(plan_path)
        counts = {space: 0 for space in self.spaces | set(self._unread)}
        for rest in addresses:
            for space in counts:
                if (space, rest) in self.exact or (space, _config(rest)) in self.stand_ins \
                        or any(_inside(call, rest) for call, _resource in self._unread.get(space, ())):
                    counts[space] += 1
        fitting = {space: n for space, n in counts.items() if n}
        around = [s for s in fitting if s in (".", folder) or folder.startswith(s.rstrip("/") + "/")]
        if around:
            return max(around, key=len)
        best = max(fitting.values(), default=0)
        tied = [space for space, n in fitting.items() if n == best]
        return tied[0] if len(tied) == 1 else None

    def unread_calls(self, space: str, addresses: list[str]) -> list[Resource]:
        """The unread module calls of ``space`` that some plan address is inside."""
        return [resource for call, resource in self._unread.get(space, ())
                if any(_inside(call, rest) for rest in addresses)]

    def children(self, resource: Resource) -> list[Resource]:
        """The inline children the source declares in ``resource`` (a top-level one)."""
        found = _SOURCE_KEY.match(resource.key)
        if found is None or _split(found.group(2))[1]:
            return []
        return list(self._children.get((found.group(1), found.group(2)), ()))

    def match(self, space: str, rest: str) -> Resource | None:
        exact = self.exact.get((space, rest))
        if exact is not None:
            return exact
        for stand_in_rest, resource in self.stand_ins.get((space, _config(rest)), ()):
            if _generalizes(stand_in_rest, rest):
                return resource
        return None


def _split(rest: str) -> tuple[str, str]:
    """(address, inline child suffix such as ``/default_node_pool``)."""
    found = _ADDRESS.match(rest)
    return (found.group(1), found.group(2)) if found else (rest, "")


def _config(rest: str) -> str:
    """The address without instance keys: what the configuration declares."""
    address, child = _split(rest)
    return _ANY_KEY.sub("", address) + child


def _inside(call: str, rest: str) -> bool:
    """Whether the plan address ``rest`` is in an instance of the module call ``call``
    (``module.stamp["x"].module.registry`` holds ``module.stamp["x"].module.registry[0].azurerm_...``;
    a call with no key covers every instance of it)."""
    calls, tokens = _TOKEN.findall(call), _TOKEN.findall(rest)
    return len(tokens) > len(calls) and all(
        a_name == b_name and (not a_key or a_key == b_key) for (a_name, a_key), (b_name, b_key) in zip(calls, tokens))


def _generalizes(stand_in: str, rest: str) -> bool:
    """Whether a stand-in's address covers ``rest``: same names and child, and every instance key
    the stand-in has is the one ``rest`` has (``module.aks.x.y`` covers ``module.aks["a"].x.y[0]``)."""
    (a_address, a_child), (b_address, b_child) = _split(stand_in), _split(rest)
    a_tokens, b_tokens = _TOKEN.findall(a_address), _TOKEN.findall(b_address)
    return a_child == b_child and len(a_tokens) == len(b_tokens) and all(
        a_name == b_name and (not a_key or a_key == b_key)
        for (a_name, a_key), (b_name, b_key) in zip(a_tokens, b_tokens))


def _merge(plan: Resource, source: Resource, key: str) -> Resource:
    """The plan's values at the source's lines; what the plan leaves to apply time and the
    source knows (an exact reference) is taken from the source."""
    attrs = dict(plan.attrs)
    for name, value in plan.attrs.items():
        if isinstance(value, Unresolved) and name in source.attrs and is_resolved(source.attrs[name]):
            attrs[name] = source.attrs[name]
    refs = dict(plan.refs)
    for name, value in plan.refs.items():
        if not isinstance(value, Ref) and isinstance(source.refs.get(name), Ref):
            refs[name] = source.refs[name]
    region = source.region if isinstance(plan.region, Unresolved) and isinstance(source.region, str) else plan.region
    wanted = {*attrs, *refs, "name", "region"}
    locations = {name: location for name, location in source.attr_locations.items() if name in wanted}
    return dataclasses.replace(plan, key=key, location=source.location, attrs=attrs, refs=refs, region=region,
                               attr_locations=locations)


def _renamed_refs(resource: Resource, renamed: dict[str, str]) -> Resource:
    if not any(isinstance(ref, Ref) and ref.key in renamed for ref in resource.refs.values()):
        return resource
    refs: dict[str, Any] = {
        name: dataclasses.replace(ref, key=renamed[ref.key]) if isinstance(ref, Ref) and ref.key in renamed else ref
        for name, ref in resource.refs.items()
    }
    return dataclasses.replace(resource, refs=refs)
