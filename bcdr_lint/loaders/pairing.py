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

A link may name a template in another folder (``parameters/prod.json`` with ``metadata.template:
"../main.json"``); a template's loader cannot see such files from its own folder, so the engine
collects them from the checked files before any template is loaded (``find_links``) and hands
them over in ``RunOptions.parameter_links``. A name alone pairs only within one folder. A checked
parameter file whose template is not among the checked files deploys it all the same
(``ParameterLinks.unchecked``): checking ``prod.parameters.json`` checks that deployment.

A Key Vault ``reference`` is a value nobody knows before deployment: ``Unresolved``. A parameter
file that cannot be read is still a deployment, with every parameter unknown (its BCDR001 is in
``errors``; the engine reports one error once, however many templates it pairs with).

Reading the files (and caching what was read) is ``pairing_files``.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from bcdr_lint.loaders.pairing_files import (
    CONVENTIONAL, SCHEMA_MARK, ParamFile, folder_files, is_parameter_data, param_file, template_link,
)
from bcdr_lint.model import Location, ParseError, Unresolved
from bcdr_lint.options import RunOptions

__all__ = ["SCHEMA_MARK", "ParameterLinks", "ParameterSet", "deployment_of", "find_links", "is_parameter_data",
           "linked_file", "parameter_sets", "shown_path", "template_link"]

_TEMPLATE_SUFFIXES = (".json", ".bicep")


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
    for name in folder_files(folder_real):
        real = os.path.join(folder_real, name)
        if real in taken or real == template_real:
            continue
        found = param_file(real)
        if found is None or not _deploys(found, name, folder_real, template_real, template_name):
            continue
        sets.append(_as_set(found, posixpath.join(folder_shown, name) if folder_shown else name))
    links = options.parameter_links
    if isinstance(links, ParameterLinks):
        for shown in links.elsewhere.get(os.path.normcase(template_real), ()):
            real = _real(shown)
            found = param_file(real)
            if real not in taken and found is not None:
                sets.append(_as_set(found, shown))
    return sets


def linked_file(link: str, folder: str) -> str | None:
    """The file a link names, resolved against ``folder``; None for a URL or an empty link."""
    path = _link_path(link)
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


@dataclass(frozen=True)
class ParameterLinks:
    """What the checked parameter files link, found once per run before any template is loaded.

    ``elsewhere`` maps a template (real path, case-folded as the file system compares) to the
    parameter files of other folders that link it; ``unchecked`` maps each JSON template that is
    not among the checked files to the checked JSON parameter files that deploy it. Paths other
    than keys of ``elsewhere`` are shown as discovery shows them.
    """

    elsewhere: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    unchecked: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def unchecked_template(self, params: str) -> tuple[str, tuple[str, ...]] | None:
        """(template, its checked parameter files) when ``params`` is the first of the files that
        deploy an unchecked template: that file's load reads the template, once."""
        return next(((template, files) for template, files in self.unchecked.items() if files[0] == params), None)


def find_links(paths: Iterable[str], options: RunOptions | None = None) -> ParameterLinks:
    """The links the parameter files among ``paths`` (JSON and ``.bicepparam`` files, as discovery
    shows them) make to their templates; a file given with ``--param-file`` is paired by that only."""
    taken = {_real(params) for _, params in (options or RunOptions()).param_files}
    elsewhere: dict[str, list[str]] = {}
    targets: dict[str, str] = {}
    checked = set()
    for shown in sorted(paths):
        real = _real(shown)
        if real.lower().endswith(".json"):
            checked.add(os.path.normcase(real))
        if real in taken:
            continue
        try:
            found = param_file(real)
        except Exception:  # noqa: BLE001 - the file's own loader reports what is wrong with it
            continue
        if found is None or found.problem is not None:
            continue
        folder = os.path.dirname(real)
        template = _template_of(found, os.path.basename(real), folder)
        if template is None:
            continue
        if os.path.normcase(os.path.dirname(template)) != os.path.normcase(folder):
            elsewhere.setdefault(os.path.normcase(_real(template)), []).append(shown)
        if template.lower().endswith(".json") and real.lower().endswith(".json"):
            targets[shown] = shown_path(template)
    unchecked: dict[str, list[str]] = {}
    for params, template in targets.items():
        if os.path.normcase(_real(template)) not in checked:
            unchecked.setdefault(template, []).append(params)
    return ParameterLinks({k: tuple(v) for k, v in elsewhere.items()}, {k: tuple(v) for k, v in unchecked.items()})


def _template_of(found: ParamFile, name: str, folder: str) -> str | None:
    """The existing template a parameter file deploys, by its link or, in its folder, by its name."""
    if found.link is not None:
        path = _link_path(found.link)
        named = os.path.join(folder, posixpath.basename(path)) if "://" in path else linked_file(found.link, folder)
        return named if named is not None and os.path.isfile(named) else None
    conventional = CONVENTIONAL.match(name)
    if conventional is None or not name.lower().endswith(".json"):
        return None
    # Beside a Bicep file, a JSON template of the same name is its build output (often git-ignored).
    for suffix in (".bicep", ".json"):
        candidate = os.path.join(folder, conventional.group("stem") + suffix)
        if os.path.isfile(candidate):
            return candidate
    return None


# -- pairing --------------------------------------------------------------------------------


def _deploys(found: ParamFile, name: str, folder: str, template_real: str, template_name: str) -> bool:
    if found.link is not None:
        path = _link_path(found.link)
        if "://" in path:
            # A URL: the template published from this folder has the same file name.
            return posixpath.basename(path).lower() == template_name
        named = linked_file(found.link, folder)
        return named is not None and os.path.normcase(named) == os.path.normcase(template_real)
    conventional = CONVENTIONAL.match(name)
    if conventional is None or not name.lower().endswith(".json"):
        return False
    stem, suffix = os.path.splitext(template_name)
    return suffix in _TEMPLATE_SUFFIXES and conventional.group("stem").lower() == stem


def deployment_of(params: str) -> ParameterSet:
    """The deployment a parameter file describes, read whatever its name or schema."""
    return _explicit_set(params)


def _explicit_set(params: str) -> ParameterSet:
    shown = shown_path(params)
    found = param_file(os.path.realpath(params), explicit=True)
    if found is None:
        problem = "it is not a deployment parameter file (no 'parameters' object)"
        return ParameterSet(shown, Location(shown, 1, 1), problem=problem,
                            errors=(ParseError(f"--param-file: {problem}", Location(shown, 1, 1)),))
    return _as_set(found, shown)


def _as_set(found: ParamFile, shown: str) -> ParameterSet:
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


def _link_path(link: str) -> str:
    """A link as a path: forward slashes, without a query string (a SAS token)."""
    return link.strip().replace("\\", "/").split("?", 1)[0]


def _real(path: str) -> str:
    return os.path.realpath(path)
