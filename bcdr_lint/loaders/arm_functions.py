"""The ARM template functions bcdr-lint evaluates, and why it leaves the others alone.

Each function receives already-evaluated, resolved arguments and the call's text. Functions are
evaluated only where the result is fixed before deployment; names are lower case.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable

from bcdr_lint.model import Ref
from bcdr_lint.model.azure_id import ref_from_type_and_names


class EvaluationError(ValueError):
    """The call cannot be evaluated (bad arguments); becomes an Unresolved with this reason."""


Function = Callable[[list[Any], str], Any]

# Functions whose value exists only at deployment time, with the reason shown to the user.
_RUNTIME: dict[str, str] = {
    "resourcegroup": "the resource group is known only at deployment",
    "subscription": "the subscription is known only at deployment",
    "tenant": "the tenant is known only at deployment",
    "managementgroup": "the management group is known only at deployment",
    "deployment": "deployment() is known only at deployment",
    "environment": "environment() is known only at deployment",
    "uniquestring": "uniqueString() is computed at deployment",
    "guid": "guid() is computed at deployment",
    "newguid": "newGuid() is computed at deployment",
    "utcnow": "utcNow() is computed at deployment",
    "reference": "reference() reads a deployed resource",
    "resourceinfo": "resourceInfo() reads a deployed resource",
    "copyindex": "copyIndex() depends on the copy loop",
    "pickzones": "pickZones() depends on the subscription's zones",
}


def why_unknown(name: str) -> str:
    if name in _RUNTIME:
        return _RUNTIME[name]
    if name.startswith("list"):
        return f"{name}() reads a deployed resource"
    return f"bcdr-lint does not evaluate {name}()"


def text_of(value: Any) -> str:
    """A value where ARM expects a string."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, Ref):
        return resource_id_text(value)
    raise EvaluationError(f"a {type(value).__name__} is not a string")


def resource_id_text(ref: Ref) -> str:
    """The id ``resourceId()`` would return, leaving out the subscription and group nobody knows."""
    assert ref.type is not None
    namespace, *types = ref.type.split("/")
    parts = [f"/resourceGroups/{ref.resource_group}"] if ref.resource_group else []
    parts.append(f"/providers/{namespace}")
    for child_type, name in zip(types, ref.names):
        parts.append(f"/{child_type}/{name}")
    return "".join(parts)


def _args(args: list[Any], text: str, low: int, high: int | None = None) -> None:
    high = low if high is None else high
    if not low <= len(args) <= high:
        raise EvaluationError(f"wrong number of arguments in {text}")


def _concat(args: list[Any], text: str) -> Any:
    if args and all(isinstance(a, list) for a in args):
        return [item for a in args for item in a]
    return "".join(text_of(a) for a in args)


_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{(\d+)(,[^:}]*)?(:[^}]*)?\}")


def _format(args: list[Any], text: str) -> str:
    if not args:
        raise EvaluationError("format() needs a format string")
    template, values = text_of(args[0]), args[1:]

    def substitute(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        index = int(match.group(1))
        if match.group(2) or match.group(3):
            raise EvaluationError(f"format specifier {token} is not evaluated")
        if index >= len(values):
            raise EvaluationError(f"format() has no argument {index}")
        return text_of(values[index])

    return _PLACEHOLDER.sub(substitute, template)


def _string(args: list[Any], text: str) -> str:
    _args(args, text, 1)
    value = args[0]
    if isinstance(value, (dict, list)):
        try:
            return json.dumps(value, separators=(",", ":"))
        except TypeError as exc:
            raise EvaluationError("the value holds parts that are not known") from exc
    if value is None:
        return ""
    return text_of(value)


def _resource_id(args: list[Any], text: str, *, with_group: bool = True) -> Ref:
    type_index = next((i for i, a in enumerate(args) if isinstance(a, str) and "/" in a), None)
    if type_index is None:
        raise EvaluationError("no resource type (with '/') among the arguments")
    leading, resource_type = args[:type_index], args[type_index]
    if len(leading) > (2 if with_group else 1):
        raise EvaluationError("too many arguments before the resource type")
    # resourceId([subscriptionId], [resourceGroupName], type, names...): the group comes last.
    resource_group = text_of(leading[-1]) if with_group and leading else None
    names = tuple(part for a in args[type_index + 1:] for part in text_of(a).split("/") if part)
    if len(names) != resource_type.count("/"):
        raise EvaluationError(f"{resource_type} needs {resource_type.count('/')} name(s), got {len(names)}")
    return ref_from_type_and_names(resource_type, names, resource_group, text)


def _coalesce(args: list[Any], text: str) -> Any:
    return next((a for a in args if a is not None), None)


def _length(args: list[Any], text: str) -> int:
    _args(args, text, 1)
    if isinstance(args[0], (str, list, dict)):
        return len(args[0])
    raise EvaluationError("length() needs a string, array or object")


def _index(position: int) -> Function:
    def pick(args: list[Any], text: str) -> Any:
        _args(args, text, 1)
        value = args[0]
        if not isinstance(value, (str, list)):
            raise EvaluationError("needs a string or array")
        return value[position] if value else None

    return pick


def _bool(args: list[Any], text: str) -> bool:
    _args(args, text, 1)
    value = args[0]
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if isinstance(value, int):
        return value != 0
    raise EvaluationError("bool() needs true/false")


def _int(args: list[Any], text: str) -> int:
    _args(args, text, 1)
    try:
        return int(args[0])
    except (TypeError, ValueError) as exc:
        raise EvaluationError(f"{args[0]!r} is not an integer") from exc


def _logic(combine: Callable[[list[bool]], bool]) -> Function:
    def apply(args: list[Any], text: str) -> bool:
        if not args or not all(isinstance(a, bool) for a in args):
            raise EvaluationError("needs boolean arguments")
        return combine(args)

    return apply


def _create_object(args: list[Any], text: str) -> dict[str, Any]:
    if len(args) % 2:
        raise EvaluationError("createObject() takes name/value pairs")
    return {text_of(args[i]): args[i + 1] for i in range(0, len(args), 2)}


def _one_text(transform: Callable[[str], str]) -> Function:
    def apply(args: list[Any], text: str) -> str:
        _args(args, text, 1)
        return transform(text_of(args[0]))

    return apply


def _replace(args: list[Any], text: str) -> str:
    _args(args, text, 3)
    return text_of(args[0]).replace(text_of(args[1]), text_of(args[2]))


def _split(args: list[Any], text: str) -> list[str]:
    _args(args, text, 2)
    separators = args[1] if isinstance(args[1], list) else [args[1]]
    parts = [text_of(args[0])]
    for separator in separators:
        parts = [piece for part in parts for piece in part.split(text_of(separator))]
    return parts


def _constant(value: Any) -> Function:
    def constant(args: list[Any], text: str) -> Any:
        _args(args, text, 0)
        return value

    return constant


FUNCTIONS: dict[str, Function] = {
    "concat": _concat,
    "format": _format,
    "tolower": _one_text(str.lower),
    "toupper": _one_text(str.upper),
    "trim": _one_text(str.strip),
    "replace": _replace,
    "split": _split,
    "string": _string,
    "resourceid": _resource_id,
    "subscriptionresourceid": lambda args, text: _resource_id(args, text, with_group=False),
    "true": _constant(True),
    "false": _constant(False),
    "null": _constant(None),
    "not": lambda args, text: not _logic(all)(args, text),
    "and": _logic(all),
    "or": _logic(any),
    "bool": _bool,
    "int": _int,
    "coalesce": _coalesce,
    "length": _length,
    "empty": lambda args, text: _length(args, text) == 0 if args and args[0] is not None else True,
    "first": _index(0),
    "last": _index(-1),
    "createarray": lambda args, text: list(args),
    "createobject": _create_object,
}
