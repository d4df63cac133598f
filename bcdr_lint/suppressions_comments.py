"""Comments of a source file, with positions: what inline suppressions are read from.

One small scanner per syntax, run on the text after the rules ran (the loaders do not keep
comments). Each knows the string forms of its format, so a ``#`` or ``//`` inside a string (a
URL, an interpolation, a YAML block scalar holding a shell script) is never taken for a comment.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Comment:
    """``start``/``end`` are character offsets of the whole comment (delimiters included);
    ``body`` is its text without delimiters."""

    start: int
    end: int
    body: str


@dataclass(frozen=True)
class _Syntax:
    quotes: str  # characters that open a string
    escapes: str  # of those, the ones whose strings honour backslash escapes
    hash_comments: bool
    slash_comments: bool
    interpolation: str  # characters that open an interpolation with ``{`` (HCL ``${``, ``%{``)
    heredocs: bool  # HCL ``<<EOT`` / ``<<-EOT``
    triple: str  # quote characters that also open a triple-quoted multi-line string


_HCL = _Syntax(quotes='"', escapes='"', hash_comments=True, slash_comments=True, interpolation="$%",
               heredocs=True, triple="")
_BICEP = _Syntax(quotes="'", escapes="'", hash_comments=False, slash_comments=True, interpolation="$",
                 heredocs=False, triple="'")
_JSONC = _Syntax(quotes='"', escapes='"', hash_comments=False, slash_comments=True, interpolation="",
                 heredocs=False, triple="")
_TOML = _Syntax(quotes="\"'", escapes='"', hash_comments=True, slash_comments=False, interpolation="",
                heredocs=False, triple="\"'")

_SYNTAX_BY_SUFFIX = {
    ".tf": _HCL, ".tfvars": _HCL, ".hcl": _HCL,
    ".bicep": _BICEP, ".bicepparam": _BICEP,
    ".json": _JSONC,
    ".toml": _TOML,
}
YAML_SUFFIXES = (".yaml", ".yml")
_HEREDOC = re.compile(r"<<-?([A-Za-z_][\w-]*)[ \t]*\r?\n")


def comments(path: str, text: str) -> list[Comment]:
    """The comments of ``text``, read as the format ``path``'s suffix names (none for others)."""
    lowered = path.lower()
    if lowered.endswith(YAML_SUFFIXES):
        return yaml_comments(text)
    for suffix, syntax in _SYNTAX_BY_SUFFIX.items():
        if lowered.endswith(suffix):
            return _scan(text, syntax)
    return []


def _special_chars(syntax: _Syntax) -> re.Pattern[str]:
    chars = syntax.quotes + ("#" if syntax.hash_comments else "") + ("/" if syntax.slash_comments else "")
    chars += "{}" if syntax.interpolation else ""
    chars += "<" if syntax.heredocs else ""
    return re.compile("[" + re.escape(chars) + "]")


def _scan(text: str, syntax: _Syntax) -> list[Comment]:
    """A single pass over a stack of open strings and interpolations: ``"${a == "#" ? 1 : 2}"``
    holds a string inside an expression inside a string, and only the outer quote ends it."""
    code_re = _special_chars(syntax)
    found: list[Comment] = []
    # Frames, innermost last: a quote character (in a string) or a brace depth (in an interpolation).
    stack: list[str | int] = []
    i, n = 0, len(text)
    while i < n:
        if stack and isinstance(stack[-1], str):
            i = _in_string(text, i, stack, syntax)
            continue
        match = code_re.search(text, i)
        if match is None:
            break
        j = match.start()
        char = text[j]
        i = j + 1
        if char in syntax.quotes:
            if char in syntax.triple and text.startswith(char * 3, j):
                close = text.find(char * 3, j + 3)
                i = n if close == -1 else close + 3
            else:
                stack.append(char)
        elif char == "{":
            if stack:
                stack[-1] += 1  # type: ignore[operator]
        elif char == "}":
            if stack:
                stack[-1] -= 1  # type: ignore[operator]
                if stack[-1] == 0:
                    stack.pop()  # back in the string that opened the interpolation
        elif char == "#" or text.startswith("//", j):
            end = _line_end(text, j)
            found.append(Comment(j, end, text[j + (1 if char == "#" else 2):end]))
            i = end
        elif text.startswith("/*", j):
            close = text.find("*/", j + 2)
            end = n if close == -1 else close + 2
            found.append(Comment(j, end, text[j + 2:n if close == -1 else close]))
            i = end
        elif char == "<":
            heredoc = _HEREDOC.match(text, j)
            if heredoc is not None:
                terminator = re.compile(r"^[ \t]*" + re.escape(heredoc.group(1)) + r"[ \t]*\r?$", re.M)
                closing = terminator.search(text, heredoc.end())
                i = n if closing is None else closing.end()
    return found


def _in_string(text: str, i: int, stack: list[str | int], syntax: _Syntax) -> int:
    """Advance inside the string on top of ``stack``; pop it at its closing quote, push a frame
    when an interpolation opens. Returns the next offset."""
    quote = stack[-1]
    assert isinstance(quote, str)
    escapes = quote in syntax.escapes
    n = len(text)
    while i < n:
        char = text[i]
        if char == "\\" and escapes:
            i += 2
        elif char == quote:
            stack.pop()
            return i + 1
        elif char == "\n":
            stack.pop()  # quoted strings end at the line: an unclosed one must not swallow the file
            return i + 1
        elif char in syntax.interpolation and text.startswith("{", i + 1):
            stack.append(1)
            return i + 2
        elif char in syntax.interpolation and text.startswith(char + "{", i + 1):
            i += 3  # HCL's $${ and %%{ are literal text
        else:
            i += 1
    return n


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    end = len(text) if end == -1 else end
    return end - 1 if end > start and text[end - 1] == "\r" else end


def yaml_comments(text: str) -> list[Comment]:
    """YAML comments: a ``#`` at the start of a line or after a space, outside quoted and block
    scalars. The scalars' extents come from libyaml's scanner; after a syntax error (a file that
    is BCDR001 anyway) the rest of the file is read line by line."""
    import yaml

    spans: list[tuple[int, int]] = []
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        for token in yaml.scan(text, Loader=loader):
            if isinstance(token, yaml.ScalarToken) and token.style:
                spans.append((token.start_mark.index, token.end_mark.index))
    except yaml.YAMLError:
        pass
    starts = [s for s, _ in spans]
    found: list[Comment] = []
    for match in _YAML_HASH.finditer(text):
        j = match.end() - 1
        k = bisect_right(starts, j) - 1
        if k >= 0 and spans[k][0] <= j < spans[k][1]:
            continue
        end = _line_end(text, j)
        found.append(Comment(j, end, text[j + 1:end]))
    return found


_YAML_HASH = re.compile(r"(?:^|(?<=[ \t]))#", re.M)
