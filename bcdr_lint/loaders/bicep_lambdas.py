"""Bicep's functions that take a lambda: ``map``, ``filter``, ``reduce``, ``toObject``,
``sort``, ``groupBy``, ``mapValues``.

Each receives ``LambdaValue``s; a lambda's result may be unresolved, which makes the answer
unresolved where the result depends on it.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from bcdr_lint.loaders.arm_functions import EvaluationError, text_of
from bcdr_lint.loaders.bicep_values import LambdaValue
from bcdr_lint.model import Unresolved

Function = Callable[[list[Any], str], Any]


def _count(args: list[Any], text: str, low: int, high: int | None = None) -> None:
    if not low <= len(args) <= (low if high is None else high):
        raise EvaluationError(f"wrong number of arguments in {text}")


def _array(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise EvaluationError("needs an array")
    return value


def _lambda(value: Any) -> LambdaValue:
    if not isinstance(value, LambdaValue):
        raise EvaluationError("needs a lambda (x => ...)")
    return value


def _with_index(function: LambdaValue, item: Any, index: int) -> Any:
    return function.call([item, index] if len(function.params) > 1 else [item])


def _map(args: list[Any], text: str) -> list[Any]:
    _count(args, text, 2)
    function = _lambda(args[1])
    return [_with_index(function, item, i) for i, item in enumerate(_array(args[0]))]


def _filter(args: list[Any], text: str) -> Any:
    _count(args, text, 2)
    function = _lambda(args[1])
    kept = []
    for i, item in enumerate(_array(args[0])):
        verdict = _with_index(function, item, i)
        if isinstance(verdict, Unresolved):
            return verdict
        if not isinstance(verdict, bool):
            raise EvaluationError("a filter() lambda must return true or false")
        if verdict:
            kept.append(item)
    return kept


def _reduce(args: list[Any], text: str) -> Any:
    _count(args, text, 3)
    function = _lambda(args[2])
    total = args[1]
    for i, item in enumerate(_array(args[0])):
        total = function.call([total, item, i] if len(function.params) > 2 else [total, item])
        if isinstance(total, Unresolved):
            return total
    return total


def _to_object(args: list[Any], text: str) -> Any:
    _count(args, text, 2, 3)
    key_of = _lambda(args[1])
    value_of = _lambda(args[2]) if len(args) == 3 else None
    result: dict[str, Any] = {}
    for item in _array(args[0]):
        key = key_of.call([item])
        if isinstance(key, Unresolved):
            return key
        result[text_of(key)] = value_of.call([item]) if value_of is not None else item
    return result


class _Unknown(Exception):
    """A comparison of ``sort`` that is unresolved: the order is unknown."""

    def __init__(self, why: Unresolved) -> None:
        super().__init__(why.reason)
        self.why = why


def _sort(args: list[Any], text: str) -> Any:
    _count(args, text, 2)
    before = _lambda(args[1])

    def compare(a: Any, b: Any) -> int:
        for first, second, answer in ((a, b, -1), (b, a, 1)):
            verdict = before.call([first, second])
            if isinstance(verdict, Unresolved):
                raise _Unknown(verdict)
            if verdict is True:
                return answer
        return 0

    try:
        return sorted(_array(args[0]), key=functools.cmp_to_key(compare))
    except _Unknown as unknown:
        return unknown.why


def _group_by(args: list[Any], text: str) -> Any:
    _count(args, text, 2)
    key_of = _lambda(args[1])
    groups: dict[str, list[Any]] = {}
    for item in _array(args[0]):
        key = key_of.call([item])
        if isinstance(key, Unresolved):
            return key
        groups.setdefault(text_of(key), []).append(item)
    return groups


def _map_values(args: list[Any], text: str) -> Any:
    _count(args, text, 2)
    if not isinstance(args[0], dict):
        raise EvaluationError("mapValues() needs an object")
    function = _lambda(args[1])
    return {key: function.call([value]) for key, value in args[0].items()}


LAMBDA_FUNCTIONS: dict[str, Function] = {
    "map": _map,
    "filter": _filter,
    "reduce": _reduce,
    "toobject": _to_object,
    "sort": _sort,
    "groupby": _group_by,
    "mapvalues": _map_values,
}
