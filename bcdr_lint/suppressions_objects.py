"""Suppressions written as data on an object, covering every finding located inside it:

- a Kubernetes annotation ``bcdr-lint.io/ignore`` in an object's ``metadata.annotations``;
- in JSON (ARM templates, subscription exports), a ``bcdr-lint-ignore`` entry in an object's
  ``tags`` or ``metadata``.

The value holds one ``RULES: reason`` entry per line (a JSON ``metadata`` entry may also be an
array of such strings); a YAML folded scalar (``>``) is read by its lines as written, since
folding would join the entries into one. The annotation may be on any object's ``metadata``,
the pod template's too. Positions come from the same node trees the loaders use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from bcdr_lint.loaders.base import LineIndex

ANNOTATION = "bcdr-lint.io/ignore"
JSON_KEY = "bcdr-lint-ignore"


@dataclass(frozen=True, slots=True)
class ObjectSuppression:
    """``entries``: the lines of the value; ``value_*``: where the value is written (1-based line,
    column; end column exclusive); ``scope_*``: the object's extent as (line, column) pairs."""

    entries: tuple[str, ...]
    value_start: tuple[int, int]
    value_end: tuple[int, int]
    scope_start: tuple[int, int]
    scope_end: tuple[int, int]
    source: str  # "annotation" or "tag"
    problem: str | None = None  # why the value cannot be read (then ``entries`` is empty)


_NOT_TEXT = "the value must be text: `RULES: reason` entries, one per line"


def kubernetes_annotations(text: str) -> list[ObjectSuppression]:
    """``bcdr-lint.io/ignore`` annotations of the objects of a (multi-document) manifest; the
    items of a ``kind: List`` are objects of their own."""
    import yaml
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    lines = LineIndex(text)
    found: list[ObjectSuppression] = []
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        documents = list(yaml.compose_all(text, Loader=loader))
    except (yaml.YAMLError, RecursionError):
        return found  # BCDR001 reports the file; what did not parse cannot be suppressed either

    def child(node, key: str):
        if not isinstance(node, MappingNode):
            return None
        for key_node, value in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == key:
                return value
        return None

    def entries(value) -> tuple[str, ...]:
        if value.style == ">":
            # Folding joins the lines: read them as written, without the `>` header line.
            return tuple(text[value.start_mark.index:value.end_mark.index].splitlines()[1:])
        return tuple(value.value.splitlines())

    # Every mapping of every document: a document, the items of a `kind: List`, a pod template.
    pending = [document for document in documents if document is not None]
    seen: set[int] = set()  # aliases share nodes, and may even make a cycle
    while pending:
        obj = pending.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, SequenceNode):
            pending.extend(obj.value)
        if not isinstance(obj, MappingNode):
            continue
        pending.extend(value for _, value in obj.value)
        value = child(child(child(obj, "metadata"), "annotations"), ANNOTATION)
        if value is None:
            continue
        text_value = isinstance(value, ScalarNode)
        found.append(ObjectSuppression(
            entries=entries(value) if text_value else (),
            value_start=lines.line_col(value.start_mark.index),
            value_end=lines.line_col(value.end_mark.index),
            scope_start=lines.line_col(obj.start_mark.index),
            scope_end=lines.line_col(obj.end_mark.index),
            source="annotation",
            problem=None if text_value else _NOT_TEXT,
        ))
    return sorted(found, key=lambda o: (o.value_start, o.scope_start))


def json_tags(path: str, text: str) -> list[ObjectSuppression]:
    """``bcdr-lint-ignore`` entries of ``tags`` or ``metadata`` objects, anywhere in the document
    (a resource, a nested resource, the template itself)."""
    from bcdr_lint.loaders.jsonpos import JArray, JObject, JScalar, parse_jsonc, scan

    parsed = parse_jsonc(path, text)
    if not isinstance(parsed, tuple):
        return []
    _, positioned_text = parsed
    try:
        root = scan(positioned_text)
    except (ValueError, IndexError):
        return []
    lines = LineIndex(positioned_text)
    found: list[ObjectSuppression] = []
    for owner in _objects(root, JObject, JArray):
        for holder_key in ("tags", "metadata"):
            holder = owner.get(holder_key)
            if not isinstance(holder, JObject):
                continue
            value = holder.get(JSON_KEY)
            if value is None:
                continue
            texts = _strings(value, JScalar, JArray)
            found.append(ObjectSuppression(
                entries=tuple(line for t in texts for line in t.splitlines()) if texts is not None else (),
                value_start=lines.line_col(value.start),
                value_end=lines.line_col(value.end),
                scope_start=lines.line_col(owner.start),
                scope_end=lines.line_col(owner.end),
                source="tag",
                problem=None if texts is not None else _NOT_TEXT,
            ))
    return found


def _objects(root, object_type, array_type) -> Iterator:
    """Every object of the tree, without recursion (exports nest deeply)."""
    pending = [root]
    while pending:
        node = pending.pop()
        if isinstance(node, object_type):
            yield node
            pending.extend(member.node for member in node.members.values())
        elif isinstance(node, array_type):
            pending.extend(node.items)


def _strings(value, scalar_type, array_type) -> list[str] | None:
    if isinstance(value, scalar_type) and isinstance(value.value, str):
        return [value.value]
    if isinstance(value, array_type) and all(isinstance(v, scalar_type) and isinstance(v.value, str) for v in value.items):
        return [v.value for v in value.items]
    return None
