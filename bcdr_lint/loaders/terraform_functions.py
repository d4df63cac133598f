"""Terraform's built-in functions that are pure and common, over evaluated arguments.

Each function sees plain Python values (str, int, float, bool, None, list, dict), ``Ref`` and
``Unresolved``. An argument that is not known makes the result unknown: the first such
argument is returned as it is, naming its cause. Arguments of the wrong type are what
Terraform rejects: an ``EvalError``, which ``try()`` and ``can()`` (evaluated lazily by
``terraform_expressions``) treat as a failure rather than an unknown.

Behaviour follows https://developer.hashicorp.com/terraform/language/functions (string functions
here, collections and conversions in ``terraform_functions_collections``): ``replace`` takes a
``/regex/``, ``format`` Go's verbs.
Functions whose result depends on the machine, the clock or files (``timestamp``, ``file``,
``uuid``, ...) and those not written here are unresolved.
"""

from __future__ import annotations

import inspect
import json
import math
import re
from typing import Any, Callable

from bcdr_lint.loaders import terraform_functions_collections as collections
from bcdr_lint.loaders import terraform_functions_sets as sets
from bcdr_lint.loaders.terraform_function_args import Fail, Unknown, as_list, is_number, known, number, string, type_name, whole
from bcdr_lint.loaders.terraform_literals import EvalError
from bcdr_lint.model import Unresolved

# Evaluated by the caller, argument by argument: they decide what a failing argument means.
LAZY = frozenset({"try", "can"})


def call(name: str, args: list[Any], text: str) -> Any:
    """The value of ``name(args...)``; ``text`` is the call as written, for messages."""
    function = _FUNCTIONS.get(name)
    if function is None:
        reason = "provider function, evaluated by Terraform" if "::" in name else \
            f"function {name}() is not evaluated statically"
        return Unresolved(text, reason)
    least, most = _ARITY[name]
    if not least <= len(args) <= most:
        return EvalError(text, f"{name}() does not take {len(args)} argument{'s' if len(args) != 1 else ''}")
    if name not in _ALLOW_UNKNOWN:
        for value in args:
            if isinstance(value, Unresolved):
                return value
    try:
        return function(*args)
    except Fail as exc:
        return EvalError(text, f"{name}(): {exc}")
    except Unknown as unknown:
        return unknown.value if unknown.value.expression else Unresolved(text, unknown.value.reason)
    except (TypeError, ValueError, OverflowError) as exc:  # e.g. sorting values of mixed types
        return EvalError(text, f"{name}(): invalid arguments ({exc})")


# -- strings -----------------------------------------------------------------------------------


def _format(spec: Any, *args: Any) -> str:
    return _Formatter(string(spec), args).result()


class _Formatter:
    """Terraform's ``format`` verbs (Go's fmt): ``%s %d %f %v %q %t %x %X %o %b %e %g %%``, with
    flags, width, precision and explicit argument indexes (``%[2]s``)."""

    _VERB = re.compile(r"%(?:\[(\d+)\])?([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])")

    def __init__(self, spec: str, args: tuple[Any, ...]) -> None:
        self.spec, self.args, self.next, self.reordered = spec, args, 0, False

    def result(self) -> str:
        out = self._VERB.sub(self._verb, self.spec)
        if self.next < len(self.args) and not self.reordered:  # as Go's fmt: indexes allow leftovers
            raise Fail(f"too many arguments; no verb for argument {self.next + 1}")
        return out

    def _verb(self, match: re.Match[str]) -> str:
        index, flags, width, precision, verb = match.groups()
        if verb == "%":
            return "%"
        if index is not None:
            self.next, self.reordered = int(index) - 1, True
        if not 0 <= self.next < len(self.args):
            raise Fail("not enough arguments for the format string")
        value = known(self.args[self.next])
        self.next += 1
        head = "%" + flags + (width or "") + (f".{precision}" if precision is not None else "")
        if verb in "sv":
            if verb == "v" and not isinstance(value, str) and value is not None and not is_number(value) \
                    and not isinstance(value, bool):
                return json.dumps(value, separators=(",", ":"))
            return (head + "s") % string(value)
        if verb == "q":
            return (head + "s") % json.dumps(string(value), ensure_ascii=False)
        if verb == "t":
            if not isinstance(value, bool):
                raise Fail(f"%t needs a bool, found {type_name(value)}")
            return (head + "s") % ("true" if value else "false")
        if verb == "b" and not (flags or width or precision):
            return format(whole(value), "b")
        if verb in "dxXo":
            return (head + verb) % whole(value)
        if verb in "feEgG":
            return (head + verb) % number(value)
        raise Fail(f"unsupported verb %{verb}")


def _formatlist(spec: Any, *args: Any) -> list[str]:
    """``format`` once per element: list arguments go element by element (all the same
    length), other arguments are repeated."""
    lengths = {len(value) for value in args if isinstance(value, list)}
    if len(lengths) > 1:
        raise Fail("the list arguments have different lengths")
    count = lengths.pop() if lengths else 1
    return [_format(spec, *(value[i] if isinstance(value, list) else value for value in args)) for i in range(count)]


def _join(separator: Any, *lists: Any) -> str:
    if not lists:
        raise Fail("needs at least one list")
    return string(separator).join(string(item) for values in lists for item in as_list(values))


def _split(separator: Any, text: Any) -> list[str]:
    separator, text = string(separator), string(text)
    if not separator:
        return list(text)  # Go's strings.Split: one element per character
    return text.split(separator)


def _replace(text: Any, search: Any, replacement: Any) -> str:
    text, search, replacement = string(text), string(search), string(replacement)
    if len(search) > 1 and search.startswith("/") and search.endswith("/"):
        try:
            pattern = re.compile(search[1:-1])
        except re.error as exc:
            raise Fail(f"invalid regular expression: {exc}") from exc
        # RE2 replacement syntax ($1, ${name}) in Python's (\g<1>, \g<name>); a backslash is literal.
        python = re.sub(r"\$(\d+|\{\w+\})|\\", lambda m: "\\\\" if m.group(0) == "\\"
                        else f"\\g<{m.group(1).strip('{}')}>", replacement.replace("$$", "\x00"))
        try:
            return pattern.sub(python, text).replace("\x00", "$")
        except (re.error, IndexError) as exc:
            raise Fail(f"invalid replacement: {exc}") from exc
    return text.replace(search, replacement)


def _substr(text: Any, offset: Any, length: Any) -> str:
    text, start, count = string(text), whole(offset), whole(length)
    if start < 0:
        start = max(len(text) + start, 0)
    if start > len(text):
        raise Fail("offset is beyond the end of the string")
    return text[start:] if count < 0 else text[start:start + count]


def _trim(text: Any, characters: Any) -> str:
    return string(text).strip(string(characters))


def _trimprefix(text: Any, prefix: Any) -> str:
    return string(text).removeprefix(string(prefix))


def _trimsuffix(text: Any, suffix: Any) -> str:
    return string(text).removesuffix(string(suffix))


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "lower": lambda s: string(s).lower(),
    "upper": lambda s: string(s).upper(),
    "title": lambda s: re.sub(r"\b\w", lambda m: m.group(0).upper(), string(s)),
    "format": _format,
    "join": _join,
    "split": _split,
    "replace": _replace,
    "trimspace": lambda s: string(s).strip(),
    "trim": _trim,
    "trimprefix": _trimprefix,
    "trimsuffix": _trimsuffix,
    "substr": _substr,
    "startswith": lambda s, p: string(s).startswith(string(p)),
    "endswith": lambda s, p: string(s).endswith(string(p)),
    "formatlist": _formatlist,
    "strrev": lambda s: string(s)[::-1],
    **collections.FUNCTIONS,
    **sets.FUNCTIONS,
}

# Functions that look at their arguments in order and may not need the unknown ones.
_ALLOW_UNKNOWN = frozenset({"coalesce"})


def _arity(function: Callable[..., Any]) -> tuple[int, float]:
    parameters = inspect.signature(function).parameters.values()
    if any(p.kind is p.VAR_POSITIONAL for p in parameters):
        return sum(1 for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD), math.inf
    return len(parameters), len(parameters)


_ARITY = {name: _arity(function) for name, function in _FUNCTIONS.items()}
_ARITY["lookup"] = (2, 3)
_ARITY["range"] = (1, 3)
