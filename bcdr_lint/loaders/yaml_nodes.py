"""YAML node trees with positions, read as Kubernetes reads them: the parts of the Kubernetes
loader that know about PyYAML nodes and marks.

libyaml composes each document into a node tree that carries positions; ``Constructor`` turns
the tree into plain values (YAML 1.1 scalars, anchors, merge keys), and ``ManifestObject`` finds a
property's position on the same tree by the path its value was read from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from yaml.constructor import SafeConstructor
from yaml.error import Mark
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bcdr_lint.loaders.base import LineIndex
from bcdr_lint.model import Location, ParseError, Unresolved

Path = tuple[str | int, ...]

_STR_TAG = "tag:yaml.org,2002:str"
# envsubst, kustomize vars and Go/Helm templates left in a manifest are filled in at deploy time.
_PLACEHOLDER = re.compile(r"\$\{[^}]*\}|\$\([^)]*\)|\{\{.*?\}\}|^\$[A-Za-z_]\w*$")


class Constructor(SafeConstructor):
    """Safe construction as the Kubernetes API reads YAML.

    Timestamps stay text (the API is JSON, so ``2024-02-30`` must not fail the file), and tags
    of other tools (``!Ref``, ``!reference``, ``!vault``) are read as the plain value they tag:
    such files are not Kubernetes, and must not be reported as broken.
    """

    def construct_tagged(self, node: Node) -> Any:
        if isinstance(node, ScalarNode):
            return self.construct_scalar(node)
        if isinstance(node, SequenceNode):
            return self.construct_sequence(node, deep=True)
        return self.construct_mapping(node, deep=True)


Constructor.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_scalar)
Constructor.add_constructor(None, Constructor.construct_tagged)


@dataclass(frozen=True)
class ManifestObject:
    """One Kubernetes object: its plain value and the node tree its positions come from.

    Positions come from each mark's character ``index`` through ``lines``, never from the mark's
    own line and column: libyaml also breaks lines at U+0085, U+2028 and U+2029, which editors
    and GitHub show inline, so every later line would be off.
    """

    path: str
    node: Node
    value: dict
    errors: list[ParseError]
    lines: LineIndex

    @property
    def kind(self) -> str:
        return self.value["kind"]

    @property
    def group(self) -> str:
        api_version: str = self.value["apiVersion"]
        return api_version.rsplit("/", 1)[0] if "/" in api_version else ""

    def get(self, *keys: str | int) -> Any:
        current: Any = self.value
        for key in keys:
            if isinstance(key, int) and isinstance(current, list) and 0 <= key < len(current):
                current = current[key]
            elif isinstance(key, str) and isinstance(current, dict):
                current = current.get(key)
            else:
                return None
        return current

    def mapping(self, *keys: str | int) -> dict:
        return self._shaped(keys, dict, "a mapping")

    def sequence(self, *keys: str | int) -> list:
        return self._shaped(keys, list, "a list")

    def mapping_items(self, *keys: str | int) -> list[tuple[int, dict]]:
        """``(index in the source list, item)`` of a list of mappings. An item that is not a
        mapping (``- ``, a bare string) is reported and left out: the API server would reject it."""
        items = []
        for index, item in enumerate(self.sequence(*keys)):
            if isinstance(item, dict):
                items.append((index, item))
                continue
            where = (*keys, index)
            self._report(f"{self.kind}: `{_dotted(where)}` is not a mapping but {_shape(item)}", where)
        return items

    def boolean(self, *keys: str | int) -> bool | Unresolved | None:
        """A boolean field; a placeholder is Unresolved, any other value is reported."""
        found = self.get(*keys)
        if found is None or isinstance(found, bool):
            return found
        text = self.text(*keys)
        if isinstance(text, Unresolved):
            return text
        self._report(f"{self.kind}: `{_dotted(keys)}` must be true or false, not {_shape(found)}", keys)
        return None

    def _shaped(self, keys: Path, wanted: type, what: str) -> Any:
        found = self.get(*keys)
        if found is None:
            return wanted()
        if not isinstance(found, wanted):
            # The API server would reject it; say so rather than silently read less.
            self._report(f"{self.kind}: `{_dotted(keys)}` must be {what}, not {_shape(found)}", keys)
            return wanted()
        return found

    def _report(self, message: str, keys: Path) -> None:
        error = ParseError(message, self.loc(*keys) or self.location)
        if error not in self.errors:  # a Pod's metadata is read as object and as pod template
            self.errors.append(error)

    def below(self, keys: Path, value: dict) -> "ManifestObject":
        """The object at ``keys`` (a list item whose ``value`` was read) with this one's file,
        errors and positions."""
        node = find(self.node, keys)[1]
        return ManifestObject(self.path, node if node is not None else self.node, value, self.errors, self.lines)

    def loc(self, *keys: str | int) -> Location | None:
        key_node, value_node = find(self.node, keys)
        if value_node is None:
            return None
        start = (key_node or value_node).start_mark
        if isinstance(value_node, ScalarNode):
            end = value_node.end_mark
        elif key_node is not None:
            end = key_node.end_mark
        else:
            end = start
        return self.lines.location(self.path, start.index, end.index)

    @property
    def location(self) -> Location:
        return mark_location(self.path, self.lines, self.node.start_mark)

    def text(self, *keys: str | int) -> str | Unresolved | None:
        """A scalar as text; a deploy-time placeholder is Unresolved."""
        found = self.get(*keys)
        if found is None or isinstance(found, (dict, list)):
            return None
        text = found if isinstance(found, str) else scalar_text(found)
        if _PLACEHOLDER.search(text):
            return Unresolved(text, "a template placeholder, filled in when the manifest is rendered", self.loc(*keys))
        return text


def find(node: Node, keys: Path) -> tuple[Node | None, Node | None]:
    """(key node, value node) at ``keys`` below ``node``; the last duplicate key wins, as in the value."""
    key_node: Node | None = None
    current: Node | None = node
    for key in keys:
        if isinstance(key, int):
            if not isinstance(current, SequenceNode) or not 0 <= key < len(current.value):
                return None, None
            key_node, current = None, current.value[key]
            continue
        if not isinstance(current, MappingNode):
            return None, None
        found = next(((k, v) for k, v in reversed(current.value)
                      if isinstance(k, ScalarNode) and k.tag == _STR_TAG and k.value == key), None)
        if found is None:
            return None, None
        key_node, current = found
    return key_node, current


def mark_location(path: str, lines: LineIndex, mark: Mark) -> Location:
    """A mark's position counted in ``\\n`` lines, as editors show it (see ``ManifestObject``)."""
    line, column = lines.line_col(mark.index)
    return Location(path, line, column)


def _dotted(keys: Path) -> str:
    return ".".join(f"[{k}]" if isinstance(k, int) else k for k in keys).replace(".[", "[")


def _shape(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"the scalar `{scalar_text(value)}`"


def scalar_text(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)
