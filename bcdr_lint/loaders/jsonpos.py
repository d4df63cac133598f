"""JSON with positions: every object, array and value knows where it is in the text.

The standard ``json`` module keeps no positions, so text that ``json.loads`` already accepted is
scanned once more by a regex tokenizer and an explicit-stack parser (no recursion, so deeply
nested files cannot exhaust Python's stack). The scanner trusts that the text is valid JSON —
it is only ever run after ``json.loads`` succeeded — which lets it skip ``,`` and ``:``.

JSONC (comments, trailing commas, as ARM and tsconfig accept) is handled by ``strip_jsonc``,
which blanks those characters out in place so offsets still point into the original text.
"""

from __future__ import annotations

import json
import re
from typing import Any, NamedTuple, Union

from bcdr_lint.model import Location, ParseError

# Valid JSON only: strings, brackets, and runs of anything else (numbers, true/false/null,
# NaN/Infinity that Python's json accepts). Separators and whitespace fall between tokens.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]]|[^\s,:{}\[\]"]+', re.DOTALL)

# Strings are matched first so that `//` inside a URL string is not taken for a comment.
_COMMENT = re.compile(r'"(?:[^"\\\n]|\\.)*"|//[^\n]*|/\*.*?\*/', re.DOTALL)
_TRAILING_COMMA = re.compile(r'"(?:[^"\\\n]|\\.)*"|,(?=\s*[}\]])')
_NOT_NEWLINE = re.compile(r"[^\n]")

_SCALARS: dict[str, Any] = {"true": True, "false": False, "null": None}


class JScalar(NamedTuple):
    start: int
    end: int
    value: Any


class Member(NamedTuple):
    """One ``"key": value`` of an object; ``start`` is the key's offset."""

    key: str
    start: int
    node: "JNode"

    @property
    def end(self) -> int:
        return self.node.end


class JObject(NamedTuple):
    start: int
    end: int
    # Lower-cased key -> member: ARM property names are case-insensitive.
    members: dict[str, Member]
    value: dict[str, Any]

    def get(self, key: str) -> "JNode | None":
        member = self.members.get(key.lower())
        return member.node if member is not None else None

    def member(self, key: str) -> Member | None:
        return self.members.get(key.lower())


class JArray(NamedTuple):
    start: int
    end: int
    items: list["JNode"]
    value: list[Any]


JNode = Union[JObject, JArray, JScalar]


def strip_jsonc(text: str) -> str:
    """``text`` with comments and trailing commas replaced by spaces (newlines kept)."""

    def blank_comment(match: re.Match[str]) -> str:
        token = match.group(0)
        return token if token[0] == '"' else _NOT_NEWLINE.sub(" ", token)

    def blank_comma(match: re.Match[str]) -> str:
        token = match.group(0)
        return token if token[0] == '"' else " "

    if "/" in text:
        text = _COMMENT.sub(blank_comment, text)
    return _TRAILING_COMMA.sub(blank_comma, text)


def parse_jsonc(path: str, text: str) -> tuple[Any, str] | ParseError:
    """The data and the text positions refer to (comments blanked out), or the syntax error."""
    try:
        return json.loads(text), text
    except json.JSONDecodeError:
        pass
    except RecursionError:
        return ParseError("invalid JSON: nested too deeply", Location(path, 1, 1))
    cleaned = strip_jsonc(text)
    try:
        return json.loads(cleaned), cleaned
    except json.JSONDecodeError as exc:
        return ParseError(f"invalid JSON: {exc.msg}", Location(path, exc.lineno, exc.colno))
    except RecursionError:
        return ParseError("invalid JSON: nested too deeply", Location(path, 1, 1))


def _scalar(token: str) -> Any:
    if token[0] == '"':
        return json.loads(token) if "\\" in token else token[1:-1]
    if token in _SCALARS:
        return _SCALARS[token]
    try:
        return int(token)
    except ValueError:
        return float(token)


def scan(text: str) -> JNode:
    """The located tree of ``text``, which must be valid JSON (``json.loads`` accepted it)."""
    # Each open container is [start, is_object, children, pending key, pending key offset].
    stack: list[list[Any]] = []
    root: JNode | None = None
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        start = match.start()
        first = token[0]
        if first == "{" or first == "[":
            stack.append([start, first == "{", [], None, 0])
            continue
        if first == "}" or first == "]":
            open_start, is_object, children, _, _ = stack.pop()
            end = match.end()
            if is_object:
                members = {m.key.lower(): m for m in children}
                node: JNode = JObject(open_start, end, members, {m.key: m.node.value for m in children})
            else:
                node = JArray(open_start, end, children, [c.value for c in children])
        else:
            top = stack[-1] if stack else None
            if top is not None and top[1] and top[3] is None:
                top[3] = _scalar(token)
                top[4] = start
                continue
            node = JScalar(start, match.end(), _scalar(token))
        if not stack:
            root = node
        else:
            top = stack[-1]
            if top[1]:
                top[2].append(Member(top[3], top[4], node))
                top[3] = None
            else:
                top[2].append(node)
    if root is None:
        raise ValueError("no JSON value in text")
    return root
