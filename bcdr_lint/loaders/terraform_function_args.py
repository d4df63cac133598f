"""Arguments of Terraform functions (``terraform_functions``): what a function may do with
the values it is given. A value that is not known stops the function with ``Unknown`` (its
result is not known either); one Terraform would reject stops it with ``Fail``.
"""

from __future__ import annotations

import math
from typing import Any

from bcdr_lint.loaders.terraform_literals import format_number
from bcdr_lint.model import Ref, Unresolved


class Fail(Exception):
    """Raised inside a function for arguments Terraform would reject."""



class Unknown(Exception):
    """An element the function needs is not known: the result is not known either."""

    def __init__(self, value: Unresolved) -> None:
        super().__init__(value.reason)
        self.value = value


def known(value: Any) -> Any:
    """``value`` when every part of it is known; else stop with the first unknown part."""
    if isinstance(value, Unresolved):
        raise Unknown(value)
    if isinstance(value, Ref):
        raise Unknown(Unresolved(value.text, "a resource id is known only after apply"))
    if isinstance(value, list):
        for item in value:
            known(item)
    elif isinstance(value, dict):
        for item in value.values():
            known(item)
    elif not isinstance(value, (str, int, float, bool)) and value is not None:
        raise Unknown(Unresolved("", "a resource or module object is not a plain value here"))
    return value


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def string(value: Any) -> str:
    """Terraform converts numbers and bools to the strings string parameters take."""
    value = known(value)
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        return format_number(value)
    raise Fail(f"expected a string, found {type_name(value)}")


def number(value: Any) -> int | float:
    value = known(value)
    if is_number(value):
        return value
    if isinstance(value, str):
        parsed = parse_number(value)
        if parsed is not None:
            return parsed
    raise Fail(f"expected a number, found {type_name(value)}")


def whole(value: Any) -> int:
    found = number(value)
    if isinstance(found, float):
        if not found.is_integer():
            raise Fail(f"expected a whole number, found {found}")
        found = int(found)
    return found


def as_list(value: Any) -> list[Any]:
    if isinstance(value, Unresolved):
        raise Unknown(value)
    if not isinstance(value, list):
        raise Fail(f"expected a list, found {type_name(value)}")
    return value


def as_map(value: Any) -> dict[str, Any]:
    if isinstance(value, Unresolved):
        raise Unknown(value)
    if not isinstance(value, dict):
        raise Fail(f"expected a map or object, found {type_name(value)}")
    return value


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a bool"
    if is_number(value):
        return "a number"
    return {str: "a string", list: "a list", dict: "a map"}.get(type(value), "an object")


def parse_number(text: str) -> int | float | None:
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def same(a: Any, b: Any) -> bool:
    """HCL equality: type and value (``1 == true`` is false, unlike Python)."""
    return isinstance(a, bool) == isinstance(b, bool) and a == b


def sorted_items(value: dict[str, Any]) -> list[tuple[str, Any]]:
    return sorted(value.items(), key=lambda item: item[0])
