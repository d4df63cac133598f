"""Bicep (``.bicep``, ``.bicepparam``): the loader the engine calls once with every such file.

Files are parsed by bcdr-lint's own grammar (``bicep_syntax``), not the Bicep CLI. Each template
is deployed once per parameter set that deploys it (``bicep_params.deployments``: ``.bicepparam``
files by ``using``, JSON parameter files, ``--param-file``), each resource then carrying that
file as its ``deployment`` and ``@<parameter file>`` once in its key; or, without parameter
files, once with its defaults. A template that another checked template calls as a module and
that no parameter file deploys is deployed only through its callers, with their values
(``bicep_modules``). Values are evaluated statically (``bicep_eval``); bodies are handed to the
ARM resource builders as located JSON nodes (``bicep_nodes``), so every resource type modelled
for ARM is modelled for Bicep.

A file that does not parse is one BCDR001 at the line and column where it stops being Bicep;
every other file is still read.
"""

from __future__ import annotations

import os

from bcdr_lint.loaders.base import LoadResult
from bcdr_lint.loaders.bicep_instance import Context, Host, Instance
from bcdr_lint.loaders.bicep_modules import is_remote
from bcdr_lint.loaders.bicep_params import BicepParams, by_template, deployments, params_of, read_bicepparam
from bcdr_lint.loaders.bicep_template import Files, Template
from bcdr_lint.model import Location, Resource
from bcdr_lint.options import RunOptions

__all__ = ["load_files", "read_bicepparam"]


def load_files(paths: list[str], options: RunOptions | None = None) -> LoadResult:
    files = Files()
    host = Host(files)
    templates: dict[str, Template] = {}
    parameter_files: list[BicepParams] = []
    for path in paths:
        loaded = files.get(path)
        if not isinstance(loaded, Template):
            continue
        if path.lower().endswith(".bicepparam"):
            params = _parameter_file(loaded, host)
            if params is not None:
                parameter_files.append(params)
        else:
            templates.setdefault(os.path.realpath(loaded.path), loaded)
    for params in parameter_files:
        _add_used_template(params, files, host, templates)
    using_index = by_template(parameter_files, files)
    sets_of = {real: deployments(template, options, using_index) for real, template in templates.items()}
    roots = _roots(templates, sets_of, files)
    result = LoadResult()
    for real, template in templates.items():
        sets = sets_of[real]
        if not sets:
            if real in roots:
                result.resources.extend(_deploy(template, Context(f"bicep:{template.path}:", stack=(real,)), {}, host))
            continue
        for deployment in sets:
            context = Context(f"bicep:{template.path}@{deployment.path}:", deployment=deployment.location,
                              stack=(real,), unset=f"{deployment.path} does not set it")
            supplied = deployment.supplied(template.params.keys())
            result.resources.extend(_deploy(template, context, supplied, host))
            result.errors.extend(deployment.errors)
    result.errors = list(dict.fromkeys([*files.errors(), *host.errors(), *result.errors]))
    return result


def _deploy(template: Template, context: Context, supplied: dict, host: Host) -> list[Resource]:
    """One deployment's resources. A bug met while evaluating one template must not stop the
    others: it becomes BCDR001 at that template."""
    try:
        return list(Instance(template, supplied, context, host).emit())
    except RecursionError:
        host.problem("bcdr-lint could not evaluate this file: expressions nested too deeply",
                     Location(template.path, 1, 1))
    except Exception as exc:  # noqa: BLE001 - reported, never a traceback
        host.problem(_internal(exc), Location(template.path, 1, 1))
    return []


def _parameter_file(template: Template, host: Host) -> BicepParams | None:
    try:
        return params_of(template, host)
    except Exception as exc:  # noqa: BLE001 - reported, never a traceback
        host.problem(_internal(exc), Location(template.path, 1, 1))
        return None


def _internal(exc: Exception) -> str:
    return f"bcdr-lint could not evaluate this file (internal error {type(exc).__name__}: {exc}); please report it"


def _add_used_template(params: BicepParams, files: Files, host: Host, templates: dict[str, Template]) -> None:
    """The template a parameter file deploys is read even when it is not among the checked files."""
    if params.using is None or params.using_location is None:
        return
    target = files.beside(params.path, params.using)
    if not os.path.isfile(target):
        host.problem(f"the template {params.using} this file deploys is not found (looked for {target})",
                     params.using_location)
        return
    loaded = files.get(target)
    if isinstance(loaded, Template):
        templates.setdefault(os.path.realpath(loaded.path), loaded)


def _roots(templates: dict[str, Template], sets_of: dict[str, list], files: Files) -> set[str]:
    """The templates deployed with their defaults: those no parameter file deploys and no other
    template calls as a module; and, of templates that only call each other (a module cycle),
    the first, so that the cycle is reported rather than nothing deployed."""
    called: dict[str, set[str]] = {}
    for real, template in templates.items():
        called[real] = _modules_of(template, files)
    callers = {target for real, targets in called.items() for target in targets - {real}}
    roots = {real for real in templates if real not in callers and not sets_of[real]}
    reached = _reachable({real for real in templates if real not in callers or sets_of[real]}, called, files)
    for real in templates:  # in the order files were found
        if real not in reached and not sets_of[real]:
            roots.add(real)
            reached |= _reachable({real}, called, files)
    return roots


def _modules_of(template: Template, files: Files) -> set[str]:
    """Real paths of the local Bicep files ``template`` calls as modules."""
    return {
        os.path.realpath(files.beside(template.path, module.path))
        for module in template.modules.values()
        if not is_remote(module.path) and module.path.lower().endswith(".bicep")
    }


def _reachable(start: set[str], called: dict[str, set[str]], files: Files) -> set[str]:
    seen: set[str] = set()
    todo = list(start)
    while todo:
        real = todo.pop()
        if real in seen:
            continue
        seen.add(real)
        targets = called.get(real)
        if targets is None:
            loaded = files.get(real) if os.path.isfile(real) else None
            targets = called[real] = _modules_of(loaded, files) if isinstance(loaded, Template) else set()
        todo.extend(targets)
    return seen
