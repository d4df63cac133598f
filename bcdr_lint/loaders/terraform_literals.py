"""The parts of HCL evaluation that need no scope: string escapes, heredocs, numbers, operators.

Values are plain Python (str, int, float, bool, None, list, dict), ``Ref`` or ``Unresolved``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from bcdr_lint.model import Ref, Unresolved


@dataclass(frozen=True, slots=True)
class EvalError(Unresolved):
    """An expression Terraform itself would reject (a missing attribute, an index out of range,
    a function given the wrong type), as opposed to a value only known at plan or apply time.
    ``try()`` and ``can()`` tell the two apart; everywhere else it is just unresolved."""

_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
# The same escapes, and ``$${``/``%%{`` that stand for a literal ``${``/``%{`` in a template.
_TEMPLATE_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(.))|([$%])\4\{", re.S)
# An interpolation or directive that is not escaped by doubling its first character.
_TEMPLATE_SEQUENCE = re.compile(r"(?<![$%])[$%]\{")


def template_literal(chars: str) -> str:
    """The text of a quoted string's literal part, as written between its quotes or interpolations."""
    if "\\" not in chars and "{" not in chars:
        return chars
    return _TEMPLATE_ESCAPE.sub(_replace_escape, chars)


def _replace_escape(match: re.Match[str]) -> str:
    if match.group(4):
        return match.group(4) + "{"
    code = match.group(1) or match.group(2)
    if code:
        try:
            return chr(int(code, 16))
        except ValueError:  # beyond the Unicode range: keep as written
            return match.group(0)
    return _SIMPLE_ESCAPES.get(match.group(3), match.group(0))


def heredoc(raw: str, *, trim: bool, text: str) -> str | Unresolved:
    """The body of ``<<EOT ... EOT`` (``<<-`` strips the common indentation)."""
    _header, _, rest = raw.partition("\n")
    lines = rest.rstrip("\r\n").split("\n")[:-1]  # the last line holds the closing marker
    lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    if trim:
        indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
        cut = min(indents, default=0)
        lines = [line[cut:] for line in lines]
    body = "".join(line + "\n" for line in lines)
    if _TEMPLATE_SEQUENCE.search(body):
        return Unresolved(text, "heredoc with template interpolation or directive")
    return body.replace("$${", "${").replace("%%{", "%{")


def number(token: str) -> int | float:
    try:
        return int(token)
    except ValueError:
        return float(token)


def template_text(value: Any, text: str) -> str | Unresolved:
    """``value`` as Terraform writes it into a string template."""
    if isinstance(value, Unresolved):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return format_number(value)
    if isinstance(value, Ref):
        return Unresolved(value.text or text, "a resource id is known only after apply")
    if value is None:
        return EvalError(text, "null value in a string template")
    return EvalError(text, "a list or object cannot be written into a string")


def format_number(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _tidy(value: float | int) -> int | float:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _blocker(values: tuple[Any, ...], text: str) -> Unresolved | None:
    for value in values:
        if isinstance(value, Unresolved):
            return value
        if isinstance(value, Ref):
            return Unresolved(value.text or text, "a resource id is known only after apply")
    return None


def unary(operator: str, operand: Any, text: str) -> Any:
    blocked = _blocker((operand,), text)
    if blocked is not None:
        return blocked
    if operator == "-" and _is_number(operand):
        return -operand
    if operator == "!" and isinstance(operand, bool):
        return not operand
    return EvalError(text, f"operator {operator} does not apply to this value")


def binary(operator: str, left: Any, right: Any, text: str) -> Any:
    blocked = _blocker((left, right), text)
    if blocked is not None:
        return blocked
    if operator in ("==", "!="):
        # HCL compares type and value: 1 == true is false, unlike Python.
        same = isinstance(left, bool) == isinstance(right, bool) and left == right
        return same if operator == "==" else not same
    if operator in ("&&", "||") and isinstance(left, bool) and isinstance(right, bool):
        return (left and right) if operator == "&&" else (left or right)
    if _is_number(left) and _is_number(right):
        if operator == "+":
            return left + right
        if operator == "-":
            return left - right
        if operator == "*":
            return left * right
        if operator in ("/", "%"):
            if right == 0:
                return EvalError(text, "division by zero")
            return _tidy(left / right) if operator == "/" else _tidy(math.fmod(left, right))
        if operator == "<":
            return left < right
        if operator == ">":
            return left > right
        if operator == "<=":
            return left <= right
        if operator == ">=":
            return left >= right
    return EvalError(text, f"operator {operator} does not apply to these values")
