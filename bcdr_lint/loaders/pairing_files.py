"""Parameter files as read, independent of the template they deploy (``pairing`` pairs them).

A JSON parameter file (``parameters`` with ``value`` or a Key Vault ``reference`` per entry, and
the template it links), or a ``.bicepparam`` file read by the Bicep loader. Files that are
neither named as parameter files nor given explicitly are parsed only when they mention the
parameter file schema (anywhere: some tools write ``$schema`` last; UTF-16 files are decoded
first). Folders and files are read once per run: the engine loads one template at a time, so
what was read is kept in small module-level caches, checked against modification times and sizes
so that an edit between two runs in one process is seen.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Mapping

from bcdr_lint.loaders.base import LineIndex, UnreadableFile, read_text
from bcdr_lint.loaders.jsonpos import JObject, parse_jsonc, scan
from bcdr_lint.model import Location, ParseError, Unresolved

CONVENTIONAL = re.compile(r"^(?P<stem>.+?)\.parameters(?:\..+)?\.json$", re.IGNORECASE)
SCHEMA_MARK = "deploymentparameters"
_SCHEMA_MENTION = re.compile(SCHEMA_MARK, re.IGNORECASE)
_CACHE_SIZE = 4096


@dataclass(frozen=True)
class Spans:
    """Positions in one file, kept as (start line, col, end line, col): the path is added per use."""

    whole: tuple[int, int, int, int]
    values: Mapping[str, tuple[int, int, int, int]]


@dataclass(frozen=True)
class ParamFile:
    """A parameter file as read, independent of how its path is shown."""

    link: str | None  # the template it names (metadata.template, templateLink, using), as written
    values: Mapping[str, Any]
    spans: Spans
    problem: str | None = None
    error_at: tuple[int, int] = (1, 1)
    error_message: str = ""


def template_link(data: dict[str, Any]) -> tuple[str, ...] | None:
    """The keys path of the link to its template a parameter file writes (``metadata.template``,
    ``templateLink``, ``metadata.templateLink``; a link object's ``relativePath`` or ``uri``)."""
    metadata = _get(data, "metadata")
    candidates: list[tuple[tuple[str, ...], Any]] = [(("templateLink",), _get(data, "templateLink"))]
    if isinstance(metadata, dict):
        candidates += [(("metadata", "template"), _get(metadata, "template")),
                       (("metadata", "templateLink"), _get(metadata, "templateLink"))]
    for keys, link in candidates:
        if isinstance(link, dict):
            for inner in ("relativePath", "uri"):
                value = _get(link, inner)
                if isinstance(value, str) and value.strip():
                    return (*keys, inner)
        elif isinstance(link, str) and link.strip():
            return keys
    return None


def is_parameter_data(data: Any) -> bool:
    """A deployment parameter file's content (by ``$schema``)."""
    if not isinstance(data, dict):
        return False
    schema = _get(data, "$schema")
    return isinstance(schema, str) and SCHEMA_MARK in schema.lower()


_FOLDERS: "OrderedDict[str, tuple[int, tuple[str, ...]]]" = OrderedDict()
_FILES: "OrderedDict[tuple[str, bool], tuple[tuple[int, int], ParamFile | None]]" = OrderedDict()


def _remember(cache: OrderedDict, key: Any, value: Any) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)


def folder_files(folder: str) -> tuple[str, ...]:
    """The names of the files in ``folder`` that may be parameter files."""
    try:
        mtime = os.stat(folder).st_mtime_ns
    except OSError:
        return ()
    cached = _FOLDERS.get(folder)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    try:
        with os.scandir(folder) as entries:
            names = tuple(sorted(e.name for e in entries if e.name.lower().endswith((".json", ".bicepparam"))
                                 and e.is_file()))
    except OSError:
        names = ()
    _remember(_FOLDERS, folder, (mtime, names))
    return names


def param_file(path: str, explicit: bool = False) -> ParamFile | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    signature = (stat.st_mtime_ns, stat.st_size)
    cached = _FILES.get((path, explicit))
    if cached is not None and cached[0] == signature:
        return cached[1]
    if path.lower().endswith(".bicepparam"):
        found = _read_bicepparam(path)
    else:
        found = read_json(path, explicit)
    _remember(_FILES, (path, explicit), (signature, found))
    return found


def read_json(path: str, explicit: bool) -> ParamFile | None:
    """The parameter file at ``path``, or None when it is not one. Files named neither as
    parameter files nor given explicitly must mention the parameter file schema (anywhere: some
    tools write `$schema` last) before they are parsed."""
    conventional = CONVENTIONAL.match(os.path.basename(path)) is not None
    try:
        text = read_text(path)
    except UnreadableFile as exc:
        return _unreadable(exc.error) if conventional or explicit else None
    if not conventional and not explicit and _SCHEMA_MENTION.search(text) is None:
        return None
    if not text.strip():
        return None  # an empty placeholder deploys nothing
    parsed = parse_jsonc(path, text)
    if isinstance(parsed, ParseError):
        return _unreadable(parsed)
    data, text = parsed
    if not isinstance(data, dict) or _get(data, "resources") is not None:
        return None  # a template, or other JSON under a parameter file's name
    if not isinstance(_get(data, "parameters"), dict):
        return None
    if not (conventional or explicit or is_parameter_data(data)):
        return None
    root = scan(text)
    assert isinstance(root, JObject)
    return _from_json(root, data, LineIndex(text))


def _unreadable(error: ParseError) -> ParamFile:
    location = error.location
    problem = f"{error.message} at line {location.start_line}"
    return ParamFile(None, {}, Spans((1, 1, 1, 2), {}), problem, (location.start_line, location.start_col),
                      error.message)


def _from_json(root: JObject, data: dict[str, Any], lines: LineIndex) -> ParamFile:
    def span(start: int, end: int) -> tuple[int, int, int, int]:
        return (*lines.line_col(start), *lines.line_col(end))

    keys = template_link(data)
    link: str | None = None
    if keys is not None:
        node: Any = root
        for key in keys:
            node = node.get(key) if isinstance(node, JObject) else None
        link = node.value if node is not None and isinstance(node.value, str) else None
    member = root.member("parameters")
    assert member is not None and isinstance(member.node, JObject)
    values: dict[str, Any] = {}
    spans: dict[str, tuple[int, int, int, int]] = {}
    for key, entry in member.node.members.items():
        if not isinstance(entry.node, JObject):
            continue
        value = entry.node.member("value")
        if value is not None:
            values[key] = value.node.value
            spans[key] = span(value.start, value.end)
        elif entry.node.member("reference") is not None:
            values[key] = Unresolved(f"parameters('{entry.key}')",
                                     f"parameter '{entry.key}' is read from Key Vault at deployment")
            spans[key] = span(entry.start, entry.end)
    return ParamFile(link, values, Spans(span(member.start, member.end), spans))


def _read_bicepparam(path: str) -> ParamFile | None:
    """A ``.bicepparam`` file, read by the Bicep loader (when this version has one)."""
    if importlib.util.find_spec("bcdr_lint.loaders.bicep") is None:
        return None
    from bcdr_lint.loaders import bicep

    reader = getattr(bicep, "read_bicepparam", None)
    if reader is None:
        return None
    read = reader(path)
    if read.error is not None:
        found = _unreadable(read.error)
        return dataclasses.replace(found, link=read.using)
    spans = {name.lower(): _span_of(where) for name, where in read.value_locations.items()}
    whole = _span_of(read.location) if read.location is not None else (1, 1, 1, 2)
    return ParamFile(read.using, {name.lower(): value for name, value in read.values.items()}, Spans(whole, spans))


def _span_of(location: Location) -> tuple[int, int, int, int]:
    return location.start_line, location.start_col, location.end_line, location.end_col


def _get(data: dict[str, Any], key: str) -> Any:
    if key in data:
        return data[key]
    lowered = key.lower()
    return next((v for k, v in data.items() if k.lower() == lowered), None)
