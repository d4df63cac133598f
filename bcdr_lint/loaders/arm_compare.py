"""ARM's comparison functions (``equals``, ``less``, ``lessOrEquals``, ``greater``,
``greaterOrEquals``) on values that are known.

Only answers that do not depend on how ARM treats letter case (and, for ordering, on the
culture it sorts text in) are given: where case- or culture-sensitive and -insensitive rules
would disagree the result is unresolved, never a guess. Values of different JSON types are not
compared either, since ARM's conversions between them are not modelled.
"""

from __future__ import annotations

import operator
from typing import Any, Callable

from bcdr_lint.loaders.arm_functions import EvaluationError, Function
from bcdr_lint.model import Ref, Unresolved

_CASE = "ARM's letter-case handling for this comparison is not modelled"
_ORDER = "ARM's ordering of these strings (case and culture rules) is not modelled"


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, Ref):
        return "resource id"
    return type(value).__name__


def _equal(a: Any, b: Any) -> bool | None:
    """Structural equality; ``None`` when the answer depends on letter case."""
    if isinstance(a, Unresolved) or isinstance(b, Unresolved):
        raise EvaluationError("the values hold parts that are not known")
    if isinstance(a, Ref) or isinstance(b, Ref):
        raise EvaluationError("a resource id is only partly known before deployment")
    kind_a, kind_b = _type_name(a), _type_name(b)
    if kind_a != kind_b:
        raise EvaluationError(f"comparing a {kind_a} with a {kind_b} is not evaluated")
    if isinstance(a, str):
        if a == b:
            return True
        return None if a.lower() == b.lower() else False
    if isinstance(a, list):
        if len(a) != len(b):
            return False
        return _all(_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return _equal_objects(a, b)
    return a == b  # numbers, bools, null


def _equal_objects(a: dict[str, Any], b: dict[str, Any]) -> bool | None:
    lowered_b = {key.lower(): key for key in b}
    if len(a) != len(b) or len(lowered_b) != len(b) or {key.lower() for key in a} != set(lowered_b):
        return False
    results: list[bool | None] = []
    for key, value in a.items():
        other = key if key in b else lowered_b[key.lower()]
        if other != key:
            results.append(None)  # property names matched only ignoring case
        results.append(_equal(value, b[other]))
    return _all(iter(results))


def _all(results: Any) -> bool | None:
    """False if any part certainly differs, else unknown if any part is, else True."""
    collected = list(results)
    if False in collected:
        return False
    return None if None in collected else True


def _equals(args: list[Any], text: str) -> bool:
    if len(args) != 2:
        raise EvaluationError(f"wrong number of arguments in {text}")
    result = _equal(args[0], args[1])
    if result is None:
        raise EvaluationError(_CASE)
    return result


def _ordering(compare: Callable[[Any, Any], bool]) -> Function:
    def apply(args: list[Any], text: str) -> bool:
        if len(args) != 2:
            raise EvaluationError(f"wrong number of arguments in {text}")
        a, b = args
        kind_a, kind_b = _type_name(a), _type_name(b)
        if kind_a == kind_b == "number":
            return compare(a, b)
        if kind_a == kind_b == "string":
            return _compare_strings(a, b, compare)
        raise EvaluationError(f"comparing a {kind_a} with a {kind_b} is not evaluated")

    return apply


def _compare_strings(a: str, b: str, compare: Callable[[Any, Any], bool]) -> bool:
    # Ordinal, case-insensitive and culture-aware orderings agree on letters and digits as long
    # as the strings differ other than in case; anything else is left unresolved.
    if a == b:
        return compare(a, b)
    if not (a.isascii() and a.isalnum() and b.isascii() and b.isalnum()) or a.lower() == b.lower():
        raise EvaluationError(_ORDER)
    ordinal, folded = compare(a, b), compare(a.lower(), b.lower())
    if ordinal != folded:
        raise EvaluationError(_ORDER)
    return ordinal


FUNCTIONS: dict[str, Function] = {
    "equals": _equals,
    "less": _ordering(operator.lt),
    "lessorequals": _ordering(operator.le),
    "greater": _ordering(operator.gt),
    "greaterorequals": _ordering(operator.ge),
}
