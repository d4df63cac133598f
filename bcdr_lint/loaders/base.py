"""What every loader shares: reading files safely and the shape of a load result."""

from __future__ import annotations

import codecs
from bisect import bisect_right
from dataclasses import dataclass, field

from bcdr_lint.model import Location, ParseError, Resource


@dataclass
class LoadResult:
    resources: list[Resource] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)

    def extend(self, other: "LoadResult") -> None:
        self.resources.extend(other.resources)
        self.errors.extend(other.errors)


class UnreadableFile(Exception):
    """Raised by ``read_text``; carries the ParseError to report."""

    def __init__(self, error: ParseError) -> None:
        super().__init__(error.message)
        self.error = error


def read_text(path: str) -> str:
    """The file's text, or ``UnreadableFile`` naming the line of the first bad byte.

    A UTF-8 byte-order mark is dropped (ARM templates exported on Windows carry one); NUL bytes
    mean binary content under a text file's name.
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise UnreadableFile(ParseError(f"cannot read file: {exc.strerror or exc}", Location(path, 1, 1))) from exc
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Windows PowerShell's `>` writes UTF-16 with a byte-order mark (az group export > x.json).
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnreadableFile(ParseError("invalid UTF-16 text", Location(path, 1, 1))) from exc
    nul = data.find(b"\x00")
    if nul != -1:
        line, col = _line_col(data, nul)
        raise UnreadableFile(ParseError("binary content (NUL byte) in a text file", Location(path, line, col)))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data, exc.start)
        raise UnreadableFile(
            ParseError(f"invalid UTF-8 (byte 0x{data[exc.start]:02x})", Location(path, line, col))
        ) from exc


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    col = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, col


class LineIndex:
    """Offsets to 1-based line/column, for parsers that report character offsets."""

    def __init__(self, text: str) -> None:
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self._starts = starts

    def line_col(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1

    def location(self, path: str, start: int, end: int) -> Location:
        sl, sc = self.line_col(start)
        el, ec = self.line_col(end)
        return Location(path, sl, sc, el, ec)
