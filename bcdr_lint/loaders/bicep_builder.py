"""Building the Bicep syntax tree (``bicep_ast``) while the LALR parser reduces rules.

The callbacks receive the children of a rule: built nodes, and the tokens the grammar names
(keywords, brackets) from which every node takes its exact span. String tokens are decoded
by ``bicep_strings`` (escapes, ``${...}`` holes); a hole's expression is parsed by the
``parse_hole`` callback the parser module provides, with the hole's offset in the file.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

from lark import Token, Transformer

from bcdr_lint.loaders import bicep_ast as ast
from bcdr_lint.loaders.bicep_strings import BicepSyntaxError, decode_string

__all__ = ["BicepSyntaxError", "Builder"]


_EXPRESSIONS = (ast.Lit, ast.Interp, ast.Var, ast.Obj, ast.Arr, ast.For, ast.Call, ast.Method, ast.Member,
                ast.Index, ast.ChildAccess, ast.Unary, ast.Binary, ast.Ternary, ast.Lambda)

ParseHole = Callable[[str, int, "Builder"], ast.Expr]


def _is_token(child: Any) -> bool:
    return isinstance(child, Token)


def _nodes(children: list[Any]) -> list[Any]:
    """The built children: tokens (punctuation, keywords) and placeholders left out."""
    return [c for c in children if c is not None and not isinstance(c, Token)]


class Builder(Transformer):
    """Builds ``bicep_ast`` nodes during the parse. ``offset`` is added to token positions:
    an interpolation hole is parsed on its own, and its nodes must carry file offsets."""

    def __init__(self, parse_hole: ParseHole) -> None:
        super().__init__()
        self.offset = 0
        self.parse_hole = parse_hole

    # positions --------------------------------------------------------------------------

    def _start(self, child: Any) -> int:
        return self.offset + child.start_pos if isinstance(child, Token) else child.start

    def _end(self, child: Any) -> int:
        return self.offset + child.end_pos if isinstance(child, Token) else child.end

    def _span(self, children: list[Any]) -> tuple[int, int]:
        present = [c for c in children if c is not None]
        return self._start(present[0]), self._end(present[-1])

    # strings ----------------------------------------------------------------------------

    def _string(self, token: Token) -> ast.Lit | ast.Interp:
        start = self.offset + token.start_pos
        return decode_string(str(token), start, lambda source, offset: self.parse_hole(source, offset, self))

    def plain(self, token: Token) -> str:
        """A string where Bicep allows no interpolation (types, module paths, using)."""
        value = self._string(token)
        if isinstance(value, ast.Interp):
            raise BicepSyntaxError("string interpolation is not allowed here", value.start)
        return value.value

    # file and declarations ----------------------------------------------------------------

    def start(self, children: list[Any]) -> ast.Program:
        return ast.Program(tuple(c for c in children if c is not None and not _is_token(c)))

    def decorator(self, children: list[Any]) -> ast.Decorator:
        name = children[1]
        args = tuple(_nodes(children[2:]))
        return ast.Decorator(name, args, *self._span(children))

    def dotted_name(self, children: list[Any]) -> str:
        names = [str(c) for c in children if _is_token(c) and c.type == "NAME"]
        return names[-1]  # `sys.description` is `description`

    def _decorators(self, children: list[Any]) -> tuple[tuple[ast.Decorator, ...], list[Any]]:
        count = 0
        while count < len(children) and isinstance(children[count], ast.Decorator):
            count += 1
        return tuple(children[:count]), children[count:]

    def param_decl(self, children: list[Any]) -> ast.Param:
        decorators, rest = self._decorators(children)
        value = _after(rest, "EQUALS")
        written = rest[2]  # the type, None in a .bicepparam
        nullable = isinstance(written, _TypeNode) and written.nullable
        type_name = str(written) if _is_token(written) and written.type == "NAME" else None
        return ast.Param(str(rest[1]), value, decorators, *self._span(rest), nullable, type_name)

    def var_decl(self, children: list[Any]) -> ast.VarDecl:
        decorators, rest = self._decorators(children)
        return ast.VarDecl(str(rest[1]), _after(rest, "EQUALS"), *self._span(rest), _exported(decorators))

    def resource_decl(self, children: list[Any]) -> ast.ResourceDecl:
        decorators, rest = self._decorators(children)
        type_token = rest[2]
        existing = any(_is_token(c) and c.type == "EXISTING" for c in rest)
        return ast.ResourceDecl(
            str(rest[1]), self.plain(type_token), self._start(type_token), self._end(type_token),
            existing, rest[-1], decorators, *self._span(rest),
        )

    def module_decl(self, children: list[Any]) -> ast.ModuleDecl:
        decorators, rest = self._decorators(children)
        path_token = rest[2]
        return ast.ModuleDecl(
            str(rest[1]), self.plain(path_token), self._start(path_token), self._end(path_token),
            rest[-1], decorators, *self._span(rest),
        )

    def output_decl(self, children: list[Any]) -> ast.Output:
        _, rest = self._decorators(children)
        return ast.Output(str(rest[1]), rest[-1], *self._span(rest))

    def using_decl(self, children: list[Any]) -> ast.Using:
        target = children[1]
        path = self.plain(target) if target.type == "STRING" else None
        return ast.Using(path, *self._span(children))

    def _declared(self, kind: str, children: list[Any]) -> ast.Declared:
        _, rest = self._decorators(children)
        names = tuple(str(c) for c in rest if _is_token(c) and c.type == "NAME")
        value = rest[-1] if rest and isinstance(rest[-1], _EXPRESSIONS) else None
        return ast.Declared(kind, names, value, *self._span(rest))

    def target_scope(self, children: list[Any]) -> ast.Declared:
        return self._declared("targetScope", children)

    def metadata_decl(self, children: list[Any]) -> ast.Declared:
        return self._declared("metadata", children)

    def type_decl(self, children: list[Any]) -> ast.Declared:
        _, rest = self._decorators(children)
        written = rest[-1]
        nullable = isinstance(written, _TypeNode) and written.nullable
        return ast.Declared("type", (str(rest[1]),), None, *self._span(rest), nullable)

    def func_decl(self, children: list[Any]) -> ast.Func:
        decorators, rest = self._decorators(children)
        params = tuple(c.name for c in rest if isinstance(c, _FuncParam))
        return ast.Func(str(rest[1]), params, rest[-1], *self._span(rest), _exported(decorators))

    def func_param(self, children: list[Any]) -> _FuncParam:
        return _FuncParam(str(children[0]))

    def import_decl(self, children: list[Any]) -> ast.Declared | ast.Import:
        targets = children[1]
        if not isinstance(targets, _Targets):  # `import 'az@1.0.0'`: a provider, nothing to evaluate
            alias = children[-1]
            names = (str(alias),) if _is_token(alias) and alias.type == "NAME" else ()
            return ast.Declared("import", names, None, *self._span(children))
        path_token = children[-1]
        return ast.Import(self.plain(path_token), targets.items, targets.namespace, self._start(path_token),
                          self._end(path_token), *self._span(children))

    def import_targets(self, children: list[Any]) -> _Targets:
        if children[0].type == "STAR":
            return _Targets((), str(children[2]))
        return _Targets(tuple(c for c in children if isinstance(c, tuple)), None)

    def import_item(self, children: list[Any]) -> tuple[str, str]:
        exported = str(children[0])
        return exported, str(children[-1]) if children[-1] is not None else exported

    def extension_decl(self, children: list[Any]) -> ast.Declared:
        alias = children[-1] if children[-1] is not None and _is_token(children[-1]) else None
        names = (str(alias),) if alias is not None and alias.type == "NAME" else ()
        return ast.Declared("extension", names, None, *self._span(children))

    def extends_decl(self, children: list[Any]) -> ast.Extends:
        return ast.Extends(self.plain(children[1]), *self._span(children))

    def assert_decl(self, children: list[Any]) -> ast.Declared:
        return ast.Declared("assert", (str(children[1]),), None, *self._span(children))

    def if_body(self, children: list[Any]) -> ast.IfBody:
        condition, body = _nodes(children)
        return ast.IfBody(condition, body, *self._span(children))

    # types: parsed, never evaluated ------------------------------------------------------

    def type_expr(self, children: list[Any]) -> _TypeNode:
        # A union with a nullable member (`'a' | 'b'?`, `string | null`) admits null.
        nullable = any((isinstance(c, _TypeNode) and c.nullable) or (_is_token(c) and c.type == "NULL")
                       for c in children)
        return _TypeNode(*self._span(children), nullable)

    def type_postfix(self, children: list[Any]) -> _TypeNode:
        return _TypeNode(*self._span(children), _is_token(children[-1]) and children[-1].type == "QMARK")

    def type_atom(self, children: list[Any]) -> _TypeNode:
        # `(string?)`: what the parentheses hold decides.
        inner = children[1] if len(children) == 3 and _is_token(children[0]) and children[0].type == "LPAR" else None
        return _TypeNode(*self._span(children), isinstance(inner, _TypeNode) and inner.nullable)

    def type_member(self, children: list[Any]) -> _TypeNode:
        return _TypeNode(*self._span(children))

    # expressions ------------------------------------------------------------------------

    def variable(self, children: list[Any]) -> ast.Var:
        return ast.Var(str(children[0]), *self._span(children))

    def call(self, children: list[Any]) -> ast.Call:
        return ast.Call(str(children[0]), tuple(_nodes(children[1:])), None, *self._span(children))

    def method(self, children: list[Any]) -> ast.Call | ast.Method:
        target, name = children[0], str(children[2])
        args = tuple(_nodes(children[3:]))
        start, end = self._span(children)
        if isinstance(target, ast.Var) and target.name in ("az", "sys"):
            return ast.Call(name, args, target.name, start, end)
        return ast.Method(target, name, args, start, end)

    def member(self, children: list[Any]) -> ast.Member:
        safe = any(_is_token(c) and c.type == "QMARK" for c in children)
        return ast.Member(children[0], str(children[-1]), safe, *self._span(children))

    def index(self, children: list[Any]) -> ast.Index:
        safe = any(_is_token(c) and c.type == "QMARK" for c in children)
        target, index = _nodes(children)
        return ast.Index(target, index, safe, *self._span(children))

    def child(self, children: list[Any]) -> ast.ChildAccess:
        return ast.ChildAccess(children[0], str(children[2]), *self._span(children))

    def non_null(self, children: list[Any]) -> Any:
        return children[0]

    def paren(self, children: list[Any]) -> Any:
        return children[1]

    def unary(self, children: list[Any]) -> ast.Unary:
        return ast.Unary(str(children[0]), children[1], *self._span(children))

    def binary(self, children: list[Any]) -> ast.Binary:
        left, op, right = children
        return ast.Binary(str(op), left, right, *self._span(children))

    def ternary(self, children: list[Any]) -> ast.Ternary:
        condition, then, otherwise = _nodes(children)
        return ast.Ternary(condition, then, otherwise, *self._span(children))

    def lambda_(self, children: list[Any]) -> ast.Lambda:
        body = children[-1]
        params = []
        for child in children[:-1]:
            if _is_token(child) and child.type == "NAME":
                params.append(str(child))
            elif isinstance(child, ast.Var):
                params.append(child.name)
            elif child is not None and not _is_token(child):
                raise BicepSyntaxError("a lambda's parameters must be names", child.start)
        return ast.Lambda(tuple(params), body, *self._span(children))

    def string(self, children: list[Any]) -> ast.Lit | ast.Interp:
        return self._string(children[0])

    def mstring(self, children: list[Any]) -> ast.Lit:
        text = str(children[0])[3:-3]
        if text.startswith("\r\n"):
            text = text[2:]
        elif text.startswith("\n"):
            text = text[1:]
        return ast.Lit(text, *self._span(children))

    def integer(self, children: list[Any]) -> ast.Lit:
        return ast.Lit(int(children[0]), *self._span(children))

    def true(self, children: list[Any]) -> ast.Lit:
        return ast.Lit(True, *self._span(children))

    def false(self, children: list[Any]) -> ast.Lit:
        return ast.Lit(False, *self._span(children))

    def null(self, children: list[Any]) -> ast.Lit:
        return ast.Lit(None, *self._span(children))

    def object(self, children: list[Any]) -> ast.Obj:
        props = tuple(c for c in children if isinstance(c, (ast.Prop, ast.Spread)))
        nested = tuple(c for c in children if isinstance(c, ast.ResourceDecl))
        return ast.Obj(props, nested, *self._span(children))

    def property(self, children: list[Any]) -> ast.Prop:
        key_token, value = children[0], children[-1]
        key: str | ast.Interp
        if key_token.type == "STRING":
            decoded = self._string(key_token)
            key = decoded.value if isinstance(decoded, ast.Lit) else decoded
        else:
            key = str(key_token)
        return ast.Prop(key, value, *self._span(children))

    def spread(self, children: list[Any]) -> ast.Spread:
        return ast.Spread(children[1], *self._span(children))

    def array(self, children: list[Any]) -> ast.Arr:
        return ast.Arr(tuple(_nodes(children)), *self._span(children))

    def for_expr(self, children: list[Any]) -> ast.For:
        names = [str(c) for c in children if _is_token(c) and c.type == "NAME"]
        iterable, body = _nodes(children)
        item, index = (names[0], names[1]) if len(names) == 2 else (names[0], None)
        return ast.For(item, index, iterable, body, *self._span(children))


class _TypeNode(NamedTuple):
    """Stands for any type expression (types are not evaluated, only whether they admit null)."""

    start: int
    end: int
    nullable: bool = False


class _FuncParam(NamedTuple):
    name: str


class _Targets(NamedTuple):
    """What an ``import ... from`` takes: named items, or a namespace."""

    items: tuple[tuple[str, str], ...]
    namespace: str | None


setattr(Builder, "lambda", Builder.lambda_)


def _exported(decorators: tuple[ast.Decorator, ...]) -> bool:
    return any(d.name == "export" for d in decorators)


def _after(children: list[Any], token_type: str) -> Any:
    for position, child in enumerate(children):
        if _is_token(child) and child.type == token_type:
            return children[position + 1]
    return None
