"""ARM deployments whose template is linked (``templateLink``), not written inline.

The linked template is not read (yet), so what it deploys is unknown: the deployment becomes one
``unread-deployment`` resource (the contract in ``model/resource.py``) that rules about *all*
clusters hold back on, instead of being dropped as if it deployed nothing.
"""

from __future__ import annotations

import dataclasses
import json
import os
import posixpath
from typing import Any

from bcdr_lint.loaders.arm_eval import located
from bcdr_lint.loaders.arm_expressions import expression_body, is_expression
from bcdr_lint.loaders.arm_resources import Attrs, Decl, make_resource
from bcdr_lint.loaders.jsonpos import JNode, JObject, JScalar, Member
from bcdr_lint.model import Kind, Resource, Unresolved

DEPLOYMENT = "microsoft.resources/deployments"
REASON = "linked templates are not read yet"

# The ways a templateLink names its template, in the order ARM documents them.
_LINK_KEYS = ("relativePath", "uri", "id")


def linked_deployment(decl: Decl, link: Member, group: str | Unresolved | None) -> Resource:
    """The unread deployment for a ``templateLink`` member of ``decl``'s properties."""
    # Its resources go to the deployment's resource group, as a nested inline template's do.
    decl = dataclasses.replace(decl, resource_group=group)
    scope = decl.scope
    attrs = Attrs(decl)
    attrs.values["source"], attrs.values["reason"] = _source_and_reason(decl, link.node)
    attrs.locations["source"] = scope.locate(link.start, link.end)
    return make_resource(decl, Kind.UNREAD_DEPLOYMENT, DEPLOYMENT, attrs)


def _source_and_reason(decl: Decl, node: JNode) -> tuple[str, str]:
    if not isinstance(node, JObject):
        return _written(node), REASON
    for key in _LINK_KEYS:
        member = node.member(key)
        if member is None:
            continue
        source = _written(member.node)
        value = located(decl.scope, member, decl.scope.value(member.node))
        if key == "id" or not isinstance(value, str) or not _is_relative(value):
            return source, REASON
        return source, f"{REASON}; it names {_named_file(decl.scope.path, value)}"
    return _written(node), f"{REASON} (the templateLink has no relativePath, uri or id)"


def _written(node: JNode) -> str:
    """How the link is written: an expression's text without brackets, else the literal."""
    raw: Any = node.value
    if isinstance(node, JScalar) and isinstance(raw, str):
        return expression_body(raw) if is_expression(raw) else raw
    return json.dumps(raw, separators=(", ", ": "))


def _is_relative(link: str) -> bool:
    return "://" not in link and not link.startswith(("/", "\\")) and not (len(link) > 1 and link[1] == ":")


def _named_file(template_path: str, link: str) -> str:
    """The file a relative link names, resolved against the linking template's folder."""
    relative = link.replace("\\", "/").split("?", 1)[0]
    named = posixpath.normpath(posixpath.join(posixpath.dirname(template_path.replace(os.sep, "/")), relative))
    return named if os.path.isfile(named) else f"{named}, which does not exist"
