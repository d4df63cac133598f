"""From recognised deploy commands and tasks to ``DeployStep``s: kube contexts a job sets up, and
template paths resolved as the model's files are shown.

A kube context is what ``az aks get-credentials`` (or ``azure/aks-set-context``) leaves behind:
later ``kubectl --context X`` and ``azure/k8s-deploy`` steps of the same job deploy to that
cluster. A context the job did not create is taken to be named after its cluster, which is what
``az aks get-credentials`` names it by default.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Protocol

from bcdr_lint.loaders.pipelines_commands import Assign, Found, Loop, events, recognise
from bcdr_lint.loaders.pipelines_text import ROOT, Resolver, substitute
from bcdr_lint.loaders.pipelines_yaml import YamlFiles, YMap
from bcdr_lint.model import Location, Unresolved
from bcdr_lint.model.pipeline import DeployStep

class ScriptResolver(Resolver, Protocol):
    """A resolver whose ``script`` holds the variables a script has assigned so far."""

    script: dict[str, str | Unresolved]


Target = tuple["str | Unresolved | None", "str | Unresolved | None"]  # (cluster, resource group)


@dataclass
class JobState:
    """What earlier steps of one job set up: kube contexts by name, and the current one."""

    contexts: dict[str, Target] = field(default_factory=dict)
    current: Target | None = None

    def use(self, context: str | Unresolved) -> Target:
        if isinstance(context, Unresolved):
            return context, None
        return self.contexts.get(context.lower(), (context, None))

    def created(self, target: Target, context: str | Unresolved | None) -> None:
        name = context if context is not None else target[0]
        if isinstance(name, str):
            self.contexts[name.lower()] = target
        self.current = target


@dataclass(frozen=True)
class Paths:
    """Where relative paths of one pipeline start: ``root`` is the checkout folder as the
    model's files show it ("" for the current folder)."""

    root: str
    files: YamlFiles

    def resolve(self, written: str, working_dir: str | Unresolved | None = None) -> str | Unresolved:
        """``written`` (a path in a step) as the model shows it; relative paths start at the
        step's working directory, itself relative to the checkout folder."""
        if isinstance(working_dir, Unresolved):
            return working_dir
        written = written.replace("\\", "/")
        if written.startswith(ROOT):
            joined = posixpath.join(self.root, written[len(ROOT):].lstrip("/"))
        elif posixpath.isabs(written):
            joined = written
        else:
            base = self.resolve(working_dir) if working_dir else self.root
            joined = posixpath.join(str(base), written)
        shown = posixpath.normpath(joined) if joined else "."
        if shown == ".." or shown.startswith("../"):
            return Path(shown).resolve().as_posix()  # as discovery shows files outside the current folder
        return shown


def step_from(found: Found, location: Location, state: JobState, paths: Paths,
              working_dir: str | Unresolved | None) -> DeployStep | None:
    """The DeployStep a recognised command makes, updating the job's kube contexts."""
    if found.template is not None:
        return template_step(found.how, found.template, location, paths, working_dir, found.parameters)
    if found.folder is not None:
        return _folder_step(found, location, paths, working_dir)
    if found.cluster is not None:
        target: Target = (found.cluster, found.resource_group)
        state.created(target, found.context)
    elif found.context is not None:
        target = state.use(found.context)
        if found.how.startswith("kubectl config"):
            state.current = target
    else:
        return None
    return DeployStep(location, found.how, cluster=_located(target[0], location),
                      resource_group=_located(target[1], location))


def template_step(how: str, written: str | Unresolved, location: Location, paths: Paths,
                  working_dir: str | Unresolved | None, parameters: tuple[str | Unresolved, ...] = ()) -> DeployStep:
    if isinstance(written, str) and written.strip():
        resolved = paths.resolve(written.strip(), working_dir)
        if isinstance(resolved, str):
            files = [paths.resolve(p, working_dir) if isinstance(p, str) else p for p in parameters]
            # A parameter file the step computes may be any: then any deployment of the template.
            known = () if any(isinstance(f, Unresolved) for f in files) else tuple(str(f) for f in files)
            return DeployStep(location, how, template=resolved, parameters=known)
        written = resolved
    if not isinstance(written, Unresolved):
        written = Unresolved(how, "no template file is named")
    return DeployStep(location, how, cluster=_located(written, location))


def _folder_step(found: Found, location: Location, paths: Paths, working_dir: str | Unresolved | None) -> DeployStep:
    if isinstance(found.tool_dir, Unresolved):
        folder: str | Unresolved = found.tool_dir
    else:
        folder = paths.resolve(found.tool_dir or ".", working_dir)
    if isinstance(folder, Unresolved):
        return DeployStep(location, found.how, cluster=_located(folder, location))
    if found.how.startswith("azd"):
        folder = _azd_infra(folder, paths)
    return DeployStep(location, found.how, template=folder)


def _azd_infra(folder: str, paths: Paths) -> str:
    """The folder ``azd`` provisions: ``infra.path`` of the project's ``azure.yaml`` (found in the
    folder or above it, as azd looks for it), ``infra`` by default."""
    current = folder
    while True:
        for name in ("azure.yaml", "azure.yml"):
            candidate = posixpath.join(current, name) if current != "." else name
            if Path(candidate).is_file():
                project, _error = paths.files.read(candidate)
                infra = project.get("infra") if isinstance(project, YMap) else None
                written = infra.get("path") if isinstance(infra, YMap) else None
                return posixpath.normpath(posixpath.join(current, written if isinstance(written, str) else "infra"))
        parent = posixpath.dirname(current) if current not in (".", "") else None
        if parent is None or parent == current or current == (paths.root or "."):
            return posixpath.normpath(posixpath.join(folder, "infra"))
        current = parent or "."


def _located(value: str | Unresolved | None, location: Location) -> str | Unresolved | None:
    """An unresolved target is reported at the step that deploys to it."""
    if isinstance(value, Unresolved):
        return Unresolved(value.expression, value.reason, location)
    if isinstance(value, str):
        return str(value)  # plain text: the positioned YStr is the loader's business
    return value


@dataclass
class ScriptResult:
    """What one script step deploys, and the values it sets for later steps."""

    steps: list[DeployStep] = field(default_factory=list)
    env: dict[str, str | Unresolved] = field(default_factory=dict)  # `>> $GITHUB_ENV`
    variables: dict[str, str | Unresolved] = field(default_factory=dict)  # `##vso[task.setvariable]`


def scan_script(script: str, resolver: "ScriptResolver", location: Location, state: JobState,
                paths: Paths, working_dir: str | Unresolved | None) -> ScriptResult:
    """The deploy commands of a script, read with ``resolver`` (whose ``script`` variables the
    script's own assignments fill as it goes)."""
    result = ScriptResult()

    def value(word: str) -> str | Unresolved:
        return substitute(word, resolver, shell=True, location=location)

    where: list[str | Unresolved | None] = [working_dir]  # `cd` in the script moves it

    def read(items: Iterable) -> None:
        for event in items:
            if isinstance(event, list) and event[0] in ("cd", "pushd", "Set-Location") and len(event) == 2:
                where[0] = _moved(where[0], value(event[1]))
                continue
            if isinstance(event, Loop):
                for item in _loop_items(event, value, location):
                    resolver.script[event.name] = item
                    read(event.body)
                continue
            if isinstance(event, Assign):
                assigned = value(event.value)
                resolver.script[event.name] = assigned
                if event.scope == "env":
                    result.env[event.name] = assigned
                elif event.scope == "variable":
                    result.variables[event.name] = assigned
                continue
            found = recognise(event, value)
            if found is not None:
                made = step_from(found, location, state, paths, where[0])
                if made is not None:
                    result.steps.append(made)

    read(events(script))
    return result


def _moved(current: str | Unresolved | None, target: str | Unresolved) -> str | Unresolved | None:
    """The working directory after ``cd target``, relative to the checkout folder like ``current``."""
    if isinstance(current, Unresolved) or isinstance(target, Unresolved):
        return current if isinstance(current, Unresolved) else target
    target = target.replace("\\", "/")
    if target.startswith(ROOT) or posixpath.isabs(target):
        return target
    if target in ("-", "~") or target.startswith("~/"):
        return Unresolved(f"cd {target}", "a folder outside the checkout, known only when the script runs")
    return posixpath.normpath(posixpath.join(current or "", target))


def _loop_items(loop: Loop, value, location: Location) -> list[str | Unresolved]:
    """What a ``for`` loop's variable takes, in order: written words, and the words a variable
    holds (split as the shell splits them); an item computed when the script runs is unresolved."""
    if loop.words is None:
        return [Unresolved(f"${loop.name}", "a loop variable the script computes when it runs", location)]
    items: list[str | Unresolved] = []
    for word in loop.words:
        found = value(word)
        if isinstance(found, Unresolved):
            items.append(found)
        elif "$" in word:
            items.extend(found.split())
        else:
            items.append(found)
    return items
