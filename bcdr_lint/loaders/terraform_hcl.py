"""HCL files as blocks and arguments that keep their tree-sitter nodes and source positions.

Parsed with tree-sitter-hcl: a C parser, about ten times faster than a pure-Python one. Only
blocks and arguments are turned into Python objects here; an argument's expression stays a
tree-sitter node until the evaluator asks for it (most arguments never are).

tree-sitter counts columns in bytes and is error-tolerant: positions are converted to
characters here, and a tree with an error becomes ``HclSyntaxError`` (``terraform_syntax``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from typing import Any, Mapping

from tree_sitter import Language, Node, Parser

from bcdr_lint.loaders.terraform_syntax import first_error
from bcdr_lint.model import Location, ParseError


@lru_cache(maxsize=1)
def _parser() -> Parser:
    import tree_sitter_hcl

    return Parser(Language(tree_sitter_hcl.language()))


@dataclass(frozen=True, eq=False)
class SourceFile:
    """One .tf file: its UTF-8 bytes (tree-sitter offsets are byte offsets) and, when it is not
    ASCII, where each line starts, to turn byte columns into character columns."""

    path: str
    data: bytes
    line_starts: tuple[int, ...] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, path: str, data: bytes) -> "SourceFile":
        if data.isascii():
            return cls(path, data)
        starts = [0]
        find = data.find
        pos = find(b"\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find(b"\n", pos + 1)
        return cls(path, data, tuple(starts))

    def column(self, row: int, byte_column: int) -> int:
        """1-based character column of a 0-based (row, byte column) point."""
        if self.line_starts is None or row >= len(self.line_starts):
            return byte_column + 1
        start = self.line_starts[row]
        return len(self.data[start:start + byte_column].decode("utf-8", "replace")) + 1

    def location(self, node: Node) -> Location:
        start_row, start_col = node.start_point
        end_row, end_col = node.end_point
        if self.line_starts is None:
            return Location(self.path, start_row + 1, start_col + 1, end_row + 1, end_col + 1)
        return Location(self.path, start_row + 1, self.column(start_row, start_col),
                        end_row + 1, self.column(end_row, end_col))

    def source(self, node: Node) -> str:
        return self.data[node.start_byte:node.end_byte].decode("utf-8")

    def between(self, start_byte: int, end_byte: int) -> str:
        return self.data[start_byte:end_byte].decode("utf-8")


@dataclass(frozen=True, eq=False)
class Argument:
    """``name = expression`` inside a block (or at the top of a ``locals`` block)."""

    name: str
    expr: Node  # an ``expression`` node
    node: Node = field(repr=False)  # the whole ``attribute``
    file: SourceFile = field(repr=False)
    # Names bound around the argument: the iterator of a ``dynamic`` block's content.
    env: Mapping[str, Any] | None = None

    # Computed when asked for: most arguments of a module are never read.
    @cached_property
    def location(self) -> Location:
        return self.file.location(self.node)

    @property
    def text(self) -> str:
        return self.file.source(self.expr)


@dataclass(frozen=True, eq=False)
class Block:
    type: str
    labels: tuple[str, ...]
    arguments: dict[str, Argument]
    blocks: list["Block"]
    node: Node = field(repr=False)
    file: SourceFile = field(repr=False)
    duplicates: list[Argument] = field(default_factory=list)

    @cached_property
    def location(self) -> Location:
        return self.file.location(self.node)

    @property
    def resource_type(self) -> str:
        """``azurerm_subnet`` for ``resource "azurerm_subnet" "x"`` (and for data blocks)."""
        return self.labels[0] if self.labels else self.type

    def children(self, block_type: str) -> list["Block"]:
        return [b for b in self.blocks if b.type == block_type]

    def dynamic(self, block_type: str) -> list["Block"]:
        """The ``dynamic "<block_type>"`` blocks that generate children of that type."""
        return [b for b in self.blocks if b.type == "dynamic" and b.labels[:1] == (block_type,)]

    def bound(self, env: Mapping[str, Any], block_type: str | None = None) -> "Block":
        """A copy whose arguments (and nested blocks') see ``env``: one instance of dynamic content."""
        return replace(
            self,
            type=block_type or self.type,
            arguments={name: replace(arg, env={**(arg.env or {}), **env}) for name, arg in self.arguments.items()},
            blocks=[child.bound(env) for child in self.blocks],
        )


class HclSyntaxError(Exception):
    def __init__(self, error: ParseError) -> None:
        super().__init__(error.message)
        self.error = error


def parse_file(path: str, text: str) -> list[Block]:
    """The top-level blocks of one file, or ``HclSyntaxError`` at the line of the mistake."""
    return [item for item in parse_body(path, text) if isinstance(item, Block)]


def parse_body(path: str, text: str) -> list[Block | Argument]:
    """The top-level blocks and arguments of one file (a .tfvars file holds only arguments)."""
    data = text.encode("utf-8")
    root = _parser().parse(data).root_node
    source = SourceFile.of(path, data)
    if root.has_error:
        root = _without_exponent_errors(data) or root
    if root.has_error:
        raise HclSyntaxError(first_error(root, source))
    items: list[Block | Argument] = []
    try:
        for body in root.named_children:
            if body.type == "body":
                items.extend(_body_items(body, source))
    except RecursionError as exc:
        raise HclSyntaxError(ParseError("blocks nested too deeply to read", Location(path, 1, 1))) from exc
    return items


# tree-sitter-hcl wants a fraction before an exponent (``1.0e3``); HCL does not (``1e3``).
_BARE_EXPONENT = re.compile(rb"(?<![\w.])\d+[eE][+-]?\d+(?![\w.])")


def _without_exponent_errors(data: bytes) -> Node | None:
    """The tree of ``data`` with each ``1e3`` read as a number of the same length, if that is all
    that was wrong. Offsets are unchanged and values are read from the real text, so ``1e3``
    still evaluates to 1000.0."""
    masked = _BARE_EXPONENT.sub(lambda match: b"1" * len(match.group()), data)
    if masked == data:
        return None
    root = _parser().parse(masked).root_node
    return None if root.has_error else root


def _body_items(body: Node, source: SourceFile) -> list[Block | Argument]:
    items: list[Block | Argument] = []
    for child in body.named_children:
        kind = child.type
        if kind == "attribute":
            expr = child.child(child.child_count - 1)
            if expr.type != "expression":  # a comment the grammar kept inside the attribute
                expr = next(part for part in reversed(child.children) if part.type == "expression")
            items.append(Argument(source.source(child.child(0)), expr, child, source))
        elif kind == "block":
            items.append(_block(child, source))
    return items


def _block(node: Node, source: SourceFile) -> Block:
    names: list[str] = []
    arguments: dict[str, Argument] = {}
    duplicates: list[Argument] = []
    blocks: list[Block] = []
    for child in node.named_children:
        kind = child.type
        if kind == "identifier":
            names.append(source.source(child))
        elif kind == "string_lit":
            # Block labels cannot hold interpolations: the characters between the quotes are the label.
            names.append(source.between(child.start_byte + 1, child.end_byte - 1))
        elif kind == "body":
            for item in _body_items(child, source):
                if isinstance(item, Block):
                    blocks.append(item)
                elif item.name in arguments:
                    duplicates.append(item)
                else:
                    arguments[item.name] = item
    return Block(names[0], tuple(names[1:]), arguments, blocks, node, source, duplicates)


# -- the shapes of expressions -----------------------------------------------------------------
#
# The grammar inlines expression terms: an ``expression`` node (and each operand of an
# operation) holds a sequence of sibling nodes, one root (``variable_expr``, a literal, a call,
# ``( expression )``) followed by ``get_attr``/``index``/``splat`` steps. Comments can sit
# anywhere between them.

# The tokens of binary operations: the only unnamed children of one besides parentheses.
BINARY_OPERATORS = frozenset({"+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||"})


def terms(node: Node) -> list[Node]:
    return [child for child in node.children if child.type != "comment"]


def root_length(parts: list[Node]) -> int:
    """How many of ``parts`` form the root: three for ``( expression )``, else one."""
    return 3 if parts[0].type == "(" else 1


def steps_of(postfix: list[Node], source: SourceFile) -> list[tuple[Any, ...]]:
    """``.b[0].c`` -> [("attr", "b"), ("index", <expression 0>), ("attr", "c")].

    A splat is one step holding the steps it applies to each element: ``[*].id`` ->
    ("splat", True, [("attr", "id")]); ``.*.id`` (the legacy attribute-only splat) ->
    ("splat", False, [...]). The grammar nests every step after a splat inside it.
    """
    steps: list[tuple[Any, ...]] = []
    for node in postfix:
        kind = node.type
        if kind == "get_attr":
            steps.append(("attr", source.source(node.named_children[-1])))
        elif kind == "index":
            index = node.named_children[0]
            if index.type == "legacy_index":  # ``.0``
                steps.append(("index", int(source.source(index)[1:].strip())))
            else:
                steps.append(("index", next(c for c in index.named_children if c.type == "expression")))
        elif kind == "splat":
            inner = node.named_children[0]
            steps.append(("splat", inner.type == "full_splat", steps_of(inner.named_children, source)))
    return steps


def sole_interpolation(template: Node) -> Node | None:
    """The expression of ``"${x}"`` (a quoted template that is one interpolation and nothing else);
    ``template`` is a ``template_expr`` or its ``quoted_template``."""
    quoted = template.children[0] if template.type == "template_expr" else template
    if quoted.type != "quoted_template":
        return None
    parts = quoted.children
    # Whitespace between parts is in no node: adjacency proves there is none.
    if len(parts) != 3 or parts[1].type != "template_interpolation" \
            or parts[0].end_byte != parts[1].start_byte or parts[1].end_byte != parts[2].start_byte:
        return None
    return next(c for c in parts[1].named_children if c.type == "expression")


def unwrap(expr: Node) -> list[Node]:
    """The terms of ``expr`` through parentheses and a string that is one interpolation."""
    parts = terms(expr)
    while True:
        if len(parts) == 3 and parts[0].type == "(":
            parts = terms(parts[1])
        elif len(parts) == 1 and parts[0].type == "template_expr" \
                and (inner := sole_interpolation(parts[0])) is not None:
            parts = terms(inner)
        else:
            return parts


def reference(expr: Node, source: SourceFile) -> tuple[str, list[tuple[str, Any]]] | None:
    """``("azurerm_subnet", [("attr", "x"), ("attr", "id")])`` when ``expr`` is a plain reference."""
    parts = unwrap(expr)
    if parts[0].type != "variable_expr":
        return None
    steps = steps_of(parts[1:], source)
    if any(step[0] == "splat" for step in steps):
        return None
    return source.source(parts[0]), steps
