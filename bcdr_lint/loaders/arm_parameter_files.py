"""A deployment parameter file read on its own: it declares no resources.

Its values are used where its template is loaded (``pairing``: one deployment per parameter
file). Read by itself, the one thing to report is a link to a template that does not exist
(``metadata.template: "./cluster-stamp.json"`` after the template was renamed): the deployment it
describes was then checked nowhere, which must not pass silently.
"""

from __future__ import annotations

import os
from typing import Any, Callable

from bcdr_lint.loaders.base import LoadResult
from bcdr_lint.loaders.jsonpos import JNode, JObject
from bcdr_lint.loaders.pairing import is_parameter_data, linked_file, template_link
from bcdr_lint.model import Location, ParseError

Locate = Callable[[int, int], Location]


def is_parameter_file(data: Any) -> bool:
    """Deployment parameters (by ``$schema``); such a file is never a template."""
    return is_parameter_data(data)


def load_parameter_file(path: str, data: dict[str, Any], root: JObject, locate: Locate) -> LoadResult:
    keys = template_link(data)
    if keys is None:
        return LoadResult()
    node: JNode | None = root
    start = root.start
    for key in keys:
        member = node.member(key) if isinstance(node, JObject) else None
        if member is None:
            return LoadResult()
        node, start = member.node, member.start
    link = node.value if node is not None else None
    if not isinstance(link, str):
        return LoadResult()
    named = linked_file(link, os.path.dirname(path))
    if named is None or os.path.exists(named):
        return LoadResult()
    shown = named.replace(os.sep, "/")
    message = (f"this parameter file deploys {shown}, which does not exist: the deployment it describes "
               "was not checked (fix the link, or name the template with --param-file TEMPLATE=PARAMS)")
    return LoadResult(errors=[ParseError(message, locate(start, node.end))])
