"""The ARM template expression language: ``"[concat(parameters('p'), '-aks')]"`` -> a small AST.

Only the syntax lives here; evaluation is in ``arm_eval``. Parsed expressions are cached because
the same strings repeat across resources and files (``[resourceGroup().location]``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Union

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedInput

# Function names may carry a user-defined namespace (`contoso.uniqueName(...)`); the lookahead
# tells a call from a property access, and the contextual lexer only offers FUNC where a value
# starts, so it never competes with NAME after a dot.
_GRAMMAR = r"""
start: expr
?expr: primary
     | expr "." NAME        -> prop
     | expr "[" expr "]"    -> index
?primary: call
        | STRING            -> string
        | INT               -> integer
call: FUNC "(" [expr ("," expr)*] ")"

FUNC: /[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?(?=\s*\()/
NAME: /[A-Za-z_$][A-Za-z0-9_$]*/
STRING: /'(?:[^']|'')*'/
INT: /-?[0-9]+/
%ignore /[ \t\r\n]+/
"""


class ExpressionSyntaxError(ValueError):
    """An expression ARM itself would reject; ``column`` is 1-based within the expression."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.column = column


@dataclass(frozen=True, slots=True)
class Literal:
    value: Any
    text: str


@dataclass(frozen=True, slots=True)
class Call:
    name: str  # lower case: ARM function names are case-insensitive
    args: tuple["Expr", ...]
    text: str


@dataclass(frozen=True, slots=True)
class Prop:
    target: "Expr"
    name: str
    text: str


@dataclass(frozen=True, slots=True)
class Index:
    target: "Expr"
    index: "Expr"
    text: str


Expr = Union[Literal, Call, Prop, Index]


def is_expression(value: str) -> bool:
    """``"[...]"`` is an expression; ``"[[...]"`` is a literal that starts with ``[``.

    ``"[]"`` and ``"[ ]"`` stay literals: tag values like that are not meant as expressions.
    """
    return (
        len(value) >= 3 and value[0] == "[" and value[-1] == "]" and value[1] != "[" and not value[1:-1].isspace()
    )


def unescape_literal(value: str) -> str:
    """The value of a non-expression string: a leading ``[[`` stands for ``[``."""
    if value.startswith("[[") and value.endswith("]"):
        return value[1:]
    return value


def expression_body(value: str) -> str:
    """The text between the brackets of ``"[...]"``, as messages show it."""
    return value[1:-1].strip()


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(_GRAMMAR, parser="lalr", propagate_positions=True, maybe_placeholders=True)


@lru_cache(maxsize=8192)
def parse(body: str) -> Expr:
    """The AST of an expression body (without the brackets). Raises ExpressionSyntaxError."""
    if not body.strip():
        raise ExpressionSyntaxError("empty expression", 1)
    try:
        tree = _parser().parse(body)
    except UnexpectedInput as exc:
        token = getattr(exc, "token", None)
        if token is not None and token.type == "$END":
            column = len(body) + 1
            raise ExpressionSyntaxError(f"unexpected end of expression at column {column}", column) from exc
        column = getattr(exc, "column", 1)
        column = column if isinstance(column, int) and column > 0 else 1
        found = body[column - 1:column + 9]
        raise ExpressionSyntaxError(f"unexpected {found!r} at column {column}", column) from exc
    except LarkError as exc:
        raise ExpressionSyntaxError(str(exc).splitlines()[0], 1) from exc
    return _build(tree.children[0], body)


def _text(node: Tree, body: str) -> str:
    return body[node.meta.start_pos:node.meta.end_pos]


def _build(node: Tree | Token, body: str) -> Expr:
    assert isinstance(node, Tree)
    kind = node.data
    if kind == "string":
        token = node.children[0]
        return Literal(str(token)[1:-1].replace("''", "'"), str(token))
    if kind == "integer":
        token = node.children[0]
        return Literal(int(token), str(token))
    if kind == "call":
        name, *args = node.children
        built = tuple(_build(a, body) for a in args if a is not None)
        return Call(str(name).lower(), built, _text(node, body))
    if kind == "prop":
        target, name = node.children
        return Prop(_build(target, body), str(name), _text(node, body))
    if kind == "index":
        target, index = node.children
        return Index(_build(target, body), _build(index, body), _text(node, body))
    raise ExpressionSyntaxError(f"unsupported syntax {kind!r}", 1)
