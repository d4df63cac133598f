"""Bicep string literals: escapes and ``${...}`` interpolation holes, and the syntax error
every part of the parser raises."""

from __future__ import annotations

import re
from typing import Callable

from bcdr_lint.loaders import bicep_ast as ast


class BicepSyntaxError(ValueError):
    """Where the text stops being Bicep (``offset`` into the text) and what was expected."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\", "'": "'", "$": "$"}
_UNICODE_ESCAPE = re.compile(r"u\{([0-9A-Fa-f]{1,6})\}")

# Parses a hole's expression, given its text and its offset in the file.
ParseHole = Callable[[str, int], ast.Expr]


def decode_string(text: str, start: int, parse_hole: ParseHole) -> ast.Lit | ast.Interp:
    """The value of a single-quoted string token written at ``start``: escapes applied,
    interpolation holes parsed as expressions."""
    if "\\" not in text and "$" not in text:
        return ast.Lit(text[1:-1], start, start + len(text))  # most strings: nothing to decode
    parts: list[str | ast.Expr] = []
    literal: list[str] = []
    body_end = len(text) - 1
    position = 1
    while position < body_end:
        char = text[position]
        if char == "\\":
            escaped = text[position + 1]
            if escaped in _ESCAPES:
                literal.append(_ESCAPES[escaped])
                position += 2
                continue
            match = _UNICODE_ESCAPE.match(text, position + 1)
            if match is None:
                raise BicepSyntaxError(f"unknown escape sequence '\\{escaped}' in a string", start + position)
            literal.append(chr(int(match.group(1), 16)))
            position = match.end()
            continue
        if char == "$" and text.startswith("${", position):
            close = _hole_end(text, position + 2, start)
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(parse_hole(text[position + 2:close], start + position + 2))
            position = close + 1
            continue
        literal.append(char)
        position += 1
    if not any(not isinstance(p, str) for p in parts):
        return ast.Lit("".join([*(p for p in parts if isinstance(p, str)), *literal]), start, start + len(text))
    if literal:
        parts.append("".join(literal))
    return ast.Interp(tuple(parts), start, start + len(text))


def _hole_end(text: str, position: int, start: int) -> int:
    """The offset of the ``}`` closing a hole whose expression starts at ``position``."""
    depth = 0
    while position < len(text):
        char = text[position]
        if char == "'":
            position = _string_end(text, position) + 1
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return position
            depth -= 1
        position += 1
    raise BicepSyntaxError("unterminated '${' in a string", start + position)


def _string_end(text: str, position: int) -> int:
    position += 1
    while position < len(text) and text[position] != "'":
        position += 2 if text[position] == "\\" else 1
    return position
