""".bicepparam files, and the deployments of a Bicep template.

``read_bicepparam`` reads one ``.bicepparam`` file on its own (``using`` and ``param x =
value``, evaluated with the file's own variables and imports, plus the values of the file it
``extends``, readable as ``base.x``) and touches nothing else; ``pairing`` calls it to pair
parameter files with templates.

A template's deployments are what ``pairing.parameter_sets`` finds (``--param-file``, JSON
parameter files by ``metadata.template`` or by name, ``.bicepparam`` files in the template's
folder), plus the ``.bicepparam`` files of other folders among the checked files whose
``using`` names the template (``params/prod.bicepparam`` with ``using '../main.bicep'``),
unless ``--param-file`` pairs the template explicitly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Iterable

from bcdr_lint.loaders.bicep_instance import Context, Host, Instance
from bcdr_lint.loaders.bicep_template import Files, Template
from bcdr_lint.loaders.pairing import ParameterSet, parameter_sets
from bcdr_lint.model import Location, ParseError
from bcdr_lint.options import RunOptions


@dataclass(frozen=True)
class BicepParams:
    """One ``.bicepparam`` file. ``values`` and ``value_locations`` are keyed by parameter name
    as written; ``using`` is the template as written (None for ``using none``, or no ``using``);
    ``location`` spans the file's statements; ``error`` is set when the file cannot be read."""

    path: str
    using: str | None = None
    using_location: Location | None = None
    location: Location | None = None
    values: dict[str, Any] = field(default_factory=dict)
    value_locations: dict[str, Location] = field(default_factory=dict)
    error: ParseError | None = None


def read_bicepparam(path: str) -> BicepParams:
    """The ``using`` target and parameter values of the ``.bicepparam`` file at ``path``."""
    files = Files()
    loaded = files.get(path)
    if isinstance(loaded, ParseError):
        return BicepParams(files.show(path), error=loaded)
    return params_of(loaded, Host(files))


def params_of(template: Template, host: Host, extending: tuple[str, ...] = ()) -> BicepParams:
    """The values of a parameter file, with those of the file it ``extends`` that it does not
    set itself (its own may read them as ``base.x``). Each file is read once per run;
    ``extending`` are the files that extend this one, to stop a cycle."""
    real = os.path.realpath(template.path)
    known = host.bicepparams.get(real)
    if known is not None:
        return known
    using = template.using
    statements = template.program.statements
    location = template.locate(statements[0].start, statements[-1].end) if statements else Location(template.path, 1, 1)
    values: dict[str, Any] = {}
    locations: dict[str, Location] = {}
    base = _base(template, host, (*extending, real))
    if base is not None:
        values.update(base.values)
        locations.update(base.value_locations)
    # A parameter file's `param x = value` is exactly a template parameter with a default.
    context = Context(prefix=f"bicepparam:{template.path}:", given={"base": dict(values)} if base else None)
    instance = Instance(template, {}, context, host)
    for name, param in template.params.items():
        if param.value is None:
            continue
        for inherited in [n for n in values if n.lower() == name.lower()]:
            del values[inherited], locations[inherited]
        values[name] = instance.parameter(name)
        locations[name] = template.locate(param.value.start, param.value.end)
    found = BicepParams(
        template.path,
        using.path if using is not None else None,
        template.locate(using.start, using.end) if using is not None else None,
        location,
        values,
        locations,
    )
    host.bicepparams[real] = found
    return found


def _base(template: Template, host: Host, extending: tuple[str, ...]) -> BicepParams | None:
    """The parameter file ``template`` extends, read; None when there is none or it cannot be."""
    extends = template.extends
    if extends is None:
        return None
    at = template.locate(extends.start, extends.end)
    target = host.files.beside(template.path, extends.path)
    if not os.path.isfile(target):
        host.problem(f"the parameter file {extends.path} this file extends is not found (looked for {target})", at)
        return None
    if os.path.realpath(target) in extending:
        host.problem(f"extends cycle: {extends.path} extends this file", at)
        return None
    loaded = host.files.get(target)
    if not isinstance(loaded, Template):
        return None  # its own parse error is reported at that file
    return params_of(loaded, host, extending)


def by_template(bicepparams: Iterable[BicepParams], files: Files) -> dict[str, list[BicepParams]]:
    """The readable ``.bicepparam`` files by the real path of the template their ``using`` names:
    built once per run, so pairing stays linear in templates plus parameter files."""
    index: dict[str, list[BicepParams]] = {}
    for params in bicepparams:
        if params.error is None and params.using is not None:
            index.setdefault(os.path.realpath(files.beside(params.path, params.using)), []).append(params)
    return index


def deployments(template: Template, options: RunOptions | None, using_index: dict[str, list[BicepParams]]
                ) -> list[ParameterSet]:
    """The parameter sets that deploy ``template``; [] means one deployment with its defaults.
    ``using_index`` is ``by_template`` of the run's ``.bicepparam`` files."""
    options = options or RunOptions()
    found = parameter_sets(template.path, options)
    real = os.path.realpath(template.path)
    if any(os.path.realpath(t) == real for t, _ in options.param_files):
        return found
    candidates = using_index.get(real, ())
    if not candidates:
        return found
    paired = {os.path.realpath(s.path) for s in found} | {os.path.realpath(p) for _, p in options.param_files}
    for params in candidates:
        if os.path.realpath(params.path) not in paired:
            found.append(as_parameter_set(params))
    return found


def as_parameter_set(params: BicepParams) -> ParameterSet:
    start = params.using_location or params.location or Location(params.path, 1, 1)
    return ParameterSet(
        params.path,
        params.location or start,
        {name.lower(): value for name, value in params.values.items()},
        {name.lower(): where for name, where in params.value_locations.items()},
    )
