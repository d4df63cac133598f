"""Template expressions (``${{ ... }}``) of GitHub Actions and Azure Pipelines, evaluated where
their operands are known.

Both systems share one small language: literals, property access (``matrix.cluster``,
``parameters['rg']``), comparisons, ``!``/``&&``/``||`` and function calls. What a pipeline can
know before it runs is evaluated; anything else (a secret, a step's output, a function this
module does not evaluate) is an ``Unresolved`` carrying why.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from bcdr_lint.model import Unresolved

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<str>'(?:[^']|'')*')
    | (?P<num>-?\d+(?:\.\d+)?)
    | (?P<op>==|!=|<=|>=|&&|\|\||[<>!()\[\],.*])
    | (?P<name>[A-Za-z_][A-Za-z0-9_\-]*)
    )""", re.X)


class ExprError(Exception):
    """An expression this evaluator cannot read."""


@dataclass(frozen=True)
class Contexts:
    """What names mean in an expression: ``values`` maps a root name (``env``, ``matrix``,
    ``parameters``, a loop variable) to its value; ``missing(root)`` says why a root that is not
    there is unknown, or returns None to make its absence an error of the expression."""

    values: Mapping[str, Any]
    missing: Callable[[str], str | None]


def evaluate(text: str, contexts: Contexts) -> Any:
    """The value of the expression ``text`` (without ``${{ }}``), or an ``Unresolved``."""
    try:
        parser = _Parser(text, contexts)
        value = parser.expression()
        if parser.peek() is not None:
            raise ExprError("unexpected text after the expression")
        return value
    except ExprError as exc:
        return Unresolved(text.strip(), f"an expression bcdr-lint does not evaluate ({exc})")


def lookup(container: Any, key: Any) -> Any:
    """``container[key]`` as both systems read it: property names ignore case; absent is ``_ABSENT``."""
    if isinstance(container, Mapping):
        if key in container:
            return container[key]
        if isinstance(key, str):
            wanted = key.lower()
            for name, value in container.items():
                if isinstance(name, str) and name.lower() == wanted:
                    return value
        return _ABSENT
    if isinstance(container, list) and isinstance(key, (int, float)) and not isinstance(key, bool):
        index = int(key)
        return container[index] if 0 <= index < len(container) else _ABSENT
    return _ABSENT


class _Absent:
    def __repr__(self) -> str:
        return "<absent>"


_ABSENT = _Absent()


def to_text(value: Any) -> str | Unresolved:
    """A value as it reads inside a string: booleans and null as the expression languages write them."""
    if isinstance(value, Unresolved):
        return value
    if value is None or value is _ABSENT:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, default=str)
    return str(value)


def truthy(value: Any) -> bool:
    return value not in (None, False, 0, "", _ABSENT) and not (isinstance(value, float) and value != value)


class _Parser:
    def __init__(self, text: str, contexts: Contexts) -> None:
        self.tokens = _tokens(text)
        self.pos = 0
        self.contexts = contexts

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (value is not None and token[1] != value):
            raise ExprError(f"expected {value or 'more'}")
        self.pos += 1
        return token

    def accept(self, value: str) -> bool:
        token = self.peek()
        if token is not None and token[0] == "op" and token[1] == value:
            self.pos += 1
            return True
        return False

    def expression(self) -> Any:
        left = self.conjunction()
        while self.accept("||"):
            right = self.conjunction()
            if not isinstance(left, Unresolved) and truthy(left):
                continue
            left = right if not isinstance(left, Unresolved) else left
        return left

    def conjunction(self) -> Any:
        left = self.unary()
        while self.accept("&&"):
            right = self.unary()
            if not isinstance(left, Unresolved) and not truthy(left):
                continue
            left = right if not isinstance(left, Unresolved) else left
        return left

    def unary(self) -> Any:
        if self.accept("!"):
            value = self.unary()
            return value if isinstance(value, Unresolved) else not truthy(value)
        return self.comparison()

    def comparison(self) -> Any:
        left = self.primary()
        token = self.peek()
        if token is not None and token[0] == "op" and token[1] in ("==", "!=", "<", ">", "<=", ">="):
            self.pos += 1
            right = self.primary()
            return compare(token[1], left, right)
        return left

    def primary(self) -> Any:
        kind, value = self.take()
        if kind == "str":
            return value[1:-1].replace("''", "'")
        if kind == "num":
            return float(value) if "." in value else int(value)
        if kind == "op" and value == "(":
            inner = self.expression()
            self.take(")")
            return inner
        if kind != "name":
            raise ExprError(f"unexpected {value!r}")
        if self.accept("("):
            args = []
            if not self.accept(")"):
                args.append(self.expression())
                while self.accept(","):
                    args.append(self.expression())
                self.take(")")
            return self.postfix(call(value, args))
        lowered = value.lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        if lowered == "null":
            return None
        found = lookup(self.contexts.values, value)
        if found is _ABSENT:
            reason = self.contexts.missing(value)
            if reason is None:
                raise ExprError(f"unknown name {value!r}")
            found = Unresolved(value, reason)
        return self.postfix(found, value)

    def postfix(self, current: Any, path: str = "") -> Any:
        while True:
            if self.accept("."):
                if self.accept("*"):
                    raise ExprError("object filters are not evaluated")
                _, name = self.take()
                current, path = self.step(current, name, f"{path}.{name}")
            elif self.accept("["):
                key = self.expression()
                self.take("]")
                if isinstance(key, Unresolved):
                    current = key
                    continue
                current, path = self.step(current, key, f"{path}[{key!r}]")
            else:
                return current

    def step(self, current: Any, key: Any, path: str) -> tuple[Any, str]:
        if isinstance(current, Unresolved):
            # A property of an unknown object (a matrix from `fromJSON(vars.X)`): say where it came from.
            inherited = current.reason if path.startswith(current.expression) else f"{current.expression}: {current.reason}"
            return Unresolved(path, inherited), path
        found = lookup(current, key)
        if found is _ABSENT:
            reason = self.contexts.missing(path)
            if reason is None:
                return None, path
            return Unresolved(path, reason), path
        return found, path


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise ExprError(f"cannot read {text[pos:pos + 10]!r}")
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


def compare(op: str, left: Any, right: Any) -> Any:
    for side in (left, right):
        if isinstance(side, Unresolved):
            return side
    if isinstance(left, str) and isinstance(right, str):
        left, right = left.lower(), right.lower()  # both systems compare text ignoring case
    try:
        return {
            "==": lambda: left == right, "!=": lambda: left != right,
            "<": lambda: left < right, ">": lambda: left > right,
            "<=": lambda: left <= right, ">=": lambda: left >= right,
        }[op]()
    except TypeError:
        return False


def call(name: str, args: list[Any]) -> Any:
    fn = _FUNCTIONS.get(name.lower())
    if fn is None:
        return Unresolved(f"{name}(...)", f"the function {name}() is not evaluated by bcdr-lint")
    lazy = name.lower() in ("coalesce", "or", "and")
    if not lazy:
        for arg in args:
            if isinstance(arg, Unresolved):
                return arg
    try:
        return fn(*args)
    except (TypeError, ValueError, IndexError, KeyError):
        return Unresolved(f"{name}(...)", f"{name}() with these arguments is not evaluated by bcdr-lint")


def _format(template: Any, *args: Any) -> str | Unresolved:
    texts = [to_text(a) for a in args]
    for text in texts:
        if isinstance(text, Unresolved):
            return text

    def fill(match: re.Match) -> str:
        if match.group(0) in ("{{", "}}"):
            return match.group(0)[0]
        return str(texts[int(match.group(1))])

    return re.sub(r"\{\{|\}\}|\{(\d+)\}", fill, str(template))


def _coalesce(*args: Any) -> Any:
    for arg in args:
        if isinstance(arg, Unresolved):
            return arg  # it may be the first non-empty value
        if arg not in (None, ""):
            return arg
    return None


def _all(*args: Any) -> Any:
    for arg in args:
        if isinstance(arg, Unresolved):
            return arg
        if not truthy(arg):
            return False
    return True


def _any(*args: Any) -> Any:
    unknown = None
    for arg in args:
        if isinstance(arg, Unresolved):
            unknown = unknown or arg
        elif truthy(arg):
            return True
    return unknown if unknown is not None else False


def _in(needle: Any, *hay: Any) -> bool:
    return any(compare("==", needle, h) is True for h in hay)


def _contains(hay: Any, needle: Any) -> bool:
    if isinstance(hay, list):
        return _in(needle, *hay)
    return str(to_text(needle)).lower() in str(to_text(hay)).lower()


def _join(first: Any, second: Any) -> str:
    # GitHub writes join(array, separator), Azure Pipelines join(separator, array).
    items, sep = (first, second) if isinstance(first, list) else (second, first)
    if not isinstance(items, list):
        return str(to_text(items))
    return str(to_text(sep)).join(str(to_text(i)) for i in items)


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "format": _format,
    "coalesce": _coalesce,
    "eq": lambda a, b: compare("==", a, b),
    "ne": lambda a, b: compare("!=", a, b),
    "and": _all,
    "or": _any,
    "not": lambda a: not truthy(a),
    "in": _in,
    "notin": lambda a, *b: not _in(a, *b),
    "contains": _contains,
    "containsvalue": lambda hay, needle: _in(needle, *(hay.values() if isinstance(hay, Mapping) else hay)),
    "startswith": lambda a, b: str(to_text(a)).lower().startswith(str(to_text(b)).lower()),
    "endswith": lambda a, b: str(to_text(a)).lower().endswith(str(to_text(b)).lower()),
    "lower": lambda a: str(to_text(a)).lower(),
    "upper": lambda a: str(to_text(a)).upper(),
    "replace": lambda a, b, c: str(to_text(a)).replace(str(to_text(b)), str(to_text(c))),
    "join": lambda a, b=",": _join(a, b),
    "fromjson": lambda text: json.loads(text),
    "tojson": lambda value: json.dumps(value),
    "converttojson": lambda value: json.dumps(value),
    "length": lambda value: len(value),
}
