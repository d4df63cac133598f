"""Terraform expressions that need no scope: literals, strings and templates, collections and
operators, over tree-sitter nodes. References (``var.x``, ``azurerm_subnet.s.id``) are the
subclass's (``terraform_eval.Evaluator``): ``_traversal`` is where the two meet."""

from __future__ import annotations

from typing import Any, Mapping

from tree_sitter import Node

from bcdr_lint.loaders import terraform_literals as literals
from bcdr_lint.loaders.terraform_hcl import BINARY_OPERATORS, SourceFile, sole_interpolation, terms
from bcdr_lint.loaders.terraform_types import azure_id_text
from bcdr_lint.model import Ref, Unresolved
from bcdr_lint.model.azure_id import ref_from_azure_id

Env = Mapping[str, Any] | None

_UNSUPPORTED = {
    "function_call": "function call, evaluated by Terraform",
    "for_expr": "for expression",
}


class Expressions:
    """Evaluates an expression node to a Python value, a ``Ref`` or an ``Unresolved``."""

    def eval(self, node: Node, file: SourceFile, env: Env = None) -> Any:
        kind = node.type
        if kind == "expression":
            return self._terms(terms(node), file, env)
        if kind == "literal_value":
            return self._literal(node.named_children[0], file)
        if kind == "template_expr":
            template = node.children[0]
            if template.type == "heredoc_template":
                return self._heredoc(template, file, env)
            return self._string(template, file, env)
        if kind == "collection_value":
            collection = node.named_children[0]
            if collection.type == "tuple":
                return [self.eval(item, file, env) for item in collection.named_children if item.type == "expression"]
            return self._object(collection, file, env)
        if kind == "variable_expr":
            return self._traversal([node], file, env)
        if kind == "operation":
            return self._operation(node.named_children[0], file, env)
        if kind == "conditional":
            return self._conditional(node, file, env)
        return Unresolved(file.source(node), _UNSUPPORTED.get(kind, "expression not evaluated statically"))

    def _terms(self, parts: list[Node], file: SourceFile, env: Env) -> Any:
        """One expression written as a root and its traversal steps (see ``terraform_hcl``)."""
        if len(parts) == 1:
            return self.eval(parts[0], file, env)
        if len(parts) == 3 and parts[0].type == "(":
            return self.eval(parts[1], file, env)
        return self._traversal(parts, file, env)

    def _literal(self, node: Node, file: SourceFile) -> Any:
        kind = node.type
        if kind == "numeric_lit":
            return literals.number(file.source(node))
        if kind == "string_lit":
            return literals.template_literal(file.between(node.start_byte + 1, node.end_byte - 1))
        if kind == "bool_lit":
            return file.source(node) == "true"
        return None  # null_lit

    def _operation(self, node: Node, file: SourceFile, env: Env) -> Any:
        parts = terms(node)
        text = file.source(node)
        if node.type == "unary_operation":
            return literals.unary(parts[0].type, self._terms(parts[1:], file, env), text)
        at = next(i for i, part in enumerate(parts) if part.type in BINARY_OPERATORS and not part.is_named)
        left = self._terms(parts[:at], file, env)
        right = self._terms(parts[at + 1:], file, env)
        return literals.binary(parts[at].type, left, right, text)

    def _conditional(self, node: Node, file: SourceFile, env: Env) -> Any:
        """``cond ? a : b``: only the chosen branch is evaluated, as Terraform does (the other may
        index a resource whose count is 0)."""
        condition, if_true, if_false = (c for c in node.named_children if c.type == "expression")
        value = self.eval(condition, file, env)
        if isinstance(value, str) and value in ("true", "false"):
            value = value == "true"  # Terraform converts these strings to bool
        if isinstance(value, Unresolved):
            return value
        if not isinstance(value, bool):
            return Unresolved(file.source(condition), "the condition is not a bool")
        return self.eval(if_true if value else if_false, file, env)

    def _string(self, node: Node, file: SourceFile, env: Env) -> Any:
        parts = node.children
        inner = sole_interpolation(node)
        if inner is not None:
            # "${x}" alone is x itself, whatever its type (HCL keeps it unconverted).
            return self.eval(inner, file, env)
        pieces: list[str] = []
        ids: list[tuple[int, int]] = []  # where resource ids were written into the text
        position = parts[0].end_byte  # after the opening quote
        strip_next = False
        for part in parts[1:-1]:
            kind = part.type
            if kind == "template_literal" or kind == "comment":
                continue  # literal text is read from the bytes between interpolations
            if kind != "template_interpolation":
                return Unresolved(file.source(node), "string template directive (%{ ... })")
            # ${ start, ~?, expression, ~?, } end: a ~ strips the whitespace on its side.
            inside = part.named_children
            literal = literals.template_literal(file.between(position, part.start_byte))
            if strip_next:
                literal = literal.lstrip()
            if inside[1].type == "strip_marker":
                literal = literal.rstrip()
            pieces.append(literal)
            strip_next = inside[-2].type == "strip_marker"
            expr = next(c for c in inside if c.type == "expression")
            value = self.eval(expr, file, env)
            piece = azure_id_text(value) if isinstance(value, Ref) else None
            if piece is not None:
                start = sum(map(len, pieces))
                ids.append((start, start + len(piece)))
            else:
                piece = literals.template_text(value, file.source(expr))
                if isinstance(piece, Unresolved):
                    return piece
            pieces.append(piece)
            position = part.end_byte
        literal = literals.template_literal(file.between(position, parts[-1].start_byte))
        pieces.append(literal.lstrip() if strip_next else literal)
        if ids:
            return _id_in_text("".join(pieces), ids, file.source(node))
        return "".join(pieces)

    def _heredoc(self, node: Node, file: SourceFile, env: Env) -> Any:
        """``<<EOT`` / ``<<-EOT``: like a quoted template, except that backslashes are literal
        and ``<<-`` strips the indentation the body's lines share, as written (before any
        interpolation is evaluated)."""
        text = file.source(node)
        trim = text.startswith("<<-")
        parts = node.children
        if any(part.type == "template_directive" for part in parts):
            return Unresolved(text, "heredoc with a template directive (%{ ... })")
        interpolations = [part for part in parts if part.type == "template_interpolation"]
        if not interpolations:
            return literals.heredoc(text, trim=trim, text=text)
        body_start = file.data.index(b"\n", node.start_byte) + 1
        body_end = file.data.rfind(b"\n", body_start, parts[-1].start_byte) + 1  # the closing marker's line
        segments: list[str] = []
        values: list[str] = []
        position = body_start
        for part in interpolations:
            segments.append(file.between(position, part.start_byte))
            position = part.end_byte
            expr = next(c for c in part.named_children if c.type == "expression")
            piece = literals.template_text(self.eval(expr, file, env), file.source(expr))
            if isinstance(piece, Unresolved):
                return piece
            values.append(piece)
        segments.append(file.between(position, max(body_end, position)))
        strips = [(inside[1].type == "strip_marker", inside[-2].type == "strip_marker")
                  for inside in (part.named_children for part in interpolations)]
        pieces = literals.heredoc_literals(segments, strips, trim=trim)
        return "".join(piece for pair in zip(pieces, [*values, ""]) for piece in pair)

    def _object(self, node: Node, file: SourceFile, env: Env) -> Any:
        result: dict[str, Any] = {}
        for element in node.named_children:
            if element.type != "object_elem":
                continue
            key = self._object_key(element.child_by_field_name("key"), file, env)
            if isinstance(key, Unresolved):
                return key
            result[key] = self.eval(element.child_by_field_name("val"), file, env)
        return result

    def _object_key(self, node: Node, file: SourceFile, env: Env) -> str | Unresolved:
        parts = terms(node)
        if len(parts) == 1 and parts[0].type == "variable_expr":
            return file.source(parts[0])  # a bare word is the key itself, not a reference
        key = self.eval(node, file, env)
        if isinstance(key, Unresolved):
            return key
        return literals.template_text(key, file.source(node))

    def _traversal(self, parts: list[Node], file: SourceFile, env: Env) -> Any:
        """A reference with its steps (``var.x[0]``); the root alone for a bare name."""
        raise NotImplementedError


def _id_in_text(written: str, ids: list[tuple[int, int]], text: str) -> Ref | Unresolved:
    """A string that is one resource id extended by path segments
    (``"${azurerm_virtual_network.v.id}/subnets/aks"``) names a resource: a reference to it.
    Anything else made from an id would carry its subscription, known only at apply time;
    ``<vnet id>-x`` would even read as another VNet's id.
    """
    if len(ids) == 1 and ids[0][0] == 0 and written[ids[0][1]:][:1] in ("", "/"):
        ref = ref_from_azure_id(written)
        if ref is not None and ref.names:
            return Ref(type=ref.type, names=ref.names, resource_group=ref.resource_group, text=text)
    return Unresolved(text, "a resource id is known only after apply")
