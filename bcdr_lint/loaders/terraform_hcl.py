"""HCL files as blocks and arguments that keep their Lark trees and source positions.

python-hcl2's raw Lark tree is used directly (not ``hcl2.load``): it is about twice as fast and
keeps every position, so locations are captured while parsing, never searched for afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping, Union

import hcl2
from lark import Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

from bcdr_lint.loaders.base import LineIndex
from bcdr_lint.model import Location, ParseError

Node = Union[Tree, Token]

_NEWLINE_RULE = "new_line_or_comment"
_NAME_RULES = frozenset({"identifier", "keyword", "literal_value"})


@dataclass(frozen=True, eq=False)
class SourceFile:
    """One .tf file: its text, to slice expressions from, and the offset-to-line index."""

    path: str
    text: str
    lines: LineIndex

    def location(self, node: Node) -> Location:
        start, end = span(node)
        return self.lines.location(self.path, start, end)

    def source(self, node: Node) -> str:
        start, end = span(node)
        return self.text[start:end]


@dataclass(frozen=True, eq=False)
class Argument:
    """``name = expression`` inside a block (or at the top of a ``locals`` block)."""

    name: str
    expr: Node
    location: Location
    file: SourceFile = field(repr=False)
    # Names bound around the argument: the iterator of a ``dynamic`` block's content.
    env: Mapping[str, Any] | None = None

    @property
    def text(self) -> str:
        return self.file.source(self.expr)


@dataclass(frozen=True, eq=False)
class Block:
    type: str
    labels: tuple[str, ...]
    arguments: dict[str, Argument]
    blocks: list["Block"]
    location: Location
    file: SourceFile = field(repr=False)
    duplicates: list[Argument] = field(default_factory=list)

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
    try:
        tree = hcl2.parses_to_tree(text)
    except LarkError as exc:
        raise HclSyntaxError(_syntax_error(path, text, exc)) from exc
    except RecursionError as exc:
        raise HclSyntaxError(ParseError("expression nested too deeply to parse", Location(path, 1, 1))) from exc
    source = SourceFile(path, text, LineIndex(text))
    body = tree.children[0]
    return [item for item in _body_items(body, source) if isinstance(item, Block)]


def _syntax_error(path: str, text: str, exc: LarkError) -> ParseError:
    last_line = text.rstrip().count("\n") + 1
    line = getattr(exc, "line", -1)
    column = getattr(exc, "column", -1)
    if isinstance(exc, UnexpectedEOF) or not isinstance(line, int) or line < 1:
        line, column = last_line, 1
    # The parser sees the text with a newline appended: an error after the last line with
    # content is reported on that line.
    line = min(line, last_line)
    column = column if isinstance(column, int) and column >= 1 else 1
    if isinstance(exc, UnexpectedToken):
        token = exc.token
        if token.type == "$END":
            what = "unexpected end of file (unclosed block, bracket or string?)"
        else:
            shown = str(token).splitlines()[0].strip() if str(token).strip() else repr(str(token))
            what = f"unexpected {shown[:40]!r}"
    elif isinstance(exc, UnexpectedCharacters):
        what = f"unexpected character {exc.char!r}"
    elif isinstance(exc, UnexpectedEOF):
        what = "unexpected end of file (unclosed block, bracket or string?)"
    else:
        what = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return ParseError(f"Terraform syntax error: {what}", Location(path, line, column))


def _body_items(body: Tree, source: SourceFile) -> list[Block | Argument]:
    items: list[Block | Argument] = []
    for child in body.children:
        if not isinstance(child, Tree):
            continue
        if child.data == "attribute":
            name_node, _eq, expr = child.children
            items.append(Argument(node_name(name_node), expr, source.location(child), source))
        elif child.data == "block":
            items.append(_block(child, source))
    return items


def _block(tree: Tree, source: SourceFile) -> Block:
    head = [c for c in tree.children if isinstance(c, Tree) and c.data != _NEWLINE_RULE and c.data != "body"]
    body = next(c for c in tree.children if isinstance(c, Tree) and c.data == "body")
    names = [_label(node) for node in head]
    arguments: dict[str, Argument] = {}
    duplicates: list[Argument] = []
    blocks: list[Block] = []
    for item in _body_items(body, source):
        if isinstance(item, Block):
            blocks.append(item)
        elif item.name in arguments:
            duplicates.append(item)
        else:
            arguments[item.name] = item
    return Block(names[0], tuple(names[1:]), arguments, blocks, source.location(tree), source, duplicates)


def _label(node: Tree) -> str:
    if node.data in _NAME_RULES:
        return node_name(node)
    # A quoted label: block labels cannot hold interpolations, so the characters are the label.
    return "".join(str(part.children[0]) for part in node.children if isinstance(part, Tree))


def span(node: Node) -> tuple[int, int]:
    """Start and end offsets of ``node`` without the newlines and comments the grammar
    attaches to the end of some expressions (a heredoc keeps its closing marker)."""
    first = _edge_token(node, first=True)
    last = _edge_token(node, first=False)
    if first is None or last is None:
        return 0, 0
    end = last.end_pos
    if last.type.startswith("HEREDOC_TEMPLATE"):
        while end > last.start_pos and last.value[end - last.start_pos - 1] in "\r\n":
            end -= 1
    return first.start_pos, end


def _edge_token(node: Node, *, first: bool) -> Token | None:
    while isinstance(node, Tree):
        children = node.children if first else list(reversed(node.children))
        following = None
        for child in children:
            if isinstance(child, Tree) and child.data == _NEWLINE_RULE:
                continue
            if isinstance(child, Token) and child.type == "NL_OR_COMMENT":
                continue
            following = child
            break
        if following is None:
            return None
        node = following
    return node


def significant(children: list) -> list:
    return [
        c for c in children
        if not (isinstance(c, Tree) and c.data == _NEWLINE_RULE) and not (isinstance(c, Token) and c.type == "NL_OR_COMMENT")
    ]


def node_name(node: Tree) -> str:
    return str(node.children[0])


def unwrap(node: Node) -> Node:
    """Through ``expr_term`` wrappers, parentheses and a string that is one interpolation."""
    while isinstance(node, Tree):
        inner = significant(node.children)
        if node.data == "expr_term":
            node = inner[1] if len(inner) == 3 else inner[0]
        elif node.data == "string" and len(inner) == 3 and isinstance(inner[1].children[0], Tree) \
                and inner[1].children[0].data == "interpolation":
            node = significant(inner[1].children[0].children)[1]
        else:
            return node
    return node


def flatten(node: Node) -> tuple[Node, list]:
    """``a.b[0].c`` -> (``a``, [("attr", "b"), ("index", <node 0>), ("attr", "c")])."""
    steps: list[tuple[str, Any]] = []
    while isinstance(node, Tree):
        if node.data == "expr_term":
            inner = significant(node.children)
            if len(inner) != 1:
                break  # parenthesized: the root is an expression
            node = inner[0]
        elif node.data == "get_attr_expr_term":
            base, get_attr = node.children
            steps.append(("attr", node_name(significant(get_attr.children)[1])))
            node = base
        elif node.data == "index_expr_term":
            base, index = node.children
            parts = significant(index.children)
            if index.data == "short_index":
                steps.append(("index", int(str(parts[1]))))
            else:
                steps.append(("index", parts[1]))
            node = base
        else:
            break
    steps.reverse()
    return node, steps
