"""Where a key of the configuration is written, for error messages and for the clusters the
configuration declares (their findings point at their entry).

YAML positions come from PyYAML's node tree. ``tomllib`` keeps no positions, so TOML keys are
found in the text: a table header (``[tool.bcdr-lint.severity]``, the n-th
``[[tool.bcdr-lint.topology]]``) or a ``key =`` line inside the table, else the table's header.
"""

from __future__ import annotations

import re
from typing import Callable

# (keys from the top of the options) -> (line, column), 1-based; None when not found.
Positions = Callable[[tuple], "tuple[int, int] | None"]
# (keys from the top of the options) -> the source text of the scalar there; None when not one.
ScalarText = Callable[[tuple], "str | None"]

_HEADER = re.compile(r"^[ \t]*(\[\[?)[ \t]*([^\]\n]+?)[ \t]*\]\]?[ \t]*(?:#.*)?$", re.M)


def yaml_positions(node) -> Positions:
    """Positions in the composed YAML document ``node`` (a key's position is its key's)."""
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    def find(keys: tuple) -> tuple[int, int] | None:
        current, mark = node, None
        for key in keys:
            if isinstance(current, MappingNode) and isinstance(key, str):
                pair = next(((k, v) for k, v in current.value if isinstance(k, ScalarNode) and k.value == key), None)
                if pair is None:
                    break
                mark, current = pair[0].start_mark, pair[1]
            elif isinstance(current, SequenceNode) and isinstance(key, int) and key < len(current.value):
                current = current.value[key]
                mark = current.start_mark
            else:
                break
        if mark is None:
            return (node.start_mark.line + 1, node.start_mark.column + 1) if node is not None else None
        return mark.line + 1, mark.column + 1

    return find


def yaml_scalar_text(node) -> ScalarText:
    """The text of scalars as written (a composed node keeps ``no``, which loading makes False)."""
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    def find(keys: tuple) -> str | None:
        current = node
        for key in keys:
            if isinstance(current, MappingNode):
                current = next((v for k, v in current.value if isinstance(k, ScalarNode) and k.value == key), None)
            elif isinstance(current, SequenceNode) and isinstance(key, int) and key < len(current.value):
                current = current.value[key]
            else:
                return None
        return current.value if isinstance(current, ScalarNode) and not current.style else None

    return find


def toml_positions(text: str, table: tuple[str, ...]) -> Positions:
    """Positions in TOML ``text`` of keys under ``table`` (``("tool", "bcdr-lint")``, or ``()``
    for a file whose top level holds the options)."""
    lines = text.splitlines()
    headers = [(text.count("\n", 0, m.start()), m.group(1) == "[[", _split_dotted(m.group(2)))
               for m in _HEADER.finditer(text)]

    def block(start: int) -> range:
        following = [index for index, _, _ in headers if index > start]
        return range(start + 1, following[0] if following else len(lines))

    def assigned(key: str, within: range) -> int | None:
        """The first line of ``within`` where ``key`` is assigned (also inside an inline table)."""
        quoted = re.escape(key)
        pattern = re.compile(r"(?:^|[{,\s])(?:" + quoted + r'|"' + quoted + r"\"|'" + quoted + r"')[ \t]*=")
        return next((i for i in within if pattern.search(lines[i])), None)

    def deepest(keys: tuple, within: range) -> int | None:
        for name in reversed([k for k in keys if isinstance(k, str)]):
            found = assigned(name, within)
            if found is not None:
                return found
        return None

    def inline_table() -> int | None:
        """``bcdr-lint = { ... }`` under ``[tool]`` (or ``tool.bcdr-lint = { ... }`` at the top)."""
        if not table:
            return None
        parent = next((i for i, double, name in headers if name == table[:-1] and not double), None)
        found = assigned(table[-1], block(parent)) if parent is not None else None
        top = range(0, headers[0][0] if headers else len(lines))
        return found if found is not None else assigned(".".join(table), top)

    def find(keys: tuple) -> tuple[int, int] | None:
        own = next((i for i, double, name in headers if name == table and not double), None)
        top = range(0, headers[0][0] if headers else len(lines))
        within = block(own) if own is not None else top
        fallback = (own + 1, 1) if own is not None else None
        inline = inline_table() if own is None else None
        if inline is not None:
            found = deepest(keys, range(inline, block(inline).stop))
            return (inline if found is None else found) + 1, 1
        if not keys:
            return fallback
        sub = [i for i, _, name in headers if name == (*table, keys[0])]
        if sub:
            indexed = len(keys) > 1 and isinstance(keys[1], int)
            header = sub[keys[1]] if indexed and keys[1] < len(sub) else sub[0]
            found = deepest(keys[2:] if indexed else keys[1:], block(header))
            return (header if found is None else found) + 1, 1
        line = assigned(keys[0], within)
        if line is None:
            return fallback
        # Inline tables and arrays: the deepest named key written from the key's line on.
        found = deepest(keys[1:], range(line, within.stop))
        return (line if found is None else found) + 1, 1

    return find


def _split_dotted(name: str) -> tuple[str, ...]:
    parts = re.findall(r'"([^"]*)"|\'([^\']*)\'|([^.\s"\']+)', name)
    return tuple(a or b or c for a, b, c in parts)
