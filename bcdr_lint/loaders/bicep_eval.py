"""Evaluating Bicep expressions statically.

Literals, objects, arrays, interpolation, operators, ternaries on known conditions, loops over
known arrays, property access, the functions in ``bicep_functions`` and the file's own
``func``s are evaluated; anything that exists only at deployment (``resourceGroup().location``,
``uniqueString()``, a parameter nobody sets) is an ``Unresolved`` naming the expression and
why. What a name means (parameter, variable, resource, module, import) is the business of the
subclass that knows the declarations (``bicep_instance.Instance``); loop, lambda and function
parameters are passed down in ``env``.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Mapping

from bcdr_lint.loaders import arm_compare
from bcdr_lint.loaders import arm_functions as fn
from bcdr_lint.loaders import bicep_ast as ast
from bcdr_lint.loaders.arm_functions import EvaluationError, text_of
from bcdr_lint.loaders.bicep_deployed import deployed_read
from bcdr_lint.loaders.bicep_functions import FUNCTIONS
from bcdr_lint.loaders.bicep_template import Template
from bcdr_lint.loaders.bicep_values import AzureScope, ImportedNamespace, LambdaValue, lookup
from bcdr_lint.model import Unresolved

Env = Mapping[str, Any]
EMPTY: Env = {}

_SCOPES = {"resourcegroup": "resourceGroup", "subscription": "subscription", "tenant": "tenant",
           "managementgroup": "managementGroup"}
_DEPLOYMENT_ONLY = {
    "getsecret": "a Key Vault secret is read at deployment",
    "readenvironmentvariable": "an environment variable is read when the parameters are built",
    "loadfileasbase64": "bcdr-lint does not evaluate loadFileAsBase64()",
}
_LOADS = frozenset({"loadjsoncontent", "loadtextcontent"})
_COMPARISONS = {"<": "less", "<=": "lessorequals", ">": "greater", ">=": "greaterorequals"}


class Lazy:
    """A name bound in ``env`` whose value is computed on first use (nested resource symbols)."""

    __slots__ = ("_compute",)

    def __init__(self, compute: Callable[[], Any]) -> None:
        self._compute = compute

    def get(self) -> Any:
        return self._compute()


class Evaluator:
    """Evaluates expressions of one template; names are looked up by ``symbol``."""

    def __init__(self, template: Template) -> None:
        self.template = template

    # -- what subclasses provide ------------------------------------------------------------

    def symbol(self, node: ast.Var) -> Any:
        return self.unresolved(node, f"'{node.name}' is not declared")

    def child(self, parent: Any, node: ast.ChildAccess) -> Any:
        return self.unresolved(node, "nested resources are not evaluated here")

    def resource_group(self) -> tuple[str | Unresolved | None, Any]:
        """The name and location of the resource group the template deploys to, where known
        (a module scoped to a resource group its caller declares)."""
        return None, None

    def declaration(self, name: str) -> Any:
        """The expression that gives the name ``name`` its value in this file (a variable's),
        where rules should see its parts located; None when it has none here."""
        declared = self.template.variables.get(name)
        return declared.value if declared is not None else None

    def group_location(self, name: str) -> Any:
        """The location of the resource group ``name`` when this template deploys it, else None."""
        return None

    def imported_call(self, node: ast.Call, local: str, args: list[Any]) -> Any:
        """A call of the function imported as ``local``."""
        return self.unresolved(node, f"'{local}' is imported from another file (imports are not evaluated)")

    # -- helpers ------------------------------------------------------------------------------

    def unresolved(self, node: Any, reason: str) -> Unresolved:
        return Unresolved(self.template.text_of(node), reason, self.template.locate(node.start, node.end))

    def value(self, expr: Any, env: Env = EMPTY) -> Any:
        return _DISPATCH[type(expr)](self, expr, env)

    # -- expressions ----------------------------------------------------------------------------

    def _lit(self, expr: ast.Lit, env: Env) -> Any:
        return expr.value

    def _interp(self, expr: ast.Interp, env: Env) -> Any:
        pieces: list[str] = []
        for part in expr.parts:
            if isinstance(part, str):
                pieces.append(part)
                continue
            value = self.value(part, env)
            if isinstance(value, Unresolved):
                return value
            try:
                pieces.append(text_of(value))
            except EvaluationError:
                return self.unresolved(part, f"a {type(value).__name__} cannot be written in a string")
        return "".join(pieces)

    def _var(self, expr: ast.Var, env: Env) -> Any:
        if expr.name in env:
            bound = env[expr.name]
            return bound.get() if type(bound) is Lazy else bound
        return self.symbol(expr)

    def _obj(self, expr: ast.Obj, env: Env) -> Any:
        result: dict[str, Any] = {}
        for prop in expr.props:
            if isinstance(prop, ast.Spread):
                spread = self.spread(prop, env, dict)
                if isinstance(spread, Unresolved):
                    return spread
                result.update(spread)
                continue
            key = self.key(prop, env)
            if isinstance(key, Unresolved):
                return key
            result[key] = self.value(prop.value, env)
        return result

    def spread(self, spread: ast.Spread, env: Env, kind: type) -> Any:
        """The value of ``...x``: an object's properties or an array's items."""
        value = self.value(spread.value, env)
        if isinstance(value, (Unresolved, kind)):
            return value
        return self.unresolved(spread, f"'...' needs {'an object' if kind is dict else 'an array'} here")

    def key(self, prop: ast.Prop, env: Env) -> str | Unresolved:
        if isinstance(prop.key, str):
            return prop.key
        key = self.value(prop.key, env)
        if isinstance(key, (str, Unresolved)):
            return key
        return self.unresolved(prop.key, "a property name must be a string")

    def _arr(self, expr: ast.Arr, env: Env) -> Any:
        result: list[Any] = []
        for item in expr.items:
            if isinstance(item, ast.Spread):
                spread = self.spread(item, env, list)
                if isinstance(spread, Unresolved):
                    return spread
                result.extend(spread)
            else:
                result.append(self.value(item, env))
        return result

    def _for(self, expr: ast.For, env: Env) -> Any:
        elements = self.loop_elements(expr, env)
        if isinstance(elements, Unresolved):
            return elements
        result = []
        for bound in elements:
            body = expr.body
            if isinstance(body, ast.IfBody):
                condition = self.value(body.condition, bound)
                if isinstance(condition, Unresolved):
                    return condition
                if condition is not True:
                    continue
                body = body.body
            result.append(self.value(body, bound))
        return result

    def loop_elements(self, expr: ast.For, env: Env) -> list[dict[str, Any]] | Unresolved:
        """The environments of a loop's iterations, or why they are unknown."""
        items = self.value(expr.iterable, env)
        if isinstance(items, Unresolved):
            return items
        if not isinstance(items, list):
            return self.unresolved(expr.iterable, "a for loop needs an array")
        bound = []
        for index, item in enumerate(items):
            names = {**env, expr.item: item}
            if expr.index is not None:
                names[expr.index] = index
            bound.append(names)
        return bound

    def _call(self, expr: ast.Call, env: Env) -> Any:
        if expr.namespace is None and (expr.name in self.template.functions or expr.name in self.template.imports):
            args = [self.value(arg, env) for arg in expr.args]
            if expr.name in self.template.imports:
                return self.imported_call(expr, expr.name, args)
            return self.apply(self.template.functions[expr.name], args, expr, self)
        name = expr.name.lower()
        if name in _DEPLOYMENT_ONLY:
            return self.unresolved(expr, _DEPLOYMENT_ONLY[name])
        function = FUNCTIONS.get(name)
        if function is None and name not in _SCOPES and name not in _LOADS:
            # Known only at deployment (uniqueString(), guid()), or not evaluated: say so,
            # rather than what is unknown about its arguments.
            return self.unresolved(expr, fn.why_unknown(name))
        args = [self.value(arg, env) for arg in expr.args]
        if name in _SCOPES:
            return self._scope(expr, name, args)
        for arg in args:
            if isinstance(arg, Unresolved):
                return arg
        if function is None:
            return self._load(expr, name, args)
        try:
            return function(args, self.template.text_of(expr))
        except EvaluationError as exc:
            return self.unresolved(expr, str(exc))

    def _scope(self, expr: ast.Call, name: str, args: list[Any]) -> Any:
        text = self.template.text_of(expr)
        if name != "resourcegroup":
            return AzureScope(_SCOPES[name], None, text=text)
        if not args:
            return AzureScope("resourceGroup", *self.resource_group(), text=text)
        group = args[-1]
        if not isinstance(group, (str, Unresolved)):
            return self.unresolved(expr, "a resource group name must be a string")
        # A group of this subscription that the template itself deploys has a known location;
        # `resourceGroup(subscriptionId, name)` may name another subscription's.
        location = self.group_location(group) if len(args) == 1 and isinstance(group, str) else None
        return AzureScope("resourceGroup", group, location, text=text)

    def apply(self, function: ast.Func, args: list[Any], node: Any, caller: Evaluator) -> Any:
        """``function`` (declared in this template) called with ``args`` at ``node`` of ``caller``.
        Its body sees only its parameters: Bicep functions cannot read variables or parameters."""
        if len(args) != len(function.params):
            return caller.unresolved(node, f"'{function.name}' takes {len(function.params)} arguments, not {len(args)}")
        return self.value(function.body, dict(zip(function.params, args)))

    def _load(self, expr: ast.Call, name: str, args: list[Any]) -> Any:
        """``loadJsonContent('regions.json')``: read at compile time, so known statically."""
        if len(args) != 1 or not isinstance(args[0], str):
            return self.unresolved(expr, f"bcdr-lint evaluates {expr.name}() with one file name only")
        path = os.path.join(os.path.dirname(self.template.path), args[0])
        try:
            with open(path, encoding="utf-8-sig") as handle:
                text = handle.read()
        except OSError as exc:
            return self.unresolved(expr, f"cannot read {args[0]}: {exc.strerror or exc}")
        if name == "loadtextcontent":
            return text
        try:
            return FUNCTIONS["json"]([text], "")
        except EvaluationError:
            return self.unresolved(expr, f"{args[0]} is not valid JSON")

    def _method(self, expr: ast.Method, env: Env) -> Any:
        if expr.name == "getSecret":
            return self.unresolved(expr, _DEPLOYMENT_ONLY["getsecret"])
        target = expr.target
        if isinstance(target, ast.Var) and target.name not in env and target.name in self.template.imports:
            namespace = self.value(target, env)  # `import * as naming from ...`: `naming.f(x)`
            if isinstance(namespace, Unresolved):
                return namespace
            if isinstance(namespace, ImportedNamespace):
                args = [self.value(arg, env) for arg in expr.args]
                return self._located(expr, namespace.call(expr.name, args, self.template.text_of(expr)))
        return self.unresolved(expr, f"bcdr-lint does not evaluate .{expr.name}()")

    def _member(self, expr: ast.Member, env: Env) -> Any:
        target = self.value(expr.target, env)
        return self._located(expr, lookup(target, expr.name, self.template.text_of(expr), expr.safe))

    def _index(self, expr: ast.Index, env: Env) -> Any:
        index = self.value(expr.index, env)
        if isinstance(index, Unresolved):
            return index
        target = self.value(expr.target, env)
        return self._located(expr, lookup(target, index, self.template.text_of(expr), expr.safe))

    def _located(self, expr: Any, value: Any) -> Any:
        if isinstance(value, Unresolved) and value.location is None:
            return Unresolved(value.expression, value.reason, self.template.locate(expr.start, expr.end))
        return value

    def deployed_read(self, expr: Any, env: Env, value: Any) -> Any:
        """``value`` (what ``expr`` evaluates to), as a ``DeployedProperty`` when it is unknown
        because ``expr`` reads what Azure sets on deployment (``bicep_deployed``)."""
        return deployed_read(self, expr, env, value)

    def _child(self, expr: ast.ChildAccess, env: Env) -> Any:
        parent = self.value(expr.target, env)
        if isinstance(parent, Unresolved):
            return parent
        return self.child(parent, expr)

    def _unary(self, expr: ast.Unary, env: Env) -> Any:
        operand = self.value(expr.operand, env)
        if isinstance(operand, Unresolved):
            return operand
        if expr.op == "!" and isinstance(operand, bool):
            return not operand
        if expr.op == "-" and isinstance(operand, int) and not isinstance(operand, bool):
            return -operand
        return self.unresolved(expr, f"'{expr.op}' does not apply to {operand!r}")

    def _binary(self, expr: ast.Binary, env: Env) -> Any:
        op = expr.op
        left = self.value(expr.left, env)
        if op in ("&&", "||"):
            return self._logic(expr, left, env)
        if op == "??":
            if isinstance(left, Unresolved):
                return left
            return self.value(expr.right, env) if left is None else left
        right = self.value(expr.right, env)
        for side in (left, right):
            if isinstance(side, Unresolved):
                return side
        try:
            return _operate(op, left, right, self.template.text_of(expr))
        except EvaluationError as exc:
            return self.unresolved(expr, str(exc))

    def _logic(self, expr: ast.Binary, left: Any, env: Env) -> Any:
        # false && x is false, true || x is true, whatever x is: no need to know it.
        decisive = expr.op == "||"
        if left is decisive:
            return decisive
        right = self.value(expr.right, env)
        if right is decisive:
            return decisive
        for side in (left, right):
            if isinstance(side, Unresolved):
                return side
        if isinstance(left, bool) and isinstance(right, bool):
            return right
        return self.unresolved(expr, f"'{expr.op}' needs true or false on both sides")

    def _ternary(self, expr: ast.Ternary, env: Env) -> Any:
        condition = self.value(expr.condition, env)
        if isinstance(condition, Unresolved):
            return condition
        if not isinstance(condition, bool):
            return self.unresolved(expr.condition, "a condition must be true or false")
        return self.value(expr.then if condition else expr.otherwise, env)

    def _lambda(self, expr: ast.Lambda, env: Env) -> Any:
        def call(args: list[Any]) -> Any:
            return self.value(expr.body, {**env, **dict(zip(expr.params, args))})

        return LambdaValue(expr.params, call)


def _operate(op: str, left: Any, right: Any, text: str) -> Any:
    if op in ("==", "!="):
        equal = arm_compare.FUNCTIONS["equals"]([left, right], text)
        return equal if op == "==" else not equal
    if op in ("=~", "!~"):
        if not (isinstance(left, str) and isinstance(right, str)):
            raise EvaluationError(f"'{op}' compares strings")
        return (left.lower() == right.lower()) == (op == "=~")
    if op in _COMPARISONS:
        return arm_compare.FUNCTIONS[_COMPARISONS[op]]([left, right], text)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (left, right)):
        raise EvaluationError(f"'{op}' needs integers")
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    if right == 0:
        raise EvaluationError("division by zero")
    quotient = abs(left) // abs(right) * (1 if (left >= 0) == (right >= 0) else -1)  # truncates, as ARM
    return quotient if op == "/" else left - right * quotient


_DISPATCH: dict[type, Callable[[Evaluator, Any, Env], Any]] = {
    ast.Lit: Evaluator._lit,
    ast.Interp: Evaluator._interp,
    ast.Var: Evaluator._var,
    ast.Obj: Evaluator._obj,
    ast.Arr: Evaluator._arr,
    ast.For: Evaluator._for,
    ast.Call: Evaluator._call,
    ast.Method: Evaluator._method,
    ast.Member: Evaluator._member,
    ast.Index: Evaluator._index,
    ast.ChildAccess: Evaluator._child,
    ast.Unary: Evaluator._unary,
    ast.Binary: Evaluator._binary,
    ast.Ternary: Evaluator._ternary,
    ast.Lambda: Evaluator._lambda,
}
