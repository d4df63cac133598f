"""Type constraints of input variables (``type = map(object({...}))``) and the conversion
Terraform applies to every value a variable is given: its default, a tfvars value, a module
call's argument (https://developer.hashicorp.com/terraform/language/expressions/type-constraints).

Conversion matters to what the model sees: an ``optional(string, "Standard")`` attribute left
out of a tfvars map *is* ``"Standard"`` in the module (Terraform 1.3+), a left-out ``optional``
without a default is null, ``set(string)`` is sorted and without duplicates, ``8080`` given
for a ``string`` is ``"8080"``, and attributes an object type does not declare are dropped.

A value Terraform could not convert (``"abc"`` for a ``number``, a required attribute left
out) is an ``EvalError``: Terraform rejects the configuration, so nothing is guessed. Parts
that are not known (``Unresolved``), references (``Ref``) and whole resources or module
instances passed as values are kept as they are. A type this module cannot read is no
conversion at all (the value as given).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from tree_sitter import Node

from bcdr_lint.loaders.terraform_expressions import Lazy
from bcdr_lint.loaders.terraform_hcl import SourceFile, terms
from bcdr_lint.loaders.terraform_literals import EvalError, format_number
from bcdr_lint.model import Ref, Unresolved

_PRIMITIVES = frozenset({"string", "number", "bool", "any"})
_COLLECTIONS = frozenset({"list", "set", "map"})
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")

Evaluate = Callable[[Node, SourceFile], Any]


@dataclass(frozen=True)
class Attribute:
    name: str
    type: "VarType"
    optional: bool = False
    default: Any = None  # applied when the attribute is left out or null (``optional(T, default)``)


@dataclass(frozen=True)
class VarType:
    kind: str  # string, number, bool, any, list, set, map, object, tuple
    element: "VarType | None" = None  # list, set, map
    attributes: tuple[Attribute, ...] = ()  # object
    elements: tuple["VarType", ...] = ()  # tuple


class _Unreadable(Exception):
    """Not a type constraint this module reads."""


class _Mismatch(Exception):
    """A value Terraform cannot convert to the type."""


def parse_type(expr: Node, file: SourceFile, evaluate: Evaluate) -> VarType | None:
    """The type written in ``expr``; None when it cannot be read. ``evaluate`` gives the value
    of an ``optional()`` default (a constant)."""
    try:
        return _parse(expr, file, evaluate)
    except (_Unreadable, RecursionError):
        return None


def _parse(expr: Node, file: SourceFile, evaluate: Evaluate) -> VarType:
    parts = terms(expr)
    while len(parts) == 3 and parts[0].type == "(":
        parts = terms(parts[1])
    if len(parts) != 1:
        raise _Unreadable
    node = parts[0]
    if node.type == "variable_expr":
        name = file.source(node)
        if name not in _PRIMITIVES:
            raise _Unreadable
        return VarType(name)
    if node.type != "function_call":
        raise _Unreadable
    name = file.source(node.named_children[0])
    args = _arguments(node)
    if name in _COLLECTIONS and len(args) == 1:
        return VarType(name, element=_parse(args[0], file, evaluate))
    if name == "object" and len(args) == 1:
        return VarType("object", attributes=_attributes(args[0], file, evaluate))
    if name == "tuple" and len(args) == 1:
        items = _collection(args[0], "tuple")
        return VarType("tuple", elements=tuple(_parse(item, file, evaluate)
                                               for item in items.named_children if item.type == "expression"))
    raise _Unreadable


def _arguments(call: Node) -> list[Node]:
    arguments = next((c for c in call.named_children if c.type == "function_arguments"), None)
    return [c for c in arguments.named_children if c.type == "expression"] if arguments is not None else []


def _collection(expr: Node, kind: str) -> Node:
    parts = terms(expr)
    if len(parts) != 1 or parts[0].type != "collection_value" or parts[0].named_children[0].type != kind:
        raise _Unreadable
    return parts[0].named_children[0]


def _attributes(expr: Node, file: SourceFile, evaluate: Evaluate) -> tuple[Attribute, ...]:
    found = []
    for element in _collection(expr, "object").named_children:
        if element.type != "object_elem":
            continue
        key = terms(element.child_by_field_name("key"))
        if len(key) != 1 or key[0].type not in ("variable_expr", "literal_value"):
            raise _Unreadable
        name = file.source(key[0]).strip('"')
        value = element.child_by_field_name("val")
        found.append(_attribute(name, value, file, evaluate))
    return tuple(found)


def _attribute(name: str, expr: Node, file: SourceFile, evaluate: Evaluate) -> Attribute:
    parts = terms(expr)
    call = parts[0] if len(parts) == 1 and parts[0].type == "function_call" else None
    if call is None or file.source(call.named_children[0]) != "optional":
        return Attribute(name, _parse(expr, file, evaluate))
    args = _arguments(call)
    if not 1 <= len(args) <= 2:
        raise _Unreadable
    attribute_type = _parse(args[0], file, evaluate)
    if len(args) == 1:
        return Attribute(name, attribute_type, optional=True)
    default = conform(evaluate(args[1], file), attribute_type, f"the default of optional attribute {name!r}")
    return Attribute(name, attribute_type, optional=True, default=default)


# -- conversion ---------------------------------------------------------------------------------


def conform(value: Any, var_type: VarType | None, what: str) -> Any:
    """``value`` converted to ``var_type`` as Terraform converts it; an ``EvalError`` naming
    ``what`` (``var.regions``) when Terraform would reject it."""
    if var_type is None:
        return value
    try:
        return _convert(value, var_type, "")
    except _Mismatch as mismatch:
        return EvalError(what, f"Terraform rejects the value: {mismatch}")
    except RecursionError:
        return value


def _convert(value: Any, var_type: VarType, path: str) -> Any:
    if value is None or var_type.kind == "any" or isinstance(value, (Unresolved, Lazy)):
        return value
    kind = var_type.kind
    if kind == "string":
        return _string(value, path)
    if kind == "number":
        return _number(value, path)
    if kind == "bool":
        return _bool(value, path)
    if kind == "map":
        return {key: _convert(item, var_type.element, f"{path}[{key!r}]") for key, item in _mapping(value, path).items()}
    if kind == "object":
        return _object(_mapping(value, path), var_type.attributes, path)
    items = _sequence(value, path)
    if kind == "tuple":
        if len(items) != len(var_type.elements):
            raise _Mismatch(f"{_at(path)}a tuple of {len(var_type.elements)} elements is required")
        return [_convert(item, element, f"{path}[{i}]") for i, (item, element) in
                enumerate(zip(items, var_type.elements))]
    converted = [_convert(item, var_type.element, f"{path}[{i}]") for i, item in enumerate(items)]
    return _as_set(converted) if kind == "set" else converted


def _string(value: Any, path: str) -> Any:
    if isinstance(value, (str, Ref)):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return format_number(value)
    raise _Mismatch(f"{_at(path)}a string is required")


def _number(value: Any, path: str) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        if not _NUMBER.fullmatch(value):  # no spaces, hex, "inf" or "1_000", as Terraform
            raise _Mismatch(f"{_at(path)}a number is required (got {value!r})")
        number = float(value)
        return int(number) if number.is_integer() and abs(number) < 2 ** 53 else number
    raise _Mismatch(f"{_at(path)}a number is required")


def _bool(value: Any, path: str) -> Any:
    if isinstance(value, bool):
        return value
    if value in ("true", "false", "1", "0"):
        return value in ("true", "1")
    raise _Mismatch(f"{_at(path)}a bool is required")


def _mapping(value: Any, path: str) -> dict:
    if not isinstance(value, dict):
        raise _Mismatch(f"{_at(path)}a map or object is required")
    return value


def _sequence(value: Any, path: str) -> list:
    if not isinstance(value, list):
        raise _Mismatch(f"{_at(path)}a list, set or tuple is required")
    return value


def _object(value: dict, attributes: tuple[Attribute, ...], path: str) -> dict:
    """Declared attributes only (Terraform drops the others); a left-out or null optional one
    is its default, converted."""
    out = {}
    for attribute in attributes:
        given = value.get(attribute.name)
        where = f"{path}.{attribute.name}"
        if given is None and attribute.optional:
            out[attribute.name] = _convert(attribute.default, attribute.type, where)
        elif attribute.name not in value:
            raise _Mismatch(f"attribute {where.lstrip('.')!r} is required")
        else:
            out[attribute.name] = _convert(given, attribute.type, where)
    return out


def _as_set(items: list) -> list:
    """Without duplicates; strings and numbers in Terraform's set order (sorted)."""
    if all(isinstance(item, str) for item in items) or \
            all(isinstance(item, (int, float)) and not isinstance(item, bool) for item in items):
        return sorted(set(items))
    unique: list = []
    for item in items:
        if item not in unique:
            unique.append(item)
    return unique


def _at(path: str) -> str:
    return f"{path.lstrip('.')}: " if path else ""
