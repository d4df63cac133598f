"""String templates with directives (``"%{ if var.env == "prod" }Premium%{ else }Standard%{ endif }"``,
``%{ for r in local.regions }...%{ endfor }``) and heredocs with interpolations
(https://developer.hashicorp.com/terraform/language/expressions/strings#directives).

Whitespace is handled as HCL handles it, token by token: a heredoc's text is one literal
token per line; a ``~`` strips the whitespace of the literal token right beside it (so
``%{ for x in xs ~}`` strips the rest of its own line, not the next line's indentation); then
``<<-`` removes the indentation the lines share, where a line that does not start with
literal text has none (so ``%{~ ...`` at the start of a heredoc turns trimming off). Results
were checked against ``terraform console`` (1.11).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from tree_sitter import Node

from bcdr_lint.loaders import terraform_literals as literals
from bcdr_lint.loaders.terraform_hcl import SourceFile
from bcdr_lint.loaders.terraform_literals import EvalError
from bcdr_lint.model import Unresolved

Evaluate = Callable[[Node, Mapping[str, Any]], Any]

# Tokens of a template that are not literal text; the directive containers are looked into.
_SEQUENCES = frozenset({"template_interpolation", "template_if_intro", "template_else_intro", "template_if_end",
                        "template_for_start", "template_for_end"})
_CONTAINERS = frozenset({"template_directive", "template_if", "template_for"})
_LINES = re.compile(r"[^\n]*\n|[^\n]+")


@dataclass(frozen=True)
class _Literal:
    text: str


@dataclass(frozen=True)
class _Sequence:
    node: Node
    strip_before: bool
    strip_after: bool


class _Malformed(Exception):
    """Directives that do not nest (tree-sitter recovered from a mistake)."""


def has_directive(template: Node) -> bool:
    return any(child.type == "template_directive" for child in template.children)


def render(template: Node, file: SourceFile, env: Mapping[str, Any] | None, evaluate: Evaluate) -> Any:
    """The string a ``quoted_template`` or ``heredoc_template`` makes, or why it is not known."""
    text = file.source(template)
    heredoc = template.type == "heredoc_template"
    try:
        tokens = _strip(_tokens(template, file, heredoc))
        if heredoc and text.startswith("<<-"):
            tokens = _flush(tokens)
        parts, _end = _parse(tokens, 0, ())
    except _Malformed:
        return Unresolved(text, "template directives that do not nest")
    return _Renderer(file, evaluate).render(parts, dict(env or {}))


# -- tokens -------------------------------------------------------------------------------------


def _tokens(template: Node, file: SourceFile, heredoc: bool) -> list[_Literal | _Sequence]:
    children = template.children
    if heredoc:
        start = file.data.index(b"\n", template.start_byte) + 1
        # The body ends where the closing marker's line starts.
        end = file.data.rfind(b"\n", start, children[-1].start_byte) + 1
        inner = children[2:-1]
    else:
        start, end, inner = children[0].end_byte, children[-1].start_byte, children[1:-1]
    sequences: list[Node] = []
    _collect(inner, sequences)
    tokens: list[_Literal | _Sequence] = []
    position = start
    for node in sequences:
        _literal(tokens, file.between(position, node.start_byte), heredoc)
        parts = node.children
        tokens.append(_Sequence(node, parts[1].type == "strip_marker", parts[-2].type == "strip_marker"))
        position = node.end_byte
    _literal(tokens, file.between(position, max(position, end)), heredoc)
    return tokens


def _collect(nodes: list[Node], out: list[Node]) -> None:
    for node in nodes:
        if node.type in _SEQUENCES:
            out.append(node)
        elif node.type in _CONTAINERS:
            _collect(node.children, out)


def _literal(tokens: list[_Literal | _Sequence], text: str, heredoc: bool) -> None:
    if not heredoc:
        tokens.append(_Literal(literals.template_literal(text)))
        return
    # Lines end at "\n" only (str.splitlines would also cut at form feeds and U+2028); a
    # Windows line end reads as "\n", as in a heredoc without interpolations.
    for line in _LINES.findall(text.replace("\r\n", "\n")):
        tokens.append(_Literal(line.replace("$${", "${").replace("%%{", "%{")))


def _strip(tokens: list[_Literal | _Sequence]) -> list[_Literal | _Sequence]:
    """The literal tokens right beside a ``~`` without their whitespace on that side."""
    out = list(tokens)
    for index, token in enumerate(tokens):
        if not isinstance(token, _Sequence):
            continue
        before = out[index - 1] if index > 0 else None
        if token.strip_before and isinstance(before, _Literal):
            out[index - 1] = _Literal(before.text.rstrip())
        after = out[index + 1] if index + 1 < len(out) else None
        if token.strip_after and isinstance(after, _Literal):
            out[index + 1] = _Literal(after.text.lstrip())
    return out


def _flush(tokens: list[_Literal | _Sequence]) -> list[_Literal | _Sequence]:
    """``<<-``: without the indentation shared by the lines, counted on the tokens that start one."""
    least: int | None = None
    adjust: list[int] = []
    line_start = True
    for index, token in enumerate(tokens):
        if line_start:
            line_start = False
            spaces: int | None = 0
            if isinstance(token, _Literal):
                rest = token.text.lstrip()
                if not rest and token.text.endswith("\n"):
                    spaces = None  # a blank line does not count
                else:
                    spaces = len(token.text) - len(rest)
                    adjust.append(index)
            if spaces is not None:
                least = spaces if least is None else min(least, spaces)
        if isinstance(token, _Literal) and token.text.endswith("\n"):
            line_start = True
    out = list(tokens)
    for index in adjust:
        out[index] = _Literal(tokens[index].text[least or 0:])
    return out


# -- structure ----------------------------------------------------------------------------------


def _parse(tokens: list, index: int, until: tuple[str, ...]) -> tuple[list, int]:
    """Parts up to one of the ``until`` token types (its index returned), nesting if/for."""
    parts: list = []
    while index < len(tokens):
        token = tokens[index]
        if isinstance(token, _Literal):
            parts.append(token.text)
            index += 1
            continue
        kind = token.node.type
        if kind in until:
            return parts, index
        if kind == "template_interpolation":
            parts.append(("interp", _expression(token.node)))
            index += 1
        elif kind == "template_if_intro":
            then, index = _parse(tokens, index + 1, ("template_else_intro", "template_if_end"))
            otherwise: list = []
            if tokens[index].node.type == "template_else_intro":
                otherwise, index = _parse(tokens, index + 1, ("template_if_end",))
            parts.append(("if", _expression(token.node), then, otherwise))
            index += 1
        elif kind == "template_for_start":
            body, index = _parse(tokens, index + 1, ("template_for_end",))
            names = [child for child in token.node.named_children if child.type == "identifier"]
            parts.append(("for", names, _expression(token.node), body))
            index += 1
        else:
            raise _Malformed
    if until:
        raise _Malformed
    return parts, index


def _expression(node: Node) -> Node:
    found = next((child for child in node.named_children if child.type == "expression"), None)
    if found is None:
        raise _Malformed
    return found


class _Renderer:
    def __init__(self, file: SourceFile, evaluate: Evaluate) -> None:
        self.file, self.evaluate = file, evaluate

    def render(self, parts: list, env: dict[str, Any]) -> Any:
        out: list[str] = []
        for part in parts:
            if isinstance(part, str):
                out.append(part)
                continue
            piece = self._interpolation(part[1], env) if part[0] == "interp" else \
                self._if(part, env) if part[0] == "if" else self._for(part, env)
            if isinstance(piece, Unresolved):
                return piece
            out.append(piece)
        return "".join(out)

    def _interpolation(self, expr: Node, env: dict[str, Any]) -> Any:
        return literals.template_text(self.evaluate(expr, env), self.file.source(expr))

    def _if(self, part: tuple, env: dict[str, Any]) -> Any:
        _kind, condition, then, otherwise = part
        value = self.evaluate(condition, env)
        if value in ("true", "false"):
            value = value == "true"  # Terraform converts these strings to bool
        if isinstance(value, Unresolved):
            return value
        if not isinstance(value, bool):
            return EvalError(self.file.source(condition), "the condition of a template if is not a bool")
        return self.render(then if value else otherwise, env)

    def _for(self, part: tuple, env: dict[str, Any]) -> Any:
        _kind, names, collection_node, body = part
        collection = self.evaluate(collection_node, env)
        if isinstance(collection, Unresolved):
            return collection
        if isinstance(collection, dict):
            pairs = sorted(collection.items(), key=lambda item: item[0])
        elif isinstance(collection, list):
            pairs = list(enumerate(collection))
        else:
            return EvalError(self.file.source(collection_node), "a template for needs a list, set or map")
        labels = [self.file.source(name) for name in names]
        out: list[str] = []
        for key, value in pairs:
            bound = {**env, labels[-1]: value}
            if len(labels) == 2:
                bound[labels[0]] = key
            piece = self.render(body, bound)
            if isinstance(piece, Unresolved):
                return piece
            out.append(piece)
        return "".join(out)
