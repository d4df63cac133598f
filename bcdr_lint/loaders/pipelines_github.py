"""GitHub Actions workflows -> the steps that deploy to AKS clusters.

Each job is walked once per entry of its ``strategy.matrix`` (``include``/``exclude`` applied as
GitHub applies them), with ``env`` of the workflow, job and step, ``with:`` inputs, and what
earlier steps of the job set up (a kube context, ``>> $GITHUB_ENV``). A job calling a reusable
workflow of the same repository (``uses: ./.github/workflows/x.yml``) is walked into it with the
``with:`` values as ``inputs``; a workflow that can only be called that way deploys through its
callers, not on its own. A composite action of the repository (``uses: ./.github/actions/x``) is
walked the same way, its steps part of the calling job. ``vars``, ``secrets`` and step outputs
are unresolved. An action or reusable workflow that is not read (another repository's, a
JavaScript or container action) is a deploy step only when it is given a cluster input
(``cluster-name``, ``kube-context``, ...): its target is then unresolved, with the cluster it is
given as ``DeployStep.maybe``. A matrix beyond GitHub's 256 jobs is reported, not expanded.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from bcdr_lint.loaders.pipelines_commands import Found, parameter_files
from bcdr_lint.loaders.pipelines_expr import Contexts, evaluate
from bcdr_lint.loaders.pipelines_github_matrix import matrix_entries
from bcdr_lint.loaders.pipelines_steps import JobState, Paths, scan_script, step_from, template_step
from bcdr_lint.loaders.pipelines_text import ROOT, Placeholders, substitute, whole_value
from bcdr_lint.loaders.pipelines_yaml import YList, YMap
from bcdr_lint.model import Location, ParseError, Unresolved
from bcdr_lint.model.pipeline import DeployStep

_MAX_CALL_DEPTH = 10  # GitHub allows ten levels of nested reusable workflows

_REASONS = {
    "secrets": "a secret, known only when the workflow runs",
    "vars": "a configuration variable (`vars`), set in the repository, environment or organization settings",
    "steps": "an output of an earlier step, known only when the workflow runs",
    "needs": "an output of another job, known only when the workflow runs",
    "jobs": "an output of another job, known only when the workflow runs",
    "github": "a property of the run (`github` context), known only when the workflow runs",
    "runner": "a property of the runner, known only when the workflow runs",
    "job": "a property of the job, known only when the workflow runs",
    "strategy": "a property of the job's strategy, known only when the workflow runs",
    "inputs": "an input given when the workflow is started",
    "env": "not set in the workflow (an earlier step may set it when the workflow runs)",
    "matrix": "not a value of the job's matrix",
}


def _missing(path: str) -> str | None:
    root = path.split(".", 1)[0].split("[", 1)[0].lower()
    if root in ("matrix", "inputs") and root != path.lower():
        return None  # a property the known matrix or inputs lack is null, as GitHub reads it
    return _REASONS.get(root)


@dataclass
class _Resolver:
    placeholders: Placeholders
    values: dict[str, Any]
    env: dict[str, Any] = field(default_factory=dict)
    script: dict[str, Any] = field(default_factory=dict)

    def expression(self, inner: str) -> Any:
        return evaluate(inner, Contexts(self.values, _missing))

    def macro(self, name: str) -> Any:
        return None  # `$( )` in a run script is a shell command substitution

    def shell(self, name: str) -> Any:
        if name in self.script:
            return self.script[name]
        if name in self.env:
            return self.env[name]
        if name == "GITHUB_WORKSPACE":
            return ROOT
        return None

    def text(self, value: Any, location: Location | None = None) -> Any:
        return substitute(value, self, location=location) if isinstance(value, str) else value


@dataclass
class GitHubWorkflow:
    """One workflow file and what reading it found."""

    paths: Paths
    placeholders: Placeholders = field(default_factory=Placeholders)
    errors: list[ParseError] = field(default_factory=list)

    def steps(self, doc: YMap) -> list[DeployStep]:
        if _only_called(doc):
            return []  # deploys through its callers, with their inputs
        found = self._workflow(doc, _Resolver(self.placeholders, {"github": {"workspace": ROOT}}), ())
        return list(dict.fromkeys(found))  # one per matrix entry that differs

    def _workflow(self, doc: YMap, outer: _Resolver, calls: tuple[str, ...]) -> Iterator[DeployStep]:
        env = _env_layer(doc.get("env"), outer, {})
        defaults = _working_dir(doc)
        jobs = doc.get("jobs")
        if not isinstance(jobs, YMap):
            return
        for job in jobs.values():
            if isinstance(job, YMap):
                yield from self._job(job, outer, env, defaults, calls)

    def _job(self, job: YMap, outer: _Resolver, env: dict, defaults: str | None,
             calls: tuple[str, ...]) -> Iterator[DeployStep]:
        strategy = job.get("strategy")
        matrix = strategy.get("matrix") if isinstance(strategy, YMap) else None
        entries, problem = matrix_entries(matrix, outer) if matrix is not None else ([None], None)
        if problem is not None:
            self.errors.append(ParseError(problem, strategy.at("matrix")))
        for entry in entries:
            values = dict(outer.values)
            if entry is not None:
                values["matrix"] = entry
            resolver = _Resolver(self.placeholders, values)
            job_env = _env_layer(job.get("env"), resolver, env)
            if isinstance(job.get("uses"), str):
                yield from self._call(job, resolver, calls)
                continue
            yield from self._steps(job, resolver, job_env, _working_dir(job) or defaults)

    def _steps(self, job: YMap, resolver: _Resolver, env: dict, default_wd: str | None) -> Iterator[DeployStep]:
        yield from self._step_list(job.get("steps"), resolver, env, default_wd, _Job(JobState(), {}))

    def _step_list(self, steps: Any, resolver: _Resolver, env: dict, default_wd: str | None,
                   job: "_Job", actions: tuple[str, ...] = ()) -> Iterator[DeployStep]:
        """Steps of a job or of a composite action (``actions``: the composite actions walked into)."""
        state, runtime_env = job.state, job.env
        for step in steps if isinstance(steps, YList) else ():
            if not isinstance(step, YMap):
                continue
            here = _Resolver(self.placeholders, resolver.values)
            here.env = _env_layer(step.get("env"), here, {**env, **runtime_env})
            here.values = {**resolver.values, "env": here.env}
            uses = step.get("uses")
            if isinstance(uses, str):
                if uses.startswith("./"):
                    yield from self._local_action(uses, step, here, job, actions)
                else:
                    yield from self._action(uses, step, here, state, None)  # actions start at the checkout
            run = step.get("run")
            if isinstance(run, str):
                written_wd = step.get("working-directory") or default_wd
                wd = here.text(written_wd, step.loc) if written_wd else None
                result = scan_script(run, here, step.loc, state, self.paths, wd)
                runtime_env.update(result.env)
                yield from result.steps

    def _action(self, uses: str, step: YMap, resolver: _Resolver, state: JobState, wd: Any) -> Iterator[DeployStep]:
        action = uses.split("@", 1)[0].strip().lower()
        given = step.get("with")
        inputs = given if isinstance(given, YMap) else YMap(step.loc)

        def arg(name: str) -> Any:
            value = inputs.get(name)
            if value is None:
                return None
            return resolver.text(str(value) if not isinstance(value, str) else value, step.loc)

        here = step.loc
        if action == "azure/aks-set-context":
            cluster = arg("cluster-name") or Unresolved(uses, "no cluster-name input")
            made = step_from(Found(uses.split("@")[0], cluster=cluster, resource_group=arg("resource-group")),
                             here, state, self.paths, wd)
        elif action == "azure/k8s-set-context":
            context = arg("context") or Unresolved(uses, "credentials from a kubeconfig or service account secret: "
                                                         "the cluster they reach is not in the workflow")
            made = step_from(Found(uses.split("@")[0], context=context), here, state, self.paths, wd)
            state.current = (made.cluster, made.resource_group) if made is not None else None
        elif action == "azure/k8s-deploy":
            cluster, group = state.current or (Unresolved(uses, "no cluster context is set earlier in the job"), None)
            # A fresh state: deploying does not create a context of its own.
            made = step_from(Found(uses.split("@")[0], cluster=cluster, resource_group=group), here, JobState(),
                             self.paths, wd)
        elif action in ("azure/arm-deploy", "azure/bicep-deploy"):
            written = arg("template") if action == "azure/arm-deploy" else arg("template-file")
            if written is None or (isinstance(written, str) and "://" in written):
                return  # a template at a URL: nothing the model holds
            given = arg("parameters") if action == "azure/arm-deploy" else arg("parameters-file")
            made = template_step(uses.split("@")[0], written, here, self.paths, wd,
                                 parameter_files([given]) if given is not None else ())
        elif action in ("azure/cli", "azure/powershell"):
            script = inputs.get("inlineScript")
            if isinstance(script, str):
                yield from scan_script(script, resolver, here, state, self.paths, wd).steps
            return
        else:
            made = unread_target(uses.split("@")[0], uses, inputs, resolver, here,
                                 "an action bcdr-lint does not read")
        if made is not None:
            yield made

    def _local_action(self, uses: str, step: YMap, resolver: _Resolver, job: "_Job",
                      actions: tuple[str, ...]) -> Iterator[DeployStep]:
        """An action of this repository: a composite action's steps run in the job, with the
        step's ``with:`` as ``inputs``; another kind is a program bcdr-lint does not read."""
        given = step.get("with")
        inputs = given if isinstance(given, YMap) else YMap(step.loc)
        folder = self.paths.resolve(uses.split("@", 1)[0])
        found = next((f"{folder}/{n}" for n in ("action.yml", "action.yaml") if Path(f"{folder}/{n}").is_file()), None)
        if found is None:
            made = unread_target(uses, uses, inputs, resolver, step.loc,
                                 "an action whose action.yml is not among the checked files")
            yield from (made,) if made is not None else ()
            return
        doc, error = self.paths.files.read(found)
        runs = doc.get("runs") if isinstance(doc, YMap) else None
        if error is not None or not isinstance(runs, YMap):
            detail = f": {error.message} ({error.location})" if error else ": it has no `runs`"
            self.errors.append(ParseError(f"action {uses} cannot be read{detail}", step.at("uses")))
            return
        if str(runs.get("using", "")).lower() != "composite":
            made = unread_target(uses, uses, inputs, resolver, step.loc,
                                 "a JavaScript or container action, which bcdr-lint does not read")
            yield from (made,) if made is not None else ()
            return
        if found in actions or len(actions) >= _MAX_CALL_DEPTH:
            self.errors.append(ParseError(f"composite action {uses} calls itself, or nests too deeply", step.at("uses")))
            return
        values = {name: resolver.text(spec.get("default")) for name, spec in _mapping(doc.get("inputs")).items()
                  if isinstance(spec, YMap) and spec.get("default") is not None}
        for name, value in inputs.items():
            values[str(name)] = whole_value(value, resolver) if isinstance(value, str) else value
        inner = _Resolver(self.placeholders, {**resolver.values, "inputs": values})
        yield from self._step_list(runs.get("steps"), inner, resolver.env, None, job, (*actions, found))

    def _call(self, job: YMap, resolver: _Resolver, calls: tuple[str, ...]) -> Iterator[DeployStep]:
        """A job that runs a reusable workflow of this repository, with its ``with:`` as inputs."""
        uses = str(job.get("uses"))
        if not uses.startswith("./"):
            given = job.get("with")
            made = unread_target("reusable workflow", uses, given if isinstance(given, YMap) else YMap(job.loc),
                                 resolver, job.at("uses"), "a reusable workflow in another repository, which "
                                 "bcdr-lint does not read")
            yield from (made,) if made is not None else ()
            return
        path = self.paths.resolve(uses.split("@", 1)[0])
        if not isinstance(path, str):
            return
        if path in calls or len(calls) >= _MAX_CALL_DEPTH:
            self.errors.append(ParseError(f"reusable workflow {uses} calls itself, or nests too deeply", job.at("uses")))
            return
        doc, error = self.paths.files.read(path)
        if error is not None or not isinstance(doc, YMap):
            message = f"reusable workflow {uses} cannot be read" + (f": {error.message} ({error.location})" if error else "")
            self.errors.append(ParseError(message, job.at("uses")))
            return
        given = job.get("with")
        inputs: dict[str, Any] = {}
        for name, spec in _declared_inputs(doc).items():
            default = spec.get("default") if isinstance(spec, YMap) else None
            if default is not None:
                inputs[name] = resolver.text(default)
        for name, value in (given.items() if isinstance(given, YMap) else ()):
            inputs[str(name)] = whole_value(value, resolver) if isinstance(value, str) else value
        callee = _Resolver(self.placeholders, {"github": {"workspace": ROOT}, "inputs": inputs})
        yield from self._workflow(doc, callee, (*calls, path))


@dataclass
class _Job:
    """What the steps of one job share, composite actions' steps included: kube contexts, and
    the variables written to ``$GITHUB_ENV``."""

    state: JobState
    env: dict[str, Any]


# Inputs that name where a step deploys: cluster-name, aks_cluster, kube-context, kubeconfig.
_TARGET_INPUT = re.compile(r"cluster|(?:kube|k8s)[-_]?(?:config|context)|(?:^|[-_])aks(?:[-_]|$)", re.I)
_GROUP_INPUT = re.compile(r"resource[-_]?group", re.I)


def unread_target(how: str, uses: str, inputs: YMap, resolver: _Resolver, where: Location,
                  reason: str) -> DeployStep | None:
    """A step bcdr-lint cannot read that is given a cluster: it may deploy there (an action given
    no cluster input, such as a build or a scan, is not a deploy step)."""
    key = next((k for k in inputs if isinstance(k, str) and _TARGET_INPUT.search(k)), None)
    if key is None:
        return None
    value = inputs[key]
    given = resolver.text(value if isinstance(value, str) else str(value), where)
    group_key = next((k for k in inputs if isinstance(k, str) and _GROUP_INPUT.search(k)), None)
    group = resolver.text(str(inputs[group_key]), where) if group_key is not None else None
    shown = given if isinstance(given, str) else resolver.placeholders.restore(given.expression)
    return DeployStep(
        where, how,
        cluster=Unresolved(uses, f"{reason}; it is given {key} `{shown}` and may deploy there", where),
        resource_group=group if isinstance(group, str) else None,
        maybe=given if isinstance(given, str) else None,
    )


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _env_layer(env: Any, resolver: _Resolver, below: dict) -> dict:
    """``below`` with the variables of one ``env:`` mapping added, their expressions evaluated."""
    out = dict(below)
    if not isinstance(env, YMap):
        return out
    scoped = _Resolver(resolver.placeholders, {**resolver.values, "env": out})
    for name, value in env.items():
        out[str(name)] = scoped.text(value) if isinstance(value, str) else _scalar(value)
    return out


def _scalar(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if value is None else str(value)


def _working_dir(block: YMap) -> str | None:
    defaults = block.get("defaults")
    run = defaults.get("run") if isinstance(defaults, YMap) else None
    found = run.get("working-directory") if isinstance(run, YMap) else None
    return found if isinstance(found, str) else None


def _triggers(doc: YMap) -> Any:
    # YAML 1.1 reads an unquoted `on:` key as the boolean true.
    return doc.get("on", doc.get(True))


def _only_called(doc: YMap) -> bool:
    on = _triggers(doc)
    if isinstance(on, str):
        return on == "workflow_call"
    if isinstance(on, list):
        return list(on) == ["workflow_call"]
    if isinstance(on, dict):
        return list(on) == ["workflow_call"]
    return False


def _declared_inputs(doc: YMap) -> dict:
    on = _triggers(doc)
    call = on.get("workflow_call") if isinstance(on, dict) else None
    inputs = call.get("inputs") if isinstance(call, dict) else None
    return inputs if isinstance(inputs, dict) else {}


def repository_root(path: str) -> str:
    """The folder holding ``.github``: where a workflow's steps start."""
    parts = path.split("/")
    lowered = [p.lower() for p in parts]
    for index in range(len(parts) - 2, -1, -1):
        if lowered[index] == ".github":
            # "/".join keeps an absolute path's leading "/" (posixpath.join(*parts) would drop it).
            return "/".join(parts[:index])
    return posixpath.dirname(path)
