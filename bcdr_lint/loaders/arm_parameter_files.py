"""Parameter files beside an ARM template: which of its parameters are set per deployment.

A template with a parameter file is deployed with that file's values, not with the defaults
written in the template. Pairing each deployment's values with the template is for a later
version; until then a parameter such a file sets evaluates to an ``Unresolved`` instead of its
default (a guess that could hide a second region or a Basic load balancer). A parameter file
belongs to a template when it is named after it (``azuredeploy.parameters.json``,
``azuredeploy.parameters.prod.json``), or when it is a ``deploymentParameters`` file of the same
folder whose link (``metadata.template``, ``templateLink``) names the template.

Each folder's parameter files are read once, however many templates it holds: the engine loads
one file at a time, so what was read is kept in a small module-level cache, checked against the
folder's and the files' modification times so that an edit between two runs is seen.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Mapping

from bcdr_lint.loaders.base import UnreadableFile, read_text
from bcdr_lint.loaders.jsonpos import parse_jsonc
from bcdr_lint.model import ParseError, Unresolved

_CONVENTIONAL = re.compile(r"^(?P<stem>.+?)\.parameters(?:\..+)?\.json$", re.IGNORECASE)
_SCHEMA_MARK = "deploymentparameters"
# `$schema` comes first in every parameter file we have seen; a file that says so only later
# is still paired when it follows the naming convention.
_PEEK_BYTES = 2048
_CACHE_FOLDERS = 64


@dataclass(frozen=True)
class ParameterFile:
    name: str  # file name, in the template's folder
    # Lower-case names of the parameters it sets; None when it could not be read.
    sets: frozenset[str] | None
    problem: str | None  # why it could not be read
    pairs_with: str | None  # lower-case file name of its template (by link or by name)


@dataclass(frozen=True)
class _Folder:
    mtime_ns: int
    files: tuple[tuple[ParameterFile, int, int], ...]  # with each file's mtime_ns and size


_FOLDERS: "OrderedDict[str, _Folder]" = OrderedDict()

REASON = "parameter files are paired in a later version"


def per_deployment(template_path: str, declared: Mapping[str, str]) -> dict[str, Unresolved]:
    """Parameter values that stand in for the defaults of ``declared`` (lower-case name ->
    name as written) which a parameter file of ``template_path`` sets."""
    if not declared:
        return {}
    template_name = os.path.basename(template_path).lower()
    paired = [f for f in _parameter_files(os.path.dirname(template_path)) if f.pairs_with == template_name]
    if not paired:
        return {}
    folder = posixpath.dirname(template_path.replace(os.sep, "/"))
    shown = {f.name: posixpath.join(folder, f.name) for f in paired}
    values: dict[str, Unresolved] = {}
    for key, written in declared.items():
        setters = [shown[f.name] for f in paired if f.sets is not None and key in f.sets]
        unread = [f for f in paired if f.sets is None]
        if setters:
            reason = f"set per deployment by {', '.join(setters)}; {REASON}"
        elif unread:
            why = "; ".join(f"{shown[f.name]}, which could not be read ({f.problem})" for f in unread)
            reason = f"may be set per deployment by {why}; {REASON}"
        else:
            continue
        values[key] = Unresolved(f"parameters('{written}')", reason)
    return values


def _parameter_files(folder: str) -> tuple[ParameterFile, ...]:
    key = os.path.abspath(folder or ".")
    try:
        mtime = os.stat(key).st_mtime_ns
    except OSError:
        return ()
    cached = _FOLDERS.get(key)
    if cached is not None and cached.mtime_ns == mtime and all(_stat(key, f.name) == (m, s) for f, m, s in cached.files):
        _FOLDERS.move_to_end(key)
        return tuple(f for f, _, _ in cached.files)
    files = []
    for name in _json_files(key):
        found = _read(key, name)
        stat = _stat(key, name)
        if found is not None and stat is not None:
            files.append((found, *stat))
    _FOLDERS[key] = _Folder(mtime, tuple(files))
    _FOLDERS.move_to_end(key)
    while len(_FOLDERS) > _CACHE_FOLDERS:
        _FOLDERS.popitem(last=False)
    return tuple(f for f, _, _ in files)


def _json_files(folder: str) -> list[str]:
    try:
        with os.scandir(folder) as entries:
            return sorted(e.name for e in entries if e.name.lower().endswith(".json") and e.is_file())
    except OSError:
        return []


def _stat(folder: str, name: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(os.path.join(folder, name))
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _read(folder: str, name: str) -> ParameterFile | None:
    """The parameter file ``name``, or None when it is not one."""
    path = os.path.join(folder, name)
    conventional = _CONVENTIONAL.match(name)
    if conventional is None and not _mentions_schema(path):
        return None  # the common case: other JSON is never read in full here
    by_name = f"{conventional.group('stem')}.json".lower() if conventional else None
    try:
        text = read_text(path)
    except UnreadableFile as exc:
        return ParameterFile(name, None, exc.error.message, by_name)
    if not text.strip():
        return None  # an empty placeholder sets nothing (and is no error where it is loaded)
    parsed = parse_jsonc(path, text)
    if isinstance(parsed, ParseError):
        # Reported (BCDR001) where the file itself is loaded, not once per template here.
        return ParameterFile(name, None, f"{parsed.message} at line {parsed.location.start_line}", by_name)
    data = parsed[0]
    if not isinstance(data, dict):
        return None
    schema = _get(data, "$schema")
    declared = isinstance(schema, str) and _SCHEMA_MARK in schema.lower()
    parameters = _get(data, "parameters")
    if not isinstance(parameters, dict) or _get(data, "resources") is not None:
        return None  # a template, or JSON of another kind under a parameter file's name
    if not declared and conventional is None:
        return None
    linked = _linked_template(data, folder)
    pairs_with = linked if linked is not None else by_name
    if pairs_with is None:
        return None  # a parameter file that names no template: which one it is for is unknown
    return ParameterFile(name, frozenset(k.lower() for k in parameters), None, pairs_with)


def _mentions_schema(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(_PEEK_BYTES)
    except OSError:
        return False
    return _SCHEMA_MARK.encode() in head.lower()


def _linked_template(data: dict[str, Any], folder: str) -> str | None:
    """The lower-case file name of the template a parameter file names, if it is in ``folder``."""
    metadata = _get(data, "metadata")
    candidates = [_get(data, "templateLink")]
    if isinstance(metadata, dict):
        candidates += [_get(metadata, "template"), _get(metadata, "templateLink")]
    for link in candidates:
        if isinstance(link, dict):
            link = _get(link, "relativePath") or _get(link, "uri")
        if isinstance(link, str) and link.strip():
            return _in_folder(link.strip(), folder)
    return None


def _in_folder(link: str, folder: str) -> str | None:
    path = link.replace("\\", "/").split("?", 1)[0]
    if "://" in path:
        # A URL: the template published from this folder has the same file name.
        return posixpath.basename(path).lower() or None
    named = os.path.normpath(os.path.join(folder, path))
    if os.path.dirname(named) != os.path.normpath(folder):
        return ""  # a template in another folder: never one of this folder's
    return os.path.basename(named).lower()


def _get(data: dict[str, Any], key: str) -> Any:
    if key in data:
        return data[key]
    lowered = key.lower()
    return next((v for k, v in data.items() if k.lower() == lowered), None)
