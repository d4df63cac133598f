"""Evaluating ARM expressions statically, against one template's parameters and variables.

Only what is known before deployment is evaluated: parameter defaults, variables, literal
functions. Everything else (``resourceGroup()``, ``reference()``, ``uniqueString()`` ...) is an
``Unresolved`` carrying the expression and the reason, and so is any function applied to one.
``resourceId(...)`` gives a ``Ref``; where a string is needed it is written as a resource id
without the parts nobody knows (``/providers/Microsoft.Network/virtualNetworks/vnet``), which
``ref_from_azure_id`` still reads.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from bcdr_lint.loaders import arm_compare
from bcdr_lint.loaders import arm_functions as fn
from bcdr_lint.loaders.arm_expressions import (
    Call, Expr, ExpressionSyntaxError, Index, Literal, Prop, expression_body, is_expression, parse,
    unescape_literal,
)
from bcdr_lint.loaders.jsonpos import JArray, JNode, JObject, JScalar, Member
from bcdr_lint.model import Location, ParseError, Ref, Unresolved

Locate = Callable[[int, int], Location]

# How many copies (resource and property copy loops together) one template load expands. ARM
# allows 800 per loop, but loops nest (a copied deployment whose template has its own copy):
# beyond this, the rest of a loop is one stand-in of unknown existence instead of a hang.
MAX_COPIES_PER_LOAD = 5000


class CopyBudget:
    """The copies one template load may still expand; shared by all of that load's scopes."""

    def __init__(self, limit: int = MAX_COPIES_PER_LOAD) -> None:
        self.left = limit

    def take(self, wanted: int) -> int:
        granted = max(0, min(wanted, self.left))
        self.left -= granted
        return granted

_FUNCTIONS: Mapping[str, fn.Function] = {**fn.FUNCTIONS, **arm_compare.FUNCTIONS}


@dataclass
class Scope:
    """One template's names. Mutable only for its caches, which live as long as one file load.

    ``supplied`` holds parameter values given from outside (a nested deployment's
    ``parameters``, or the values of the parameter file of one deployment); they win over
    defaults. ``copy_indexes`` binds the copy loops being expanded (lower-case loop name ->
    index), for ``copyIndex('name')``; ``resource_loop`` is the copy loop of the resource being
    evaluated, the one ``copyIndex()`` without a name means (bound or not: an instance of a loop
    of unknown count has it unbound). A bound scope is made by ``with_copy_index`` or
    ``in_resource_copy`` and shares its template's caches, errors and ``budget``.
    """

    path: str
    locate: Locate
    parameters: Mapping[str, JObject] = field(default_factory=dict)
    variables: Mapping[str, JNode] = field(default_factory=dict)
    copy_variables: frozenset[str] = frozenset()
    supplied: Mapping[str, Any] = field(default_factory=dict)
    copy_indexes: Mapping[str, int] = field(default_factory=dict)
    resource_loop: str | None = None
    # Subscription exports hold deployed values: a string starting with `[` is text, never an expression.
    literal: bool = False
    errors: list[ParseError] = field(default_factory=list)
    budget: CopyBudget = field(default_factory=CopyBudget)
    _values: dict[tuple[str, str], Any] = field(default_factory=dict)
    _in_progress: set[tuple[str, str]] = field(default_factory=set)
    _reported: set[int] = field(default_factory=set)

    @classmethod
    def of_template(cls, template: JObject, path: str, locate: Locate, supplied: Mapping[str, Any] | None = None,
                    budget: CopyBudget | None = None) -> "Scope":
        parameters: dict[str, JObject] = {}
        params_node = template.get("parameters")
        if isinstance(params_node, JObject):
            for key, member in params_node.members.items():
                if isinstance(member.node, JObject):
                    parameters[key] = member.node
        variables: dict[str, JNode] = {}
        copy_names: set[str] = set()
        vars_node = template.get("variables")
        if isinstance(vars_node, JObject):
            for key, member in vars_node.members.items():
                if key == "copy" and isinstance(member.node, JArray):
                    copy_names.update(
                        str(item.value.get("name", "")).lower() for item in member.node.items if isinstance(item, JObject)
                    )
                else:
                    variables[key] = member.node
        scope = cls(path, locate, parameters, variables, frozenset(copy_names), dict(supplied or {}))
        if budget is not None:
            scope.budget = budget  # a nested template's copies count against its file's load
        return scope

    def with_copy_index(self, loop: str, index: int) -> "Scope":
        # dataclasses.replace hands over the same cache and error objects: one template, one cache.
        return dataclasses.replace(self, copy_indexes={**self.copy_indexes, loop.lower(): index})

    def in_resource_copy(self, loop: str, index: int | None) -> "Scope":
        """The scope of one instance of a resource copy loop (``index`` None: of a stand-in for
        instances whose index is not known, where ``copyIndex()`` stays unresolved)."""
        name = loop.lower()
        indexes = {k: v for k, v in self.copy_indexes.items() if k != name}
        if index is not None:
            indexes[name] = index
        return dataclasses.replace(self, copy_indexes=indexes, resource_loop=name)

    # -- values of JSON nodes -------------------------------------------------------------

    def value(self, node: JNode | None) -> Any:
        """The evaluated value of a JSON node, deep; expressions inside are evaluated."""
        if node is None:
            return None
        if isinstance(node, JScalar):
            raw = node.value
            if isinstance(raw, str):
                return self.string(raw, node.start, node.end)
            return raw
        if isinstance(node, JObject):
            return {m.key: self.value(m.node) for m in node.members.values()}
        return [self.value(item) for item in node.items]

    def string(self, raw: str, start: int, end: int) -> Any:
        if self.literal:
            return raw
        if not is_expression(raw):
            return unescape_literal(raw)
        body = expression_body(raw)
        try:
            expr = parse(body)
        except ExpressionSyntaxError as exc:
            location = self.locate(start, end)
            if start not in self._reported:
                self._reported.add(start)
                self.errors.append(ParseError(f"invalid ARM expression `{body}`: {exc}", location))
            return Unresolved(body, f"invalid expression: {exc}", location)
        result = self.evaluate(expr)
        if isinstance(result, Unresolved) and result.location is None:
            return Unresolved(result.expression, result.reason, self.locate(start, end))
        return result

    # -- expressions ----------------------------------------------------------------------

    def evaluate(self, expr: Expr) -> Any:
        if isinstance(expr, Literal):
            return expr.value
        if isinstance(expr, Prop):
            return _member(self.evaluate(expr.target), expr.name, expr.text)
        if isinstance(expr, Index):
            index = self.evaluate(expr.index)
            if isinstance(index, Unresolved):
                return index
            return _member(self.evaluate(expr.target), index, expr.text)
        return self._call(expr)

    def _call(self, call: Call) -> Any:
        name = call.name
        if name == "if":
            return self._if(call)
        if name == "parameters" or name == "variables":
            key = self.evaluate(call.args[0]) if len(call.args) == 1 else None
            if isinstance(key, Unresolved):
                return key
            if not isinstance(key, str):
                return Unresolved(call.text, f"{name}() takes one name")
            return self._parameter(key, call.text) if name == "parameters" else self._variable(key, call.text)
        args = [self.evaluate(arg) for arg in call.args]
        for arg in args:
            if isinstance(arg, Unresolved):
                return arg
        if name == "copyindex":
            return self._copy_index(args, call.text)
        function = _FUNCTIONS.get(name)
        if function is None:
            return Unresolved(call.text, fn.why_unknown(name))
        try:
            return function(args, call.text)
        except fn.EvaluationError as exc:
            return Unresolved(call.text, str(exc))

    def _if(self, call: Call) -> Any:
        if len(call.args) != 3:
            return Unresolved(call.text, "if() takes three arguments")
        condition = self.evaluate(call.args[0])
        if isinstance(condition, Unresolved):
            return condition
        if not isinstance(condition, bool):
            return Unresolved(call.text, "if() needs a boolean condition")
        return self.evaluate(call.args[1] if condition else call.args[2])

    def _copy_index(self, args: list[Any], text: str) -> Any:
        """``copyIndex('loop'[, offset])`` of a copy loop being expanded; ``copyIndex([offset])``
        is the resource's own loop."""
        loop = args[0] if args and isinstance(args[0], str) else None
        offset = args[1] if loop is not None and len(args) > 1 else (args[0] if args and loop is None else 0)
        if len(args) > 2 or isinstance(offset, bool) or not isinstance(offset, int):
            return Unresolved(text, "copyIndex() takes a loop name and/or an integer offset")
        name = loop.lower() if loop is not None else self.resource_loop
        if name is None or name not in self.copy_indexes:
            return Unresolved(text, fn.why_unknown("copyindex"))
        return self.copy_indexes[name] + offset

    def _parameter(self, name: str, text: str) -> Any:
        key = name.lower()
        if key in self.supplied:
            return self.supplied[key]
        definition = self.parameters.get(key)
        if definition is None:
            return Unresolved(text, f"the template declares no parameter '{name}'")
        default = definition.get("defaultValue")
        if default is None:
            return Unresolved(text, f"parameter '{name}' has no default value")
        return self._cached(("p", key), default, text)

    def _variable(self, name: str, text: str) -> Any:
        key = name.lower()
        node = self.variables.get(key)
        if node is None:
            if key in self.copy_variables:
                return Unresolved(text, f"variable '{name}' is built by a copy loop, which is not evaluated")
            return Unresolved(text, f"the template declares no variable '{name}'")
        return self._cached(("v", key), node, text)

    def _cached(self, cache_key: tuple[str, str], node: JNode, text: str) -> Any:
        if cache_key in self._values:
            return self._values[cache_key]
        if cache_key in self._in_progress:
            return Unresolved(text, f"'{cache_key[1]}' refers to itself")
        self._in_progress.add(cache_key)
        # Parameters and variables cannot read copyIndex() (ARM rejects it there), so the value is
        # evaluated outside any copy loop: one cached value, whichever instance asked first.
        unbound = self if not self.copy_indexes else dataclasses.replace(self, copy_indexes={}, resource_loop=None)
        try:
            result = unbound.value(node)
        finally:
            self._in_progress.discard(cache_key)
        self._values[cache_key] = result
        return result


def _member(target: Any, key: Any, text: str) -> Any:
    if isinstance(target, Unresolved):
        return target
    if isinstance(target, dict):
        if not isinstance(key, str):
            return Unresolved(text, "objects are indexed by property name")
        if key in target:
            return target[key]
        lowered = key.lower()
        for name, value in target.items():
            if name.lower() == lowered:
                return value
        return Unresolved(text, f"the object has no property '{key}'")
    if isinstance(target, list):
        if not isinstance(key, int) or isinstance(key, bool):
            return Unresolved(text, "arrays are indexed by number")
        if not 0 <= key < len(target):
            return Unresolved(text, f"index {key} is out of range (length {len(target)})")
        return target[key]
    kind = "a resource id" if isinstance(target, Ref) else type(target).__name__
    return Unresolved(text, f"cannot take '{key}' of {kind}")


def located(scope: Scope, member: Member, value: Any) -> Any:
    """An unresolved property value names the whole expression and points at the property."""
    if not isinstance(value, Unresolved):
        return value
    raw = member.node.value if isinstance(member.node, JScalar) else None
    expression = expression_body(raw) if isinstance(raw, str) and is_expression(raw) else value.expression
    return Unresolved(expression, value.reason, scope.locate(member.start, member.end))


def supplied_parameters(parameters: Any) -> dict[str, Any]:
    """A deployment's ``parameters`` (``{"p": {"value": v}}``, already evaluated) by lower-case name."""
    supplied: dict[str, Any] = {}
    if not isinstance(parameters, dict):
        return supplied
    for name, entry in parameters.items():
        if isinstance(entry, dict) and "value" in entry:
            supplied[name.lower()] = entry["value"]
        elif isinstance(entry, dict) and "reference" in entry:
            supplied[name.lower()] = Unresolved(
                f"parameters('{name}')", f"parameter '{name}' is read from Key Vault at deployment"
            )
        elif isinstance(entry, Unresolved):
            supplied[name.lower()] = entry
    return supplied

