"""Evaluated Bicep bodies as located JSON nodes, so the ARM resource builders read them.

The ARM builders (``arm_resources.BUILDERS``) read a resource as a ``JObject`` tree and ask a
``Scope`` for each node's value and position. A Bicep body is evaluated here into the same
tree, every node carrying its *already evaluated* value and its Bicep offsets; ``BicepScope``
answers ``value()`` with that value (no ARM expression is evaluated) and ``locate()`` with
Bicep lines. So every resource type the ARM loader models is modelled for Bicep too.

Object and array literals keep the position of each property and item, also when they are
written in a variable or a parameter's default (``agentPoolProfiles: [ systemPool ]`` locates
the pool's zones in ``var systemPool``); a value that comes whole from elsewhere (a parameter
file, a module input, a function's result) is located, with everything in it, at the
expression that brings it in. An unresolved value names the whole property
expression, with the inner reason; one that reads what Azure sets on deployment
(``pip.properties.dnsSettings.fqdn``) is a ``DeployedProperty`` naming that resource, which the
ARM traffic builders take as the host's resource, as they take ARM's ``reference(...).x``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from bcdr_lint.loaders import bicep_ast as ast
from bcdr_lint.loaders.arm_eval import Scope
from bcdr_lint.loaders.bicep_eval import Env, Evaluator
from bcdr_lint.model.values import DeployedProperty
from bcdr_lint.loaders.jsonpos import JArray, JNode, JObject, JScalar, Member
from bcdr_lint.model import Unresolved


@dataclass
class BicepScope(Scope):
    """A ``Scope`` whose nodes hold evaluated values: ``value()`` returns them as they are."""

    def value(self, node: JNode | None) -> Any:
        return None if node is None else node.value

    def string(self, raw: str, start: int, end: int) -> Any:
        return raw  # Bicep strings are never ARM expressions


Through = frozenset[str]  # the declarations being located, to stop at one that refers to itself


def body_node(evaluator: Evaluator, body: ast.Obj, env: Env, start: int, end: int) -> JObject:
    """A resource or module body, spanning ``start``-``end`` (the whole declaration)."""
    node = located(evaluator, body, env)
    assert isinstance(node, JObject)
    return JObject(start, end, node.members, node.value)


def located(evaluator: Evaluator, expr: Any, env: Env, through: Through = frozenset()) -> JNode:
    if isinstance(expr, ast.Obj):
        members: dict[str, Member] = {}
        values: dict[str, Any] = {}
        for prop in expr.props:
            if isinstance(prop, ast.Spread):
                spread = evaluator.spread(prop, env, dict)
                if isinstance(spread, Unresolved):
                    return from_value(evaluator, expr, spread)  # which properties it has is unknown
                declared = _declared(evaluator, prop.value, env, through)
                for key, inner in spread.items():
                    if isinstance(declared, JObject) and key.lower() in declared.members:
                        members[key.lower()] = declared.members[key.lower()]
                    else:
                        members[key.lower()] = Member(key, prop.start, _spread(inner, prop.start, prop.end, evaluator, prop))
                    values[key] = inner
                continue
            key = evaluator.key(prop, env)
            if isinstance(key, Unresolved):
                continue  # a computed property name no rule reads; its value stays out
            node = located(evaluator, prop.value, env, through)
            members[key.lower()] = Member(key, prop.start, node)
            values[key] = node.value
        return JObject(expr.start, expr.end, members, values)
    if isinstance(expr, ast.Arr):
        items: list[JNode] = []
        for item in expr.items:
            if not isinstance(item, ast.Spread):
                items.append(located(evaluator, item, env, through))
                continue
            spread = evaluator.spread(item, env, list)
            if isinstance(spread, Unresolved):
                return from_value(evaluator, expr, spread)  # which items it has is unknown
            declared = _declared(evaluator, item.value, env, through)
            if isinstance(declared, JArray) and len(declared.items) == len(spread):
                items.extend(_spanning(inner, item.start, item.end) for inner in declared.items)
            else:
                items.extend(_spread(inner, item.start, item.end, evaluator, item) for inner in spread)
        return JArray(expr.start, expr.end, items, [item.value for item in items])
    if isinstance(expr, ast.For):
        return _loop(evaluator, expr, env, through)
    if isinstance(expr, ast.Ternary):
        condition = evaluator.value(expr.condition, env)
        if isinstance(condition, bool):
            return located(evaluator, expr.then if condition else expr.otherwise, env, through)
    declared = _declared(evaluator, expr, env, through)
    if declared is not None:
        return declared
    return from_value(evaluator, expr, evaluator.deployed_read(expr, env, evaluator.value(expr, env)))


def _declared(evaluator: Evaluator, expr: Any, env: Env, through: Through) -> JNode | None:
    """``expr``, when it names a variable (or a parameter left at its default) of this file
    whose value is known: spanning ``expr`` (so the property that uses it stays one span), its
    properties and items located where the declaration writes them. None otherwise."""
    if not isinstance(expr, ast.Var) or expr.name in env or expr.name in through:
        return None
    declaration = evaluator.declaration(expr.name)
    if declaration is None or isinstance(evaluator.value(expr, env), Unresolved):
        return None
    return _spanning(located(evaluator, declaration, {}, through | {expr.name}), expr.start, expr.end)


def _spanning(node: JNode, start: int, end: int) -> JNode:
    """``node`` with its own span replaced; what it holds keeps its positions."""
    if isinstance(node, JObject):
        return JObject(start, end, node.members, node.value)
    if isinstance(node, JArray):
        return JArray(start, end, node.items, node.value)
    return JScalar(start, end, node.value)


def _loop(evaluator: Evaluator, expr: ast.For, env: Env, through: Through = frozenset()) -> JNode:
    elements = evaluator.loop_elements(expr, env)
    if isinstance(elements, Unresolved):
        return from_value(evaluator, expr, elements)
    items: list[JNode] = []
    for bound in elements:
        body = expr.body
        if isinstance(body, ast.IfBody):
            condition = evaluator.value(body.condition, bound)
            if condition is False:
                continue
            if condition is not True:
                reason = condition.reason if isinstance(condition, Unresolved) else "a condition must be true or false"
                return from_value(evaluator, expr, Unresolved(evaluator.template.text_of(body.condition), reason))
            body = body.body
        items.append(located(evaluator, body, bound, through))
    return JArray(expr.start, expr.end, items, [item.value for item in items])


def from_value(evaluator: Evaluator, expr: Any, value: Any) -> JNode:
    """A node for a value computed by ``expr``: the value and all it holds located there."""
    if isinstance(value, Unresolved):
        value = whole(evaluator, expr, value)
    return _spread(value, expr.start, expr.end, evaluator, expr)


def _spread(value: Any, start: int, end: int, evaluator: Evaluator, expr: Any) -> JNode:
    if isinstance(value, dict):
        members = {}
        for key, inner in value.items():
            members[key.lower()] = Member(key, start, _spread(inner, start, end, evaluator, expr))
        return JObject(start, end, members, value)
    if isinstance(value, list):
        return JArray(start, end, [_spread(item, start, end, evaluator, expr) for item in value], value)
    if isinstance(value, Unresolved) and value.location is None:
        value = dataclasses.replace(value, location=evaluator.template.locate(start, end))
    return JScalar(start, end, value)


def whole(evaluator: Evaluator, expr: Any, inner: Unresolved) -> Unresolved:
    """The property's whole expression, with the part that is unknown and why."""
    text = evaluator.template.text_of(expr)
    reason = inner.reason
    if inner.expression != text and not reason.startswith(inner.expression):
        reason = f"{inner.expression}: {reason}" if reason else inner.expression
    where = evaluator.template.locate(expr.start, expr.end)
    if isinstance(inner, DeployedProperty) and inner.resource is not None:
        # Still a read of that resource (a module output that reads one), named as written here.
        return DeployedProperty(text, reason, where, dataclasses.replace(inner.resource, text=text))
    return Unresolved(text, reason, where)
