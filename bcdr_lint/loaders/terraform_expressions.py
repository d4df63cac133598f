"""Terraform expressions that need no scope: literals, strings and templates (directives and
heredocs with interpolations are ``terraform_templates``), collections,
operators, function calls (``terraform_functions``), ``for`` expressions, and the steps after a
value (``.attr``, ``[index]``, splats), over tree-sitter nodes. References (``var.x``,
``azurerm_subnet.s.id``) are the subclass's (``terraform_eval.Evaluator``): ``_traversal`` is
where the two meet. Names a ``for`` expression binds are passed down in ``env``."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from tree_sitter import Node

from bcdr_lint.loaders import terraform_functions as functions
from bcdr_lint.loaders import terraform_literals as literals
from bcdr_lint.loaders import terraform_templates as templates
from bcdr_lint.loaders.terraform_hcl import BINARY_OPERATORS, SourceFile, sole_interpolation, terms
from bcdr_lint.loaders.terraform_literals import EvalError
from bcdr_lint.loaders.terraform_types import azure_id_text
from bcdr_lint.model import Ref, Unresolved
from bcdr_lint.model.azure_id import ref_from_azure_id

Env = Mapping[str, Any] | None



class Lazy:
    """A resource, data source or module instance used as a value: an object whose attributes
    are evaluated only when read (most of a resource's arguments never are)."""

    __slots__ = ()

    def attribute(self, name: str, text: str) -> Any:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError


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
        if kind == "function_call":
            return self._call(node, file, env)
        if kind == "for_expr":
            return self._for(node.named_children[0], file, env)
        return Unresolved(file.source(node), "expression not evaluated statically")

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
            return EvalError(file.source(condition), "the condition is not a bool")
        return self.eval(if_true if value else if_false, file, env)

    def _string(self, node: Node, file: SourceFile, env: Env) -> Any:
        if templates.has_directive(node):
            return templates.render(node, file, env, lambda expr, bound: self.eval(expr, file, bound))
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
        and ``<<-`` strips the indentation the body's lines share (``terraform_templates``)."""
        text = file.source(node)
        if any(part.type in ("template_interpolation", "template_directive") for part in node.children):
            return templates.render(node, file, env, lambda expr, bound: self.eval(expr, file, bound))
        return literals.heredoc(text, trim=text.startswith("<<-"), text=text)

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

    # -- function calls and for expressions ----------------------------------------------------

    def _call(self, node: Node, file: SourceFile, env: Env) -> Any:
        text = file.source(node)
        name = file.source(node.named_children[0])
        arguments = next((c for c in node.named_children if c.type == "function_arguments"), None)
        exprs = [c for c in arguments.named_children if c.type == "expression"] if arguments else []
        if name in functions.LAZY:
            return self._lazy_call(name, exprs, file, env, text)
        values = [self.eval(expr, file, env) for expr in exprs]
        if arguments is not None and exprs and any(c.type == "ellipsis" for c in arguments.named_children):
            spread = values.pop()  # f(a, list...) passes the list's elements as arguments
            if isinstance(spread, Unresolved):
                return spread
            if not isinstance(spread, list):
                return EvalError(text, "only a list can be expanded into arguments (...)")
            values.extend(spread)
        return functions.call(name, values, text)

    def _lazy_call(self, name: str, exprs: list[Node], file: SourceFile, env: Env, text: str) -> Any:
        """``try(a, b, ...)``: the first argument Terraform can evaluate without an error (an
        unknown one makes the result unknown); ``can(x)``: whether it evaluates without one."""
        if name == "can":
            if len(exprs) != 1:
                return EvalError(text, "can() takes exactly one argument")
            value = self.eval(exprs[0], file, env)
            return False if isinstance(value, EvalError) else value if isinstance(value, Unresolved) else True
        failed: Unresolved | None = None
        for expr in exprs:
            value = self.eval(expr, file, env)
            if not isinstance(value, EvalError):
                return value
            failed = value
        reason = f"no argument of try() can be evaluated (the last: {failed.expression}: {failed.reason})" \
            if failed is not None else "try() needs at least one argument"
        return EvalError(text, reason)

    def _for(self, node: Node, file: SourceFile, env: Env) -> Any:
        """``[for k, v in coll : value if cond]`` and ``{for k, v in coll : key => value...}``."""
        text = file.source(node.parent)
        intro = next(c for c in node.named_children if c.type == "for_intro")
        names = [file.source(c) for c in intro.named_children if c.type == "identifier"]
        collection = self.eval(next(c for c in intro.named_children if c.type == "expression"), file, env)
        exprs = [c for c in node.named_children if c.type == "expression"]
        condition = next((c.named_children[0] for c in node.named_children if c.type == "for_cond"), None)
        grouping = any(c.type == "ellipsis" for c in node.named_children)
        if isinstance(collection, Unresolved):
            return collection
        if isinstance(collection, dict):
            pairs: list[tuple[Any, Any]] = sorted(collection.items(), key=lambda item: item[0])
        elif isinstance(collection, list):
            pairs = list(enumerate(collection))
        else:
            return EvalError(text, "a for expression needs a list, set or map to iterate")
        is_object = node.type == "for_object_expr"
        out: Any = {} if is_object else []
        for key, value in pairs:
            bound = {**(env or {}), names[-1]: value}
            if len(names) == 2:
                bound[names[0]] = key
            if condition is not None:
                keep = self.eval(condition, file, bound)
                if isinstance(keep, Unresolved):
                    return keep  # which elements are kept is not known
                if not isinstance(keep, bool):
                    return EvalError(text, "the if condition of a for expression is not a bool")
                if not keep:
                    continue
            if not is_object:
                out.append(self.eval(exprs[0], file, bound))
                continue
            item_key = literals.template_text(self.eval(exprs[0], file, bound), file.source(exprs[0]))
            if isinstance(item_key, Unresolved):
                return item_key
            item = self.eval(exprs[1], file, bound)
            if grouping:
                out.setdefault(item_key, []).append(item)
            elif item_key in out:
                return EvalError(text, f"two elements have the key {item_key!r} (group them with ...)")
            else:
                out[item_key] = item
        return out

    # -- steps after a value ---------------------------------------------------------------------

    def _apply(self, value: Any, steps: Iterable[tuple[Any, ...]], file: SourceFile, text: str,
               env: Env = None) -> Any:
        """``value`` followed by ``.attr``, ``[index]`` and splat steps."""
        for step in steps:
            if isinstance(value, Unresolved):
                return value
            kind = step[0]
            if kind == "splat":
                value = self._splat(value, step[1], step[2], file, text, env)
            elif kind == "attr":
                value = self._attribute(value, step[1], text)
            else:
                value = self._index(value, step[1], file, text, env)
        return value

    def _attribute(self, value: Any, name: str, text: str) -> Any:
        if isinstance(value, Lazy):
            return value.attribute(name, text)
        if isinstance(value, Mapping) and name in value:
            return value[name]
        return EvalError(text, f"no attribute {name!r} in this value")

    def _index(self, value: Any, step: Any, file: SourceFile, text: str, env: Env) -> Any:
        key = step if isinstance(step, int) else self.eval(step, file, env)
        if isinstance(key, Unresolved):
            return key
        if isinstance(key, float) and key.is_integer():
            key = int(key)
        # Terraform converts the key to what the collection is indexed by.
        if isinstance(value, list) and isinstance(key, str):
            number = functions.call("tonumber", [key], "")
            key = number if isinstance(number, int) else key
        elif isinstance(value, Mapping) and isinstance(key, (int, float)) and not isinstance(key, bool):
            key = literals.format_number(key)
        if isinstance(value, list) and isinstance(key, int) and not isinstance(key, bool) and 0 <= key < len(value):
            return value[key]
        if isinstance(value, Mapping) and isinstance(key, str) and key in value:
            return value[key]
        return EvalError(text, f"index {key!r} not found in this value")

    def _splat(self, value: Any, full: bool, inner: list[tuple[Any, ...]], file: SourceFile, text: str,
               env: Env) -> Any:
        """``x[*].a`` applies ``.a`` to each element; a null is an empty list and any other single
        value a list of one. ``x.*.a`` (legacy) applies only the attribute steps to each element."""
        items = [] if value is None else value if isinstance(value, list) else [value]
        if full:
            return [self._apply(item, inner, file, text, env) for item in items]
        attrs = 0
        while attrs < len(inner) and inner[attrs][0] == "attr":
            attrs += 1
        each = [self._apply(item, inner[:attrs], file, text, env) for item in items]
        return self._apply(each, inner[attrs:], file, text, env)


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
