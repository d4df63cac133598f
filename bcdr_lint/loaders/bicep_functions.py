"""The Bicep functions bcdr-lint evaluates: ARM's (Bicep compiles to them) and Bicep's own.

Each receives evaluated, resolved arguments and the call's text, and raises
``EvaluationError`` when the arguments do not fit (the call becomes an ``Unresolved`` with that
reason). Functions taking a lambda are in ``bicep_lambdas``, the
network address functions in ``bicep_cidr``. Functions whose value exists only at deployment are not here: the
evaluator answers those (``resourceGroup()``) or leaves them unresolved (``uniqueString()``).
"""

from __future__ import annotations

import json
from typing import Any, Callable

from bcdr_lint.loaders import arm_functions as fn
from bcdr_lint.loaders.arm_functions import EvaluationError, text_of
from bcdr_lint.loaders.bicep_cidr import CIDR_FUNCTIONS
from bcdr_lint.loaders.bicep_lambdas import LAMBDA_FUNCTIONS
from bcdr_lint.model.azure_id import ref_from_type_and_names

Function = Callable[[list[Any], str], Any]


def _count(args: list[Any], text: str, low: int, high: int | None = None) -> None:
    high = low if high is None else high
    if not low <= len(args) <= high:
        raise EvaluationError(f"wrong number of arguments in {text}")


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise EvaluationError(f"{value!r} is not an integer")
    return value


def _array(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise EvaluationError("needs an array")
    return value


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise EvaluationError("needs an object")
    return value


def _contains(args: list[Any], text: str) -> bool:
    _count(args, text, 2)
    container, item = args
    if isinstance(container, dict):
        # ARM matches object keys ignoring case.
        wanted = text_of(item).lower()
        return any(key.lower() == wanted for key in container)
    if isinstance(container, list):
        return any(type(entry) is type(item) and entry == item for entry in container)
    return text_of(item) in text_of(container)


def _union(args: list[Any], text: str) -> Any:
    if not args:
        raise EvaluationError("union() needs arguments")
    if all(isinstance(a, dict) for a in args):
        merged: dict[str, Any] = {}
        for other in args:
            merged = _merge(merged, other)
        return merged
    if all(isinstance(a, list) for a in args):
        result: list[Any] = []
        for other in args:
            result.extend(item for item in other if item not in result)
        return result
    raise EvaluationError("union() needs all objects or all arrays")


def _merge(base: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """ARM's union of objects: later values win, nested objects are merged too."""
    merged = dict(base)
    for key, value in other.items():
        current = merged.get(key)
        merged[key] = _merge(current, value) if isinstance(current, dict) and isinstance(value, dict) else value
    return merged


def _intersection(args: list[Any], text: str) -> Any:
    if len(args) < 2:
        raise EvaluationError("intersection() needs two or more arguments")
    if all(isinstance(a, dict) for a in args):
        first = args[0]
        return {k: v for k, v in first.items() if all(k in other and other[k] == v for other in args[1:])}
    if all(isinstance(a, list) for a in args):
        result: list[Any] = []
        for item in args[0]:
            if item not in result and all(item in other for other in args[1:]):
                result.append(item)
        return result
    raise EvaluationError("intersection() needs all objects or all arrays")


def _take(args: list[Any], text: str) -> Any:
    _count(args, text, 2)
    count = max(0, _integer(args[1]))
    if isinstance(args[0], (list, str)):
        return args[0][:count]
    raise EvaluationError("take() needs an array or a string")


def _skip(args: list[Any], text: str) -> Any:
    _count(args, text, 2)
    count = max(0, _integer(args[1]))
    if isinstance(args[0], (list, str)):
        return args[0][count:]
    raise EvaluationError("skip() needs an array or a string")


def _join(args: list[Any], text: str) -> str:
    _count(args, text, 2)
    return text_of(args[1]).join(text_of(item) for item in _array(args[0]))


def _range(args: list[Any], text: str) -> list[int]:
    _count(args, text, 2)
    start, count = _integer(args[0]), _integer(args[1])
    if count < 0 or count > 10000:
        raise EvaluationError("range() count must be between 0 and 10000")
    return list(range(start, start + count))


def _text_test(test: Callable[[str, str], Any]) -> Function:
    # ARM compares these case-insensitively.
    def apply(args: list[Any], text: str) -> Any:
        _count(args, text, 2)
        return test(text_of(args[0]).lower(), text_of(args[1]).lower())

    return apply


def _substring(args: list[Any], text: str) -> str:
    _count(args, text, 2, 3)
    value, start = text_of(args[0]), _integer(args[1])
    length = _integer(args[2]) if len(args) == 3 else len(value) - start
    if start < 0 or length < 0 or start + length > len(value):
        raise EvaluationError("substring() is out of range")
    return value[start:start + length]


def _pad_left(args: list[Any], text: str) -> str:
    _count(args, text, 2, 3)
    pad = text_of(args[2]) if len(args) == 3 else " "
    if len(pad) != 1:
        raise EvaluationError("padLeft() pads with one character")
    return text_of(args[0]).rjust(_integer(args[1]), pad)


def _extreme(pick: Callable[..., Any]) -> Function:
    def apply(args: list[Any], text: str) -> Any:
        values = args[0] if len(args) == 1 and isinstance(args[0], list) else args
        if not values:
            raise EvaluationError("needs at least one value")
        return pick(_integer(v) for v in values)

    return apply


def _items(args: list[Any], text: str) -> list[dict[str, Any]]:
    _count(args, text, 1)
    return [{"key": key, "value": value} for key, value in sorted(_object(args[0]).items())]


def _flatten(args: list[Any], text: str) -> list[Any]:
    _count(args, text, 1)
    return [item for inner in _array(args[0]) for item in _array(inner)]


def _json(args: list[Any], text: str) -> Any:
    _count(args, text, 1)
    try:
        return json.loads(text_of(args[0]))
    except ValueError as exc:
        raise EvaluationError("json() needs valid JSON text") from exc


def _tenant_resource_id(args: list[Any], text: str) -> Any:
    if not args or not isinstance(args[0], str) or "/" not in args[0]:
        raise EvaluationError("tenantResourceId() needs a resource type")
    names = tuple(part for a in args[1:] for part in text_of(a).split("/") if part)
    return ref_from_type_and_names(args[0], names, None, text)


def _find(last: bool) -> Function:
    """``indexOf``/``lastIndexOf``: a substring (ignoring case, as ARM) or an array item."""
    text_find = _text_test(str.rfind if last else str.find)

    def apply(args: list[Any], text: str) -> Any:
        _count(args, text, 2)
        items, wanted = args
        if not isinstance(items, list):
            return text_find(args, text)
        positions = [i for i, item in enumerate(items) if type(item) is type(wanted) and item == wanted]
        if positions:
            return positions[-1] if last else positions[0]
        if isinstance(wanted, str) and any(isinstance(i, str) and i.lower() == wanted.lower() for i in items):
            # Whether ARM matches array items ignoring case is not modelled: not guessed.
            raise EvaluationError("the item is in the array only with other letter case")
        return -1

    return apply


def _try_get(args: list[Any], text: str) -> Any:
    """``tryGet(value, key, ...)``: null where ``value[key]`` does not exist."""
    if len(args) < 2:
        raise EvaluationError(f"wrong number of arguments in {text}")
    value = args[0]
    for key in args[1:]:
        if isinstance(value, dict) and isinstance(key, str):
            value = next((v for k, v in value.items() if k.lower() == key.lower()), None)
        elif isinstance(value, list) and isinstance(key, int) and not isinstance(key, bool):
            value = value[key] if 0 <= key < len(value) else None
        elif value is None:
            return None
        else:
            raise EvaluationError("tryGet() reads objects by name and arrays by index")
    return value


def _shallow_merge(args: list[Any], text: str) -> dict[str, Any]:
    _count(args, text, 1)
    merged: dict[str, Any] = {}
    for item in _array(args[0]):
        merged.update(_object(item))
    return merged


FUNCTIONS: dict[str, Function] = {
    **fn.FUNCTIONS,
    "contains": _contains,
    "union": _union,
    "intersection": _intersection,
    "take": _take,
    "skip": _skip,
    "join": _join,
    "range": _range,
    "startswith": _text_test(str.startswith),
    "endswith": _text_test(str.endswith),
    "indexof": _find(last=False),
    "lastindexof": _find(last=True),
    "tryget": _try_get,
    "shallowmerge": _shallow_merge,
    "substring": _substring,
    "padleft": _pad_left,
    "min": _extreme(min),
    "max": _extreme(max),
    "items": _items,
    "objectkeys": lambda args, text: list(_object(args[0]).keys()) if len(args) == 1 else _count(args, text, 1),
    "flatten": _flatten,
    "array": lambda args, text: args[0] if len(args) == 1 and isinstance(args[0], list) else list(args[:1]),
    "any": lambda args, text: args[0] if len(args) == 1 else _count(args, text, 1),
    "json": _json,
    "tenantresourceid": _tenant_resource_id,
    **LAMBDA_FUNCTIONS,
    **CIDR_FUNCTIONS,
}

# Bicep has literals, operators and loops where ARM has these functions: only names Bicep code
# can call are kept.
for _arm_only in ("true", "false", "null", "not", "and", "or", "createarray", "createobject"):
    FUNCTIONS.pop(_arm_only, None)
