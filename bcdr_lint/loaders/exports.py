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
Keys are the export file and the lower-case resource id: stable when rows move.
"""

from __future__ import annotations

from typing import Any

from bcdr_lint.loaders.arm import inline_child
from bcdr_lint.loaders.arm_eval import Scope
from bcdr_lint.loaders.arm_resources import BUILDERS, Decl
from bcdr_lint.loaders.base import LineIndex, LoadResult
from bcdr_lint.loaders.exports_thin import mark_thin, missing_parts
from bcdr_lint.loaders.jsonpos import JArray, JNode, JObject, scan
from bcdr_lint.model import Location, ParseError, azure_id

# Resource Graph's `ResourceContainers` table spells resource groups this way.
_TYPE_ALIASES = {"microsoft.resources/subscriptions/resourcegroups": azure_id.RESOURCE_GROUP}


def rows(data: Any) -> list[Any] | None:
    """The rows of an export (``{"data": [...]}`` or a bare array), or None when ``data`` is not one.

    Every row must look like an Azure resource (an ``id`` path, a provider ``type``, a ``name``):
    other JSON arrays (package lists, test data) are never taken for an export.
    """
    if isinstance(data, dict):
        found = data.get("data")
        if not isinstance(found, list) or not ({"count", "total_records", "skip_token"} & data.keys()):
            return None
    elif isinstance(data, list):
        found = data
    else:
        return None
    if not found or not all(_is_row(row) for row in found):
        return None
    return found


def is_export(data: Any) -> bool:
    return rows(data) is not None


def _is_row(row: Any) -> bool:
    if not isinstance(row, dict):
        return False
    resource_id, resource_type, name = row.get("id"), row.get("type"), row.get("name")
    return (isinstance(resource_id, str) and resource_id.startswith("/")
            and isinstance(resource_type, str) and "/" in resource_type and isinstance(name, str))


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
        if isinstance(node, JObject):
            result.resources.extend(_resources(path, row, node, scope))
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
    resource_id: str = row["id"]
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
    missing = {}
    for part in missing_parts(row):
        # At the `"properties": null` the export wrote, else at the row that lacks it.
        member = node.member(part)
        missing[part] = scope.locate(member.start, member.end) if member is not None else decl.location
    return [mark_thin(resource, missing) for resource in built] if missing else built
