"""Subscription exports: what is deployed, for ad hoc audits without the code that deployed it.

Two shapes are read, recognised by content:

- ``az graph query -q "Resources | ..."`` (Azure Resource Graph): ``{"data": [rows], "count": n,
  ...}``, or a bare array of rows from older CLI versions; types are lower case; rows carry
  ``properties`` unless the query projected them away.
- ``az resource list``: an array of resources without ``properties`` (and sometimes without
  ``sku``). What a rule needs from them is unknown, and said so (``exports_thin``).

Each row goes through the ARM builders, as a declaration whose values are all literal (a string
starting with ``[`` is text in an export, never an expression): the same kinds, attributes and
references as a template, located at the row's object in the export. Child resources
(``registries/replications``) are rows of their own, named ``registry/replica``; inline children
(subnets, peerings, agent pool profiles) come from the row's properties as in a template.
What a deployed resource reports in place of a creation-time input is read as that input (a
flexible server's ``replicationRole`` of a replica is its ``createMode: Replica``).

Keys are the export file and the lower-case resource id: stable when rows move. A query may
project ``id`` away (``project name, type, location, resourceGroup``): the identity is then
spelled from ``subscriptionId``, ``resourceGroup``, ``type`` and ``name``, as much as the row has.
A row of an export without ``type`` or ``name`` cannot be read at all: it is reported (BCDR001)
at its line, and the other rows are read.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from bcdr_lint.loaders.arm import inline_child
from bcdr_lint.loaders.arm_eval import Scope
from bcdr_lint.loaders.arm_resources import BUILDERS, Decl
from bcdr_lint.loaders.base import LineIndex, LoadResult
from bcdr_lint.loaders.exports_thin import mark_thin, missing_parts
from bcdr_lint.loaders.jsonpos import JArray, JNode, JObject, scan
from bcdr_lint.model import Kind, Location, ParseError, Resource, azure_id

# Resource Graph's `ResourceContainers` table spells resource groups this way.
_TYPE_ALIASES = {"microsoft.resources/subscriptions/resourcegroups": azure_id.RESOURCE_GROUP}


def rows(data: Any) -> list[Any] | None:
    """The rows of an export (``{"data": [...]}`` or a bare array), or None when ``data`` is not one.

    Every row must be an object, none a template's declaration (``apiVersion``), and at least one
    must look like an Azure resource (an ``id`` path, or a provider ``type`` and a ``name``): other
    JSON arrays (package lists, test data, API pages) are never taken for an export.
    """
    if isinstance(data, dict):
        found = data.get("data")
        if not isinstance(found, list) or not ({"count", "total_records", "skip_token"} & data.keys()):
            return None
    elif isinstance(data, list):
        found = data
    else:
        return None
    if not found or not all(isinstance(row, dict) and "apiVersion" not in row for row in found):
        return None
    if not any(_has_id(row) or _has_type_and_name(row) for row in found):
        return None
    return found


def is_export(data: Any) -> bool:
    return rows(data) is not None


# `microsoft.containerservice/managedclusters`: a dotted provider namespace, then resource types.
_PROVIDER_TYPE = re.compile(r"^[a-z][a-z0-9]*(\.[a-z0-9]+)+(/[a-z0-9-]+)+$", re.IGNORECASE)


def _has_id(row: dict[str, Any]) -> bool:
    resource_id = row.get("id")
    return (isinstance(resource_id, str) and resource_id.startswith("/")
            and azure_id.ref_from_azure_id(resource_id) is not None)


def _completed(row: dict[str, Any]) -> dict[str, Any]:
    """The row with the ``type`` and ``name`` its ``id`` spells, when a query projected them away."""
    if _has_type_and_name(row) or not _has_id(row):
        return row
    ref = azure_id.ref_from_azure_id(row["id"])
    assert ref is not None and ref.type is not None
    completed = dict(row)
    completed.setdefault("type", ref.type)
    completed.setdefault("name", "/".join(ref.names))
    return completed if _has_type_and_name(completed) else row


def _has_type_and_name(row: dict[str, Any]) -> bool:
    resource_type, name = row.get("type"), row.get("name")
    return (isinstance(resource_type, str) and _PROVIDER_TYPE.match(resource_type) is not None
            and isinstance(name, str) and bool(name.strip()))


def load_export(path: str, data: Any, text: str) -> LoadResult:
    found = rows(data)
    if found is None:
        return LoadResult()
    root = scan(text)
    nodes = _row_nodes(root)
    lines = LineIndex(text)

    def locate(start: int, end: int) -> Location:
        return lines.location(path, start, end)

    scope = Scope(path, locate, literal=True)
    result = LoadResult()
    for row, node in zip(found, nodes):
        if not isinstance(node, JObject):
            continue
        row = _completed(row)
        if _has_type_and_name(row):
            result.resources.extend(_resources(path, row, node, scope))
        else:
            result.errors.append(ParseError(
                "this export row has no Azure resource `type` and `name`, so it was not read; export "
                "`id`, `name`, `type`, `location`, `resourceGroup`, `sku` and `properties` of every row",
                scope.locate(node.start, node.end)))
    result.errors.extend(scope.errors)
    return result


def _row_nodes(root: JNode) -> list[JNode]:
    if isinstance(root, JObject):
        root = root.members["data"].node
    assert isinstance(root, JArray)
    return root.items


def _resources(path: str, row: dict[str, Any], node: JObject, scope: Scope) -> list:
    written_type: str = row["type"]
    azure_type = written_type.lower()
    azure_type = _TYPE_ALIASES.get(azure_type, azure_type)
    builder = BUILDERS.get(azure_type)
    if builder is None:
        return []
    resource_id = row["id"] if _has_id(row) else _spelled_id(row)
    ref = azure_id.ref_from_azure_id(resource_id)
    written_group = row.get("resourceGroup")
    group = ref.resource_group if ref is not None and ref.resource_group else None
    group = group or (written_group if isinstance(written_group, str) and written_group else None)
    if ref is not None and ref.type == azure_type:
        names = ref.names
    else:
        # An id that does not spell the type's name path: the row's own name.
        names = tuple(part for part in row["name"].split("/") if part)
    decl = Decl(node, written_type, f"export:{path}:{resource_id.lower()}", "/".join(names), names or None,
                None, group, scope)
    try:
        built = list(builder(decl, inline_child))
    except Exception as exc:  # noqa: BLE001 - one odd row must not hide the thousand others
        scope.errors.append(ParseError(
            f"bcdr-lint could not read this {written_type} row (internal error {type(exc).__name__}: {exc}); "
            "please report it", decl.location))
        return []
    built = [_deployed_state(resource, node, scope) for resource in built]
    missing = {}
    for part in missing_parts(row):
        # At the `"properties": null` the export wrote, else at the row that lacks it.
        member = node.member(part)
        missing[part] = scope.locate(member.start, member.end) if member is not None else decl.location
    return [mark_thin(resource, missing) for resource in built] if missing else built


# What a deployed flexible server says it is (``createMode`` is an input the API does not return):
# MySQL `Source`/`Replica`, PostgreSQL `Primary`/`AsyncReplica`/`GeoAsyncReplica`.
_REPLICA_ROLES = frozenset({"replica", "asyncreplica", "geoasyncreplica"})


def _deployed_state(resource: Resource, node: JObject, scope: Scope) -> Resource:
    """What an export says in place of a template's creation-time properties."""
    if resource.kind is not Kind.DATABASE_SERVER or resource.get("create_mode") is not None:
        return resource
    props = node.get("properties")
    role = props.member("replicationRole") if isinstance(props, JObject) else None
    if role is None or not isinstance(role.node.value, str) or role.node.value.lower() not in _REPLICA_ROLES:
        return resource
    return dataclasses.replace(resource, attrs={**resource.attrs, "create_mode": "replica"},
                               attr_locations={**resource.attr_locations,
                                               "create_mode": scope.locate(role.start, role.end)})


def _spelled_id(row: dict[str, Any]) -> str:
    """The resource id of a row whose query projected ``id`` away, spelled from what it has:
    ``type`` ``A/b/c`` and ``name`` ``x/y`` are ``/providers/A/b/x/c/y``, below the row's
    subscription and resource group when it names them."""
    namespace, *types = row["type"].split("/")
    names = [part for part in row["name"].split("/") if part]
    if len(names) == len(types):
        path = "/".join(f"{kind}/{name}" for kind, name in zip(types, names))
    else:
        path = f"{'/'.join(types)}/{'/'.join(names)}"  # no name path: named by the row, as an id-less key
    spelled = f"/providers/{namespace}/{path}"
    group, subscription = row.get("resourceGroup"), row.get("subscriptionId")
    if isinstance(group, str) and group:
        spelled = f"/resourceGroups/{group}{spelled}"
    if isinstance(subscription, str) and subscription:
        spelled = f"/subscriptions/{subscription}{spelled}"
    return spelled
