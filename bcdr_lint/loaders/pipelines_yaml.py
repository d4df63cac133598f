"""Pipeline YAML as plain values that remember where they were written.

A pipeline is not read in one piece: Azure Pipelines templates are spliced into the including
file and parameters carry objects from one file into another, so positions must travel with the
values rather than be looked up by path afterwards (as ``yaml_nodes.ManifestObject`` does for a
single manifest). Mappings, lists and strings are subclasses of the builtins that carry their
``Location``; other scalars (numbers, booleans, null) are read as YAML 1.1 reads them and are
located by their parent.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bcdr_lint.loaders.base import LineIndex, UnreadableFile, read_text
from bcdr_lint.loaders.yaml_nodes import Constructor
from bcdr_lint.model import Location, ParseError

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class YMap(dict):
    """A mapping with its own position and the position of each key."""

    __slots__ = ("loc", "key_locs")

    def __init__(self, loc: Location, items: Any = (), key_locs: dict | None = None) -> None:
        super().__init__(items)
        self.loc = loc
        self.key_locs: dict[Any, Location] = dict(key_locs or {})

    def at(self, key: Any) -> Location:
        """Where ``key`` is written (its value's position for strings and containers)."""
        value = self.get(key)
        own = getattr(value, "loc", None)
        return self.key_locs.get(key) or own or self.loc


class YList(list):
    __slots__ = ("loc",)

    def __init__(self, loc: Location, items: Any = ()) -> None:
        super().__init__(items)
        self.loc = loc


class YStr(str):
    """Text with its position (``str`` subclasses cannot declare slots)."""

    loc: Location

    def __new__(cls, value: str, loc: Location) -> "YStr":
        made = super().__new__(cls, value)
        made.loc = loc
        return made


class _Builder:
    """Turns one composed document into Y* values; aliases share the value built once."""

    def __init__(self, path: str, lines: LineIndex) -> None:
        self.path = path
        self.lines = lines
        self.constructor = Constructor()
        self.done: dict[int, Any] = {}
        self.building: set[int] = set()

    def loc(self, node: Node) -> Location:
        return self.lines.location(self.path, node.start_mark.index, node.end_mark.index)

    def start(self, node: Node) -> Location:
        line, col = self.lines.line_col(node.start_mark.index)
        return Location(self.path, line, col)

    def build(self, node: Node) -> Any:
        key = id(node)
        if key in self.done:
            return self.done[key]
        if key in self.building:
            raise ParseErrorRaised(ParseError("YAML alias refers to itself (recursive structure)", self.start(node)))
        self.building.add(key)
        try:
            value = self._build(node)
        finally:
            self.building.discard(key)
        self.done[key] = value
        return value

    def _build(self, node: Node) -> Any:
        if isinstance(node, ScalarNode):
            if node.tag == _STR_TAG:
                return YStr(node.value, self.loc(node))
            return self.constructor.construct_object(node)
        if isinstance(node, SequenceNode):
            return YList(self.start(node), [self.build(item) for item in node.value])
        if isinstance(node, MappingNode):
            return self._mapping(node)
        return None

    def _mapping(self, node: MappingNode) -> YMap:
        merged: YMap = YMap(self.start(node))
        own: list[tuple[Any, Any, Location]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
                # Earlier merge sources win over later ones, and the mapping's own keys over all.
                for source in reversed(sources):
                    built = self.build(source)
                    if isinstance(built, YMap):
                        merged.update(built)
                        merged.key_locs.update(built.key_locs)
                continue
            if not isinstance(key_node, ScalarNode):
                continue  # a mapping or list as a key: no pipeline syntax uses one
            key = key_node.value if key_node.tag == _STR_TAG else self.constructor.construct_object(key_node)
            try:
                hash(key)
            except TypeError:
                continue
            own.append((key, self.build(value_node), self.start(key_node)))
        for key, value, where in own:
            merged[key] = value
            merged.key_locs[key] = where
        return merged


class ParseErrorRaised(Exception):
    def __init__(self, error: ParseError) -> None:
        super().__init__(error.message)
        self.error = error


@dataclass
class YamlFiles:
    """The pipeline files of one load, each read once however often it is included."""

    cache: dict[str, tuple[Any, ParseError | None]] = field(default_factory=dict)

    def read(self, path: str) -> tuple[Any, ParseError | None]:
        """The first document of ``path`` as Y* values (``None`` when empty), or the error."""
        path = posixpath.normpath(path)
        if path not in self.cache:
            self.cache[path] = _read(path)
        return self.cache[path]


def _read(path: str) -> tuple[Any, ParseError | None]:
    try:
        text = read_text(path)
    except UnreadableFile as exc:
        return None, exc.error
    lines = LineIndex(text)
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.composer.ComposerError as exc:
        if "expected a single document" in str(exc):
            return None, ParseError("a pipeline file holds one YAML document, found several",
                                    _mark(path, lines, exc.problem_mark))
        return None, _syntax_error(path, lines, exc, text)
    except yaml.YAMLError as exc:
        return None, _syntax_error(path, lines, exc, text)
    except RecursionError:
        return None, ParseError("YAML nesting is too deep to read", Location(path, 1, 1))
    if node is None:
        return None, None
    try:
        return _Builder(path, lines).build(node), None
    except ParseErrorRaised as exc:
        return None, exc.error
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        mark = getattr(exc, "problem_mark", None) or node.start_mark
        problem = getattr(exc, "problem", None) or str(exc)
        return None, ParseError(f"YAML value error: {problem}", _mark(path, lines, mark))
    except RecursionError:
        return None, ParseError("YAML nesting is too deep to read", Location(path, 1, 1))


def _syntax_error(path: str, lines: LineIndex, exc: yaml.YAMLError, text: str) -> ParseError:
    if isinstance(exc, yaml.reader.ReaderError):
        line, col = lines.line_col(exc.position)
        return ParseError(f"YAML syntax error: {exc.reason} (#x{exc.character:04x})", Location(path, line, col))
    problem = getattr(exc, "problem", None) or str(exc)
    mark = getattr(exc, "problem_mark", None)
    if mark is not None and text[mark.index:mark.index + 1] == "\t":
        # The usual cause: an editor indenting with a tab, which YAML does not allow.
        return ParseError("YAML syntax error: a tab character; YAML indents with spaces only", _mark(path, lines, mark))
    context = getattr(exc, "context", None)
    message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
    return ParseError(message, _mark(path, lines, getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)))


def _mark(path: str, lines: LineIndex, mark: Any) -> Location:
    if mark is None:
        return Location(path, 1, 1)
    line, col = lines.line_col(mark.index)
    return Location(path, line, col)
