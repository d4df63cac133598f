"""A syntax error from a tree-sitter tree: tree-sitter recovers from mistakes and marks them
with ERROR nodes (tokens it could not place) and MISSING nodes (tokens it had to invent).
The first one in the file is the mistake to report, as a parser that stops would."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tree_sitter import Node

from bcdr_lint.model import Location, ParseError

if TYPE_CHECKING:
    from bcdr_lint.loaders.terraform_hcl import SourceFile

_END_OF_FILE = "unexpected end of file (unclosed block, bracket or string?)"
# Invented closing tokens: "missing" says it best. Other invented tokens (tree-sitter may invent
# a heredoc start to get past ``@``) are reported as the text actually there.
_CLOSERS = frozenset({"}", "]", ")", '"'})
# What to quote of the text at the error: one word, number, string, comment opener or operator.
_TOKEN = re.compile(r'[^\W\d][\w-]*|\d+(?:\.\d+)?|"[^"\n]*"?|/\*|//|==|!=|<=|>=|&&|\|\||=>|<<-?|\.\.\.|\S')


def first_error(root: Node, source: "SourceFile") -> ParseError:
    node = _first_error_node(root)
    content_end = len(source.data.rstrip())
    if node.start_byte >= content_end:
        # Reported on the last line with content (a MISSING '}' sits after the final newline).
        return _error(source, _END_OF_FILE, source.data[:content_end].count(b"\n"), 0)
    if node.is_missing and node.type in _CLOSERS:
        row, byte_column = node.start_point
        return _error(source, f"missing {node.type!r}", row, byte_column)
    start = _unexpected_at(node, source.data)
    if start >= content_end:
        return _error(source, _END_OF_FILE, source.data[:content_end].count(b"\n"), 0)
    shown = _TOKEN.match(source.data[start:start + 80].decode("utf-8", "replace")).group()
    line_start = source.data.rfind(b"\n", 0, start) + 1
    row = source.data.count(b"\n", 0, start)
    return _error(source, f"unexpected {shown[:40]!r}", row, start - line_start)


def _first_error_node(root: Node) -> Node:
    """The first ERROR or MISSING node in document order, the innermost one when an ERROR holds
    another (the outer one is then what the parser gave up on around it)."""
    node = root
    while True:
        for child in node.children:
            if child.is_missing or child.has_error:
                node = child
                break
        else:
            return node


def _unexpected_at(error: Node, data: bytes) -> int:
    """Byte offset of the token the parser could not place. An ERROR node holds either the tokens
    it skipped (the first one is unexpected) or the valid start of a construct it abandoned,
    followed by text it could not read: then the first token after that start is."""
    if error.is_missing:
        end = error.start_byte
    else:
        filled = [child for child in error.children if child.end_byte > child.start_byte]
        end = filled[-1].end_byte if filled else error.start_byte
        if filled and not data[end:].strip() and _opens_more_than_it_closes(error):
            return len(data)  # the file ends inside what the ERROR opened: end of file
        if not filled or not data[end:error.end_byte].strip():
            return error.start_byte
    return len(data) - len(data[end:].lstrip())


_OPENERS = frozenset({"block_start", "object_start", "tuple_start", "(", "{", "[", "quoted_template_start"})
_CLOSING = frozenset({"block_end", "object_end", "tuple_end", ")", "}", "]", "quoted_template_end"})


def _opens_more_than_it_closes(error: Node) -> bool:
    depth = 0
    for child in error.children:
        depth += (child.type in _OPENERS) - (child.type in _CLOSING)
    return depth > 0


def _error(source: "SourceFile", what: str, row: int, byte_column: int) -> ParseError:
    location = Location(source.path, row + 1, source.column(row, byte_column))
    return ParseError(f"Terraform syntax error: {what}", location)
