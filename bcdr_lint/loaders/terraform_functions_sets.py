"""Terraform's set functions and list reductions (``terraform_functions`` calls them), as
platform code uses them to build ``for_each`` keys: ``setproduct(keys(var.regions), var.pools)``.

Results follow Terraform's order: ``setproduct`` varies its last argument fastest; a set of
strings or numbers (``setunion`` and the others) is sorted. Behaviour checked against
``terraform console`` (1.11).
"""

from __future__ import annotations

from typing import Any, Callable

from bcdr_lint.loaders.terraform_function_args import Fail, as_list, is_number, known, number, same, whole


def _setproduct(*sets: Any) -> list[list[Any]]:
    if len(sets) < 2:
        raise Fail("at least two arguments are required")
    product: list[list[Any]] = [[]]
    for values in sets:
        items = [known(item) for item in as_list(values)]
        product = [[*prefix, item] for prefix in product for item in items]
    return product


def _as_set(items: list[Any]) -> list[Any]:
    unique: list[Any] = []
    for item in items:
        if not any(same(item, seen) for seen in unique):
            unique.append(item)
    if all(isinstance(item, str) for item in unique) or all(is_number(item) for item in unique):
        return sorted(unique)
    return unique


def _elements(sets: tuple[Any, ...]) -> list[list[Any]]:
    if not sets:
        raise Fail("at least one argument is required")
    return [[known(item) for item in as_list(values)] for values in sets]


def _setunion(*sets: Any) -> list[Any]:
    return _as_set([item for values in _elements(sets) for item in values])


def _setintersection(*sets: Any) -> list[Any]:
    first, *others = _elements(sets)
    return _as_set([item for item in first if all(any(same(item, o) for o in other) for other in others)])


def _setsubtract(a: Any, b: Any) -> list[Any]:
    first, second = _elements((a, b))
    return _as_set([item for item in first if not any(same(item, other) for other in second)])


def _bools(values: Any) -> list[bool]:
    found = []
    for position, item in enumerate(as_list(values)):
        item = known(item)
        if item in ("true", "false"):
            item = item == "true"
        if not isinstance(item, bool):
            raise Fail(f"element {position}: bool required")
        found.append(item)
    return found


def _sum(values: Any) -> int | float:
    numbers = [number(item) for item in as_list(values)]
    if not numbers:
        raise Fail("cannot sum an empty list")
    total = sum(numbers)
    return int(total) if isinstance(total, float) and total.is_integer() else total


def _chunklist(values: Any, size: Any) -> list[list[Any]]:
    items, length = as_list(values), whole(size)
    if length < 0:
        raise Fail("the size must not be negative")
    if length == 0:
        return [items] if items else []
    return [items[start:start + length] for start in range(0, len(items), length)]


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "setproduct": _setproduct,
    "setunion": _setunion,
    "setintersection": _setintersection,
    "setsubtract": _setsubtract,
    "alltrue": lambda values: all(_bools(values)),
    "anytrue": lambda values: any(_bools(values)),
    "sum": _sum,
    "chunklist": _chunklist,
}
