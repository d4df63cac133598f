"""Filling in the values a pipeline writes into text: ``${{ expressions }}``, Azure Pipelines
``$(macros)`` and ``$[ runtime expressions ]``, and, in scripts, shell variables.

Each system supplies a ``Resolver`` saying what its names mean at one step; ``substitute``
returns the text with every piece filled in, or an ``Unresolved`` naming the whole text and why
its first unknown piece is unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from bcdr_lint.loaders.pipelines_expr import to_text
from bcdr_lint.model import Location, Unresolved

# The checkout folder, however the pipeline names it (${{ github.workspace }},
# $(System.DefaultWorkingDirectory)); paths starting with it are relative to the repository.
ROOT = "\x00root\x00"

_MARK = re.compile(r"\x01(\d+)\x02")
_PIECE = re.compile(r"""
    \x01(?P<mark>\d+)\x02
  | \$\{\{(?P<expr>.*?)\}\}
  | \$\[(?P<runtime>(?:[^\[\]]|\[[^\[\]]*\])*)\]  # one level of [ ] inside: variables['x']
  | \$\((?P<paren>[^()]*)\)
  | \$\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?P<modifier>:?[-=+?][^}]*)?\}
  | \$env:(?P<psenv>[A-Za-z_][A-Za-z0-9_]*)
  | \$(?P<plain>[A-Za-z_][A-Za-z0-9_]*)
""", re.X | re.S)
_MACRO_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


@dataclass
class Placeholders:
    """Unknown pieces that compile-time expansion leaves in text, each as a mark that keeps its
    reason until the text is finally read (a template's parameters are gone by then)."""

    items: list[Unresolved] = field(default_factory=list)

    def mark(self, value: Unresolved) -> str:
        self.items.append(value)
        return f"\x01{len(self.items) - 1}\x02"

    def get(self, index: int) -> Unresolved:
        return self.items[index]

    def restore(self, text: str) -> str:
        """The text as written, marks replaced by the expressions they stand for."""
        return _MARK.sub(lambda m: self.items[int(m.group(1))].expression, text)


class Resolver(Protocol):
    placeholders: Placeholders

    def expression(self, inner: str) -> Any:
        """The value of ``${{ inner }}``."""

    def macro(self, name: str) -> Any:
        """The value of ``$(name)``, or None where ``$( )`` is not a macro (GitHub: a shell
        command substitution)."""

    def shell(self, name: str) -> Any:
        """The value of the environment variable ``name`` in a script, or None if not set."""


def substitute(text: str, resolver: Resolver, *, shell: bool = False, location: Location | None = None) -> str | Unresolved:
    """``text`` with every value filled in, or an Unresolved naming ``text`` as written."""
    if "$" not in text and "\x01" not in text:
        return text
    out: list[str] = []
    unknown: list[tuple[str, Unresolved]] = []
    pos = 0
    for match in _PIECE.finditer(text):
        value = _piece(match, resolver, shell)
        if value is _KEEP:
            continue
        out.append(text[pos:match.start()])
        pos = match.end()
        as_text = to_text(value)
        if isinstance(as_text, Unresolved):
            piece = resolver.placeholders.restore(match.group(0))
            unknown.append((piece, as_text))
            out.append(match.group(0))
        else:
            out.append(as_text)
    out.append(text[pos:])
    if unknown:
        piece, first = unknown[0]
        written = resolver.placeholders.restore(text).strip()
        reason = first.reason if piece.strip() == written else f"{piece}: {first.reason}"
        return Unresolved(written, reason, location)
    return "".join(out)


def whole_value(text: str, resolver: Resolver) -> Any:
    """The value of text that is exactly one ``${{ }}`` (an object stays an object), else the
    substituted text."""
    match = re.fullmatch(r"\s*\$\{\{(.*)\}\}\s*", text, re.S)
    if match is not None and "}}" not in match.group(1):
        return resolver.expression(match.group(1))
    mark = _MARK.fullmatch(text.strip())
    if mark is not None:
        return resolver.placeholders.get(int(mark.group(1)))
    return substitute(text, resolver)


_KEEP = object()


def _piece(match: re.Match, resolver: Resolver, shell: bool) -> Any:
    if match.group("mark") is not None:
        return resolver.placeholders.get(int(match.group("mark")))
    if match.group("expr") is not None:
        return resolver.expression(match.group("expr"))
    if match.group("runtime") is not None:
        return Unresolved(match.group(0), "a runtime expression, evaluated when the pipeline runs")
    if match.group("paren") is not None:
        inner = match.group("paren")
        if _MACRO_NAME.match(inner.strip()):
            value = resolver.macro(inner.strip())
            if value is not None:
                return value
        if shell:
            return Unresolved(match.group(0), "the output of a shell command, known only when it runs")
        return _KEEP
    if not shell:
        return _KEEP
    name = match.group("braced") or match.group("psenv") or match.group("plain")
    value = resolver.shell(name)
    if value is None:
        return Unresolved(match.group(0), f"the environment variable {name} is not set in the pipeline")
    return value
