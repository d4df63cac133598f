"""Which parameter files deploy a template: one template, several deployments.

A template deployed with N parameter files is N deployments, each with that file's values
(the contract in ``model/resource.py``). A parameter file deploys a template when

- ``--param-file TEMPLATE=PARAMS`` says so (explicit pairs replace every other pairing of that
  template, and a file named in one is paired by nothing else);
- its ``metadata.template`` (or ``templateLink``) names the template, relative to the file's
  folder (a URL names the template of the same file name in the file's folder);
- a ``.bicepparam`` file's ``using`` names it;
- otherwise, by name, in the same folder: ``<template>.parameters[.<env>].json`` deploys
  ``<template>.json`` and ``<template>.bicep`` (``azuredeploy.parameters.eastus2.json``).

A Key Vault ``reference`` is a value nobody knows before deployment: ``Unresolved``. A parameter
file that cannot be read is still a deployment, with every parameter unknown (its BCDR001 is in
``errors``; the engine reports one error once, however many templates it pairs with).

Folders and files are read once per run: the engine loads one template at a time, so what was
read is kept in small module-level caches, checked against modification times and sizes so
that an edit between two runs in one process is seen.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import posixpath
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from bcdr_lint.loaders.base import LineIndex, UnreadableFile, read_text
from bcdr_lint.loaders.jsonpos import JObject, parse_jsonc, scan
from bcdr_lint.model import Location, ParseError, Unresolved
from bcdr_lint.options import RunOptions

_CONVENTIONAL = re.compile(r"^(?P<stem>.+?)\.parameters(?:\..+)?\.json$", re.IGNORECASE)
_TEMPLATE_SUFFIXES = (".json", ".bicep")
SCHEMA_MARK = "deploymentparameters"
# `$schema` comes first in every parameter file we have seen; a file that says so only later
# is still paired when it follows the naming convention.
_PEEK_BYTES = 2048
_CACHE_SIZE = 4096


@dataclass(frozen=True)
class ParameterSet:
    """One deployment's parameter values.

    ``path`` is shown as discovery shows paths; ``location`` is the file's ``parameters`` object
    (or its start); ``values`` maps lower-case parameter names to plain values (``Unresolved``
    for Key Vault references); ``problem`` says why the file could not be read, in which case
    every parameter of the deployment is unknown.
    """

    path: str
    location: Location
    values: Mapping[str, Any] = field(default_factory=dict)
    value_locations: Mapping[str, Location] = field(default_factory=dict)
    problem: str | None = None
    errors: tuple[ParseError, ...] = ()

    def supplied(self, declared: Iterable[str]) -> dict[str, Any]:
        """The values to deploy with, by lower-case name; ``declared`` are the template's
        parameter names as written (all of them are unknown when the file is unreadable)."""
        if self.problem is None:
            return dict(self.values)
        reason = f"its parameter file {self.path} could not be read: {self.problem}"
        return {name.lower(): Unresolved(f"parameters('{name}')", reason, self.location) for name in declared}


@dataclass(frozen=True)
class _Spans:
    """Positions in one file, kept as (start line, col, end line, col): the path is added per use."""

    whole: tuple[int, int, int, int]
    values: Mapping[str, tuple[int, int, int, int]]


@dataclass(frozen=True)
class _ParamFile:
    """A parameter file as read, independent of how its path is shown."""

    link: str | None  # the template it names (metadata.template, templateLink, using), as written
    values: Mapping[str, Any]
    spans: _Spans
    problem: str | None = None
    error_at: tuple[int, int] = (1, 1)
    error_message: str = ""


# -- public ---------------------------------------------------------------------------------


def parameter_sets(template_path: str, options: RunOptions | None = None) -> list[ParameterSet]:
    """The deployments of ``template_path`` (as discovery shows it); [] when it has no parameter
    file, which means one deployment with the template's defaults."""
    options = options or RunOptions()
    template_real = _real(template_path)
    explicit = [params for template, params in options.param_files if _real(template) == template_real]
    if explicit:
        return [_explicit_set(params) for params in explicit]
    taken = {_real(params) for _, params in options.param_files}
    folder_shown = posixpath.dirname(template_path.replace(os.sep, "/"))
    folder_real = os.path.dirname(template_real)
    template_name = os.path.basename(template_real).lower()
    sets = []
    for name in _folder_files(folder_real):
        real = os.path.join(folder_real, name)
        if real in taken or real == template_real:
            continue
        found = _param_file(real)
        if found is None or not _deploys(found, name, folder_real, template_real, template_name):
            continue
        sets.append(_as_set(found, posixpath.join(folder_shown, name) if folder_shown else name))
    return sets


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


def linked_file(link: str, folder: str) -> str | None:
    """The file a link names, resolved against ``folder``; None for a URL or an empty link."""
    path = link.strip().replace("\\", "/").split("?", 1)[0]
    if not path or "://" in path:
        return None
    return os.path.normpath(os.path.join(folder, path))


def shown_path(path: str) -> str:
    """A path as discovery shows it: relative to the current folder when below it, else absolute."""
    absolute = os.path.realpath(path)
    cwd = os.path.realpath(os.getcwd())
    if absolute == cwd:
        return "."
    if absolute.startswith(cwd.rstrip(os.sep) + os.sep):
        return absolute[len(cwd.rstrip(os.sep)) + 1:].replace(os.sep, "/")
    return absolute.replace(os.sep, "/")


def is_parameter_data(data: Any) -> bool:
    """A deployment parameter file's content (by ``$schema``)."""
    if not isinstance(data, dict):
        return False
    schema = _get(data, "$schema")
    return isinstance(schema, str) and SCHEMA_MARK in schema.lower()


# -- pairing --------------------------------------------------------------------------------


def _deploys(found: _ParamFile, name: str, folder: str, template_real: str, template_name: str) -> bool:
    if found.link is not None:
        path = found.link.strip().replace("\\", "/").split("?", 1)[0]
        if "://" in path:
            # A URL: the template published from this folder has the same file name.
            return posixpath.basename(path).lower() == template_name
        named = linked_file(found.link, folder)
        return named is not None and os.path.normcase(named) == os.path.normcase(template_real)
    conventional = _CONVENTIONAL.match(name)
    if conventional is None or not name.lower().endswith(".json"):
        return False
    stem, suffix = os.path.splitext(template_name)
    return suffix in _TEMPLATE_SUFFIXES and conventional.group("stem").lower() == stem


def _explicit_set(params: str) -> ParameterSet:
    shown = shown_path(params)
    found = _param_file(os.path.realpath(params), explicit=True)
    if found is None:
        problem = "it is not a deployment parameter file (no 'parameters' object)"
        return ParameterSet(shown, Location(shown, 1, 1), problem=problem,
                            errors=(ParseError(f"--param-file: {problem}", Location(shown, 1, 1)),))
    return _as_set(found, shown)


def _as_set(found: _ParamFile, shown: str) -> ParameterSet:
    whole = Location(shown, *found.spans.whole)
    if found.problem is not None:
        error = ParseError(found.error_message, Location(shown, *found.error_at))
        return ParameterSet(shown, Location(shown, 1, 1), problem=found.problem, errors=(error,))
    locations = {key: Location(shown, *span) for key, span in found.spans.values.items()}
    values: dict[str, Any] = {}
    for key, value in found.values.items():
        if isinstance(value, Unresolved):
            value = Unresolved(value.expression, f"{value.reason} (set by {shown})", locations.get(key, whole))
        values[key] = value
    return ParameterSet(shown, whole, values, locations)


# -- reading, cached ------------------------------------------------------------------------

_FOLDERS: "OrderedDict[str, tuple[int, tuple[str, ...]]]" = OrderedDict()
_FILES: "OrderedDict[tuple[str, bool], tuple[tuple[int, int], _ParamFile | None]]" = OrderedDict()


def _remember(cache: OrderedDict, key: Any, value: Any) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)


def _folder_files(folder: str) -> tuple[str, ...]:
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


def _param_file(path: str, explicit: bool = False) -> _ParamFile | None:
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
        found = _read_json(path, explicit)
    _remember(_FILES, (path, explicit), (signature, found))
    return found


def _read_json(path: str, explicit: bool) -> _ParamFile | None:
    """The parameter file at ``path``, or None when it is not one. Files named neither as
    parameter files nor given explicitly are peeked at first: other JSON is not read in full."""
    conventional = _CONVENTIONAL.match(os.path.basename(path)) is not None
    if not conventional and not explicit and not _mentions_schema(path):
        return None
    try:
        text = read_text(path)
    except UnreadableFile as exc:
        return _unreadable(exc.error)
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


def _unreadable(error: ParseError) -> _ParamFile:
    location = error.location
    problem = f"{error.message} at line {location.start_line}"
    return _ParamFile(None, {}, _Spans((1, 1, 1, 2), {}), problem, (location.start_line, location.start_col),
                      error.message)


def _from_json(root: JObject, data: dict[str, Any], lines: LineIndex) -> _ParamFile:
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
    return _ParamFile(link, values, _Spans(span(member.start, member.end), spans))


def _read_bicepparam(path: str) -> _ParamFile | None:
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
    return _ParamFile(read.using, {name.lower(): value for name, value in read.values.items()}, _Spans(whole, spans))


def _span_of(location: Location) -> tuple[int, int, int, int]:
    return location.start_line, location.start_col, location.end_line, location.end_col


def _mentions_schema(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(_PEEK_BYTES)
    except OSError:
        return False
    return SCHEMA_MARK.encode() in head.lower()


def _real(path: str) -> str:
    return os.path.realpath(path)


def _get(data: dict[str, Any], key: str) -> Any:
    if key in data:
        return data[key]
    lowered = key.lower()
    return next((v for k, v in data.items() if k.lower() == lowered), None)
