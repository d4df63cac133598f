"""Bicep text -> syntax tree (``bicep_ast``), or a syntax error with its line and column.

The grammar (``bicep.lark``) is LALR(1); the tree is built while parsing (an inline
transformer, ``bicep_builder``), without an intermediate parse tree. String interpolation holes (``'${expr}'``)
are parsed by the same parser from the ``expr`` rule, with their offsets in the file.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Iterator

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from bcdr_lint.loaders import bicep_ast as ast
from bcdr_lint.loaders.bicep_builder import BicepSyntaxError, Builder
from bcdr_lint.loaders.base import LineIndex

_OPENERS = frozenset({"LPAR", "LBRACE", "LSQB"})
_CLOSERS = frozenset({"RPAR", "RBRACE", "RSQB"})

# How terminals are named in "expected ..." messages.
_SHOWN = {
    "NAME": "a name", "STRING": "a string", "MSTRING": "a string", "INT": "a number", "_NL": "a new line",
    "$END": "end of file", "EQ_OP": "a comparison", "REL_OP": "a comparison",
}


class _Newlines:
    """Post-lexer: newlines separate statements, properties and array items, except inside
    parentheses (function arguments may span lines). Runs of them count once; the file starts
    with none and ends with one, so the grammar needs no optional newlines at its edges."""

    always_accept = ("_NL",)

    def __init__(self) -> None:
        # False while an interpolation hole (an expression, not a file) is parsed.
        self.final_newline = True
        # The brackets open where the text stopped, and whether it stopped at its end: a file
        # that ends inside a bracket says which.
        self.open_brackets: list[Token] = []
        self.exhausted = False

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        final_newline = self.final_newline
        open_brackets: list[Token] = []
        self.open_brackets = open_brackets
        self.exhausted = False
        after_newline = True
        last: Token | None = None
        for token in stream:
            kind = token.type
            if kind == "_NL":
                if after_newline or (open_brackets and open_brackets[-1].type == "LPAR"):
                    continue
                after_newline = True
                yield token
                continue
            if kind in _OPENERS:
                open_brackets.append(token)
            elif kind in _CLOSERS and open_brackets:
                open_brackets.pop()
            after_newline = False
            last = token
            yield token
        self.exhausted = True
        if final_newline and last is not None and not after_newline:
            # Placed where the text ends, so an error about it points there.
            yield Token("_NL", "\n", last.end_pos, last.end_line, last.end_column, last.end_line,
                        last.end_column, last.end_pos)


def _parse_hole(source: str, offset: int, builder: Builder) -> ast.Expr:
    if not source.strip():
        raise BicepSyntaxError("empty '${}' in a string", offset)
    saved = builder.offset
    newlines = _newlines()
    saved_brackets, saved_exhausted = newlines.open_brackets, newlines.exhausted
    builder.offset = offset
    newlines.final_newline = False
    try:
        return _parser().parse(source, start="expr")
    except UnexpectedInput as exc:
        message = _describe(exc, source).replace("end of file", "'}'")
        raise BicepSyntaxError(message, offset + _position(exc, source)) from exc
    finally:
        builder.offset = saved
        newlines.final_newline = True
        newlines.open_brackets, newlines.exhausted = saved_brackets, saved_exhausted


@lru_cache(maxsize=1)
def _builder() -> Builder:
    return Builder(_parse_hole)


@lru_cache(maxsize=1)
def _newlines() -> _Newlines:
    return _Newlines()


@lru_cache(maxsize=1)
def _parser() -> Lark:
    grammar = resources.files("bcdr_lint.loaders").joinpath("bicep.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="contextual", postlex=_newlines(), start=["start", "expr"],
                transformer=_builder(), maybe_placeholders=True)


def parse(text: str) -> ast.Program:
    """The syntax tree of a Bicep file; raises ``BicepSyntaxError``."""
    builder = _builder()
    _parser()
    builder.offset = 0
    try:
        return _parser().parse(text, start="start")
    except UnexpectedInput as exc:
        position = _position(exc, text)
        left_open = _left_open(exc, text, position)
        if left_open is not None:
            raise BicepSyntaxError(*left_open) from exc
        raise BicepSyntaxError(_describe(exc, text), position) from exc
    except VisitError as exc:  # an error raised while building a node
        if isinstance(exc.orig_exc, BicepSyntaxError):
            raise exc.orig_exc from None
        raise


def error_location(text: str, error: BicepSyntaxError) -> tuple[int, int]:
    """1-based line and column of a syntax error."""
    return LineIndex(text).line_col(min(error.offset, len(text)))


def _position(exc: UnexpectedInput, text: str) -> int:
    token = getattr(exc, "token", None)
    if isinstance(exc, UnexpectedToken) and token is not None:
        if token.type == "$END":
            return len(text)
        if token.start_pos is not None:
            return token.start_pos
    if isinstance(exc, UnexpectedEOF):
        return len(text)
    position = getattr(exc, "pos_in_stream", None)
    return position if isinstance(position, int) else 0


def _left_open(exc: UnexpectedInput, text: str, position: int) -> tuple[str, int] | None:
    """A comment, multi-line string or bracket the text leaves open (message and where it
    opens): what the reader must close, rather than the token the parser stumbled on."""
    for start in (position, position - 1):
        if text.startswith("/*", start):  # a closed comment would have been skipped
            return "unterminated comment: '/*' is never closed by '*/'", start
    if isinstance(exc, UnexpectedCharacters) and text.startswith(_TRIPLE_QUOTE, position - 2):
        return f"unterminated multi-line string: {_TRIPLE_QUOTE} is never closed", position - 2
    newlines = _newlines()
    brackets = newlines.open_brackets
    if (isinstance(exc, UnexpectedEOF) or newlines.exhausted) and brackets:
        opener = brackets[-1]
        return f"'{opener}' is never closed: the file ends inside it", opener.start_pos
    return None


_TRIPLE_QUOTE = "'''"


def _describe(exc: UnexpectedInput, text: str) -> str:
    if isinstance(exc, UnexpectedCharacters):
        found = text[exc.pos_in_stream:exc.pos_in_stream + 1]
        if found == "'":
            return "unterminated or invalid string"
        return f"unexpected character {found!r}"
    expected: set[str] = set()
    found_text = "end of file"
    if isinstance(exc, UnexpectedToken):
        expected = set(exc.accepts or exc.expected)
        token = exc.token
        if token.type == "_NL":
            found_text = "new line"
        elif token.type != "$END":
            found_text = repr(str(token))
    elif isinstance(exc, UnexpectedEOF):
        expected = set(exc.expected)
    shown = _expected(expected)
    return f"unexpected {found_text}; expected {shown}" if shown else f"unexpected {found_text}"


# After a complete expression almost any operator may follow: naming them all hides what
# the reader needs (a new line, a comma, a closing bracket).
_OPERATORS = frozenset({
    "BANG", "PERCENT", "AND", "OR", "STAR", "PLUS", "MINUS", "SLASH", "DOT", "DCOLON", "QMARK",
    "COALESCE", "EQ_OP", "REL_OP", "LSQB", "LPAR",
})
_EXPRESSION_STARTS = frozenset({"NAME", "STRING", "MSTRING", "INT", "TRUE", "FALSE", "NULL", "LPAR", "LBRACE",
                                "LSQB", "BANG", "MINUS"})


def _expected(terminals: set[str]) -> str:
    names: list[str] = []
    if {"NAME", "INT", "LBRACE"} <= terminals:
        terminals = terminals - _EXPRESSION_STARTS
        names.append("an expression")
    rest = terminals - _OPERATORS
    if rest and terminals & _OPERATORS and len(terminals & _OPERATORS) > 3:
        terminals = rest
        names.append("an operator")
    names.extend(sorted({_show(name) for name in terminals}))
    if len(names) > 8:
        names = names[:8] + ["..."]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1] if names else ""


def _show(terminal: str) -> str:
    if terminal in _SHOWN:
        return _SHOWN[terminal]
    try:
        pattern = _parser().get_terminal(terminal).pattern
    except KeyError:
        return terminal.lower()
    return repr(pattern.value) if pattern.type == "str" else terminal.lower()
