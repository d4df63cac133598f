"""Terraform's collection and conversion functions (``terraform_functions`` calls them):
maps are iterated in lexical key order (``keys``, ``values``), sets of strings or numbers are
sorted (``toset``), ``element`` wraps around, ``coalesce`` skips null and "".
"""

from __future__ import annotations

import math
from typing import Any, Callable

from bcdr_lint.loaders.terraform_function_args import (
    Fail, Unknown, as_list, as_map, is_number, known, number, same, sorted_items, string, type_name, whole,
)
from bcdr_lint.model import Ref, Unresolved

# Terraform refuses longer ranges; bounding them also bounds what a typo can allocate.
_RANGE_LIMIT = 1024


def _concat(*lists: Any) -> list[Any]:
    return [item for values in lists for item in as_list(values)]


def _lookup(mapping: Any, key: Any, *default: Any) -> Any:
    mapping, key = as_map(mapping), string(key)
    if key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise Fail(f"the map has no key {key!r} and no default is given")


def _merge(*maps: Any) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for value in maps:
        if value is not None:
            merged.update(as_map(value))
    return merged


def _coalesce(*values: Any) -> Any:
    for value in values:
        if isinstance(value, Unresolved):
            raise Unknown(value)
        if value is not None and value != "":
            return value
    raise Fail("every argument is null or an empty string")


def _coalescelist(*lists: Any) -> list[Any]:
    for value in lists:
        if as_list(value):
            return value
    raise Fail("every list is empty")


def _tostring(value: Any) -> str | None:
    return None if value is None else string(value)


def _tonumber(value: Any) -> int | float | None:
    return None if value is None else number(value)


def _tobool(value: Any) -> bool | None:
    value = known(value)
    if value is None or isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise Fail(f"cannot convert {type_name(value)} to bool")


def _tolist(value: Any) -> list[Any] | None:
    return None if value is None else list(as_list(value))


def _toset(value: Any) -> list[Any] | None:
    if value is None:
        return None
    items = _distinct(value)
    # A set of strings or of numbers has a fixed order in Terraform: sorted.
    if all(isinstance(item, str) for item in items) or all(is_number(item) for item in items):
        return sorted(items)
    return items


def _tomap(value: Any) -> dict[str, Any] | None:
    return None if value is None else dict(as_map(value))


def _keys(mapping: Any) -> list[str]:
    return sorted(as_map(mapping))


def _values(mapping: Any) -> list[Any]:
    return [value for _key, value in sorted_items(as_map(mapping))]


def _length(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, (list, dict)):
        return len(value)
    raise Fail(f"length of {type_name(value)}")


def _element(values: Any, index: Any) -> Any:
    values, position = as_list(values), whole(index)
    if not values:
        raise Fail("the list is empty")
    if position < 0:
        raise Fail("the index must not be negative")
    return values[position % len(values)]


def _contains(values: Any, wanted: Any) -> bool:
    wanted = known(wanted)
    unknown = None
    for item in as_list(values):
        if isinstance(item, (Unresolved, Ref)):
            unknown = unknown or item
        elif same(item, wanted):
            return True
    if unknown is not None:
        known(unknown)
    return False


def _distinct(values: Any) -> list[Any]:
    found: list[Any] = []
    for item in as_list(values):
        known(item)
        if not any(same(item, seen) for seen in found):
            found.append(item)
    return found


def _flatten(values: Any) -> list[Any]:
    flat: list[Any] = []
    for item in as_list(values):
        if isinstance(item, list):
            flat.extend(_flatten(item))
        elif isinstance(item, Unresolved):
            raise Unknown(item)  # it may be a list: its elements would be spliced in
        else:
            flat.append(item)
    return flat


def _zipmap(keys: Any, values: Any) -> dict[str, Any]:
    keys, values = as_list(keys), as_list(values)
    if len(keys) != len(values):
        raise Fail(f"{len(keys)} keys but {len(values)} values")
    return {string(key): value for key, value in zip(keys, values)}


def _range(*bounds: Any) -> list[int | float]:
    numbers = [number(b) for b in bounds]
    if len(numbers) == 3:
        start, limit, step = numbers
    else:
        start, limit = (0, numbers[0]) if len(numbers) == 1 else numbers
        step = -1 if limit < start else 1  # without a step, range counts towards the limit
    if step == 0:
        raise Fail("the step must not be zero")
    if (step > 0 and limit < start) or (step < 0 and limit > start):
        raise Fail("the step goes away from the limit")
    count = max(math.ceil((limit - start) / step), 0)
    if count > _RANGE_LIMIT:
        raise Fail(f"more than {_RANGE_LIMIT} elements")
    return [_tidy(start + i * step) for i in range(count)]


def _tidy(value: int | float) -> int | float:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _compact(values: Any) -> list[str]:
    return [string(item) for item in as_list(values) if item is not None and string(item) != ""]


def _one(values: Any) -> Any:
    values = as_list(values)
    if len(values) > 1:
        raise Fail(f"the list has {len(values)} elements")
    return values[0] if values else None


def _index(values: Any, wanted: Any) -> int:
    wanted = known(wanted)
    for position, item in enumerate(as_list(values)):
        if same(known(item), wanted):
            return position
    raise Fail("the value is not in the list")


def _slice(values: Any, start: Any, end: Any) -> list[Any]:
    values, first, last = as_list(values), whole(start), whole(end)
    if not 0 <= first <= last <= len(values):
        raise Fail(f"indexes {first}..{last} are out of range")
    return values[first:last]


def _sort(values: Any) -> list[str]:
    return sorted(string(item) for item in as_list(values))


def _extreme(pick: Callable[..., Any]) -> Callable[..., Any]:
    def extreme(*numbers: Any) -> Any:
        if not numbers:
            raise Fail("needs at least one number")
        return pick(number(n) for n in numbers)
    return extreme


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "concat": _concat,
    "lookup": _lookup,
    "merge": _merge,
    "coalesce": _coalesce,
    "coalescelist": _coalescelist,
    "tostring": _tostring,
    "tonumber": _tonumber,
    "tobool": _tobool,
    "tolist": _tolist,
    "toset": _toset,
    "tomap": _tomap,
    "keys": _keys,
    "values": _values,
    "length": _length,
    "element": _element,
    "contains": _contains,
    "distinct": _distinct,
    "flatten": _flatten,
    "zipmap": _zipmap,
    "range": _range,
    "compact": _compact,
    "one": _one,
    "index": _index,
    "slice": _slice,
    "sort": _sort,
    "reverse": lambda values: list(reversed(as_list(values))),
    "max": _extreme(max),
    "min": _extreme(min),
    "abs": lambda n: abs(number(n)),
    "ceil": lambda n: math.ceil(number(n)),
    "floor": lambda n: math.floor(number(n)),
}
