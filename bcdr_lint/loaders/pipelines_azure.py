"""Azure Pipelines -> the steps that deploy to AKS clusters.

The pipeline is expanded as Azure DevOps compiles it (``pipelines_azure_expand``), then walked:
stages, jobs (a ``strategy.matrix`` entry is a job of its own, with the entry's variables),
deployment jobs' lifecycle hooks, and steps. ``$(macros)`` are filled in from the variables of
the pipeline, stage, job and matrix entry (map and list forms, variable templates) and from what
earlier steps set with ``task.setvariable``; a variable that is not written in the YAML — from a
variable group, the pipeline's settings, or queue time — is unresolved. Relative paths start at
the pipeline's folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from bcdr_lint.loaders.pipelines_azure_expand import Expander
from bcdr_lint.loaders.pipelines_commands import Found, parameter_files
from bcdr_lint.loaders.pipelines_steps import JobState, Paths, scan_script, step_from, template_step
from bcdr_lint.loaders.pipelines_text import ROOT, Placeholders, substitute
from bcdr_lint.loaders.pipelines_yaml import YList, YMap
from bcdr_lint.model import Location, Unresolved
from bcdr_lint.model.pipeline import DeployStep

# Predefined variables naming the checkout folder, where relative paths start.
_CHECKOUT = frozenset({"system.defaultworkingdirectory", "build.sourcesdirectory", "build.repository.localpath"})
_PREDEFINED = ("agent.", "build.", "environment.", "pipeline.", "release.", "resources.", "strategy.", "system.", "task.")
_HOOKS = ("preDeploy", "deploy", "routeTraffic", "postRouteTraffic")
_SCRIPT_KEYS = ("script", "bash", "pwsh", "powershell")
_MAX_MACRO_DEPTH = 10


@dataclass
class Variables:
    """Variables of one level (pipeline, stage, job, matrix entry), names ignoring case."""

    values: dict[str, Any] = field(default_factory=dict)
    parent: "Variables | None" = None
    groups: tuple[str, ...] = ()
    unknown: Unresolved | None = None  # a matrix computed at run time may set any variable

    def child(self) -> "Variables":
        return Variables(parent=self)

    def lookup(self, name: str) -> Any:
        scope: Variables | None = self
        while scope is not None:
            if name.lower() in scope.values:
                return scope.values[name.lower()]
            if scope.unknown is not None:
                return scope.unknown
            scope = scope.parent
        return None

    def by_env_name(self, name: str) -> Any:
        """A variable as scripts see it: upper case, ``.`` as ``_``."""
        scope: Variables | None = self
        wanted = name.upper()
        while scope is not None:
            for key, value in scope.values.items():
                if key.upper().replace(".", "_") == wanted:
                    return value
            scope = scope.parent
        return None

    def all_groups(self) -> tuple[str, ...]:
        scope, found = self, []
        while scope is not None:
            found.extend(scope.groups)
            scope = scope.parent
        return tuple(found)


@dataclass
class _Resolver:
    placeholders: Placeholders
    variables: Variables
    env: dict[str, Any] = field(default_factory=dict)
    script: dict[str, Any] = field(default_factory=dict)
    depth: int = 0

    def expression(self, inner: str) -> Any:
        # Compile-time expressions were expanded; what is left could not be.
        return Unresolved(f"${{{{{inner}}}}}", "an expression bcdr-lint does not evaluate")

    def macro(self, name: str) -> Any:
        lowered = name.lower()
        if lowered in _CHECKOUT:
            return ROOT
        value = self.variables.lookup(name)
        if value is None:
            if lowered.startswith(_PREDEFINED):
                return Unresolved(f"$({name})", "a predefined variable, set when the pipeline runs")
            groups = self.variables.all_groups()
            where = f"variable group {', '.join(groups)}, " if groups else "a variable group, "
            return Unresolved(f"$({name})", f"not defined in the pipeline's YAML (set in {where}the pipeline's "
                                            "settings or at queue time)")
        if isinstance(value, str) and "$" in value:
            if self.depth >= _MAX_MACRO_DEPTH:
                return Unresolved(f"$({name})", "variables refer to each other in a cycle")
            inner = _Resolver(self.placeholders, self.variables, depth=self.depth + 1)
            result = substitute(value, inner)
            if isinstance(result, Unresolved) and not result.reason.startswith(("$(", "$[", "${{")):
                # Say what the variable holds: `$(picked)` is `$[ variables['x'] ]`, a runtime expression.
                return Unresolved(result.expression, f"{result.expression}: {result.reason}")
            return result
        return value

    def shell(self, name: str) -> Any:
        if name in self.script:
            return self.script[name]
        if name in self.env:
            return self.env[name]
        if name.upper() in ("SYSTEM_DEFAULTWORKINGDIRECTORY", "BUILD_SOURCESDIRECTORY", "BUILD_REPOSITORY_LOCALPATH"):
            return ROOT
        value = self.variables.by_env_name(name)
        if isinstance(value, str) and "$" in value:
            return substitute(value, _Resolver(self.placeholders, self.variables, depth=self.depth + 1))
        return value

    def text(self, value: Any, location: Location | None = None) -> Any:
        if isinstance(value, bool):
            return "true" if value else "false"
        if value is None or isinstance(value, (dict, list)):
            return None
        return substitute(str(value), self, location=location)


@dataclass
class AzurePipeline:
    """One Azure Pipelines file: its expansion and what it deploys."""

    expander: Expander
    paths: Paths
    steps_found: list[DeployStep] = field(default_factory=list)

    @property
    def placeholders(self) -> Placeholders:
        return self.expander.placeholders

    def walk(self, doc: YMap) -> list[DeployStep]:
        expanded, _ = self.expander.document(doc, None)
        variables = Variables()
        chain: tuple[str, ...] = (doc.loc.path,)
        body = expanded
        self._variables(body.get("variables"), variables, chain)
        extends = body.get("extends")
        if isinstance(extends, YMap) and "template" in extends:
            included, chain = self.expander.include(extends, chain)
            if included is None:
                self._foreign(extends)
                return list(dict.fromkeys(self.steps_found))
            body = included
            self._variables(body.get("variables"), variables, chain)
        if isinstance(body.get("stages"), YList):
            for stage, at in self._items(body["stages"], "stages", chain):
                self._stage(stage, variables, at)
        elif isinstance(body.get("jobs"), YList):
            self._jobs(body["jobs"], variables, chain)
        elif isinstance(body.get("steps"), YList):
            self._job(body, variables, chain)
        return list(dict.fromkeys(self.steps_found))

    def _items(self, items: YList, kind: str, chain: tuple[str, ...]) -> Iterator[tuple[YMap, tuple[str, ...]]]:
        """The items of a stages/jobs/steps list, templates replaced by their content."""
        for item in items:
            if not isinstance(item, YMap):
                continue
            if "template" in item and kind != "variables":
                included, inner = self.expander.include(item, chain)
                if included is None:
                    self._foreign(item)
                    continue
                content = included.get(kind)
                if isinstance(content, YList):
                    yield from self._items(content, kind, inner)
                continue
            yield item, chain

    def _foreign(self, item: YMap) -> None:
        """A template in another repository: whatever it deploys is unknown."""
        written = item.get("template")
        if isinstance(written, str) and "@" in written:
            self.steps_found.append(DeployStep(item.loc, "template", cluster=Unresolved(
                str(written), "a template in another repository, which bcdr-lint does not read", item.at("template"))))

    def _variables(self, block: Any, scope: Variables, chain: tuple[str, ...]) -> None:
        if isinstance(block, dict):
            for name, value in block.items():
                scope.values[str(name).lower()] = value
            return
        for item in block if isinstance(block, list) else ():
            if not isinstance(item, YMap):
                continue
            if isinstance(item.get("name"), str):
                scope.values[str(item["name"]).lower()] = item.get("value")
            elif "group" in item:
                scope.groups = (*scope.groups, str(item.get("group")))
            elif "template" in item:
                included, inner = self.expander.include(item, chain)
                if included is not None:
                    self._variables(included.get("variables"), scope, inner)

    def _stage(self, stage: YMap, outer: Variables, chain: tuple[str, ...]) -> None:
        scope = outer.child()
        self._variables(stage.get("variables"), scope, chain)
        jobs = stage.get("jobs")
        if isinstance(jobs, YList):
            self._jobs(jobs, scope, chain)

    def _jobs(self, jobs: YList, outer: Variables, chain: tuple[str, ...]) -> None:
        for job, at in self._items(jobs, "jobs", chain):
            self._job(job, outer, at)

    def _job(self, job: YMap, outer: Variables, chain: tuple[str, ...]) -> None:
        scope = outer.child()
        self._variables(job.get("variables"), scope, chain)
        strategy = job.get("strategy")
        matrix = strategy.get("matrix") if isinstance(strategy, YMap) else None
        environment = _environment(job.get("environment"))
        for entry in _matrix(matrix, scope, self.placeholders):
            steps = job.get("steps")
            if isinstance(steps, YList):
                self._steps(steps, entry, chain, environment)
            for hooks in (strategy.get(k) for k in ("runOnce", "rolling", "canary")) if isinstance(strategy, YMap) else ():
                self._hooks(hooks, entry, chain, environment)

    def _hooks(self, hooks: Any, scope: Variables, chain: tuple[str, ...], environment: str | None) -> None:
        if not isinstance(hooks, YMap):
            return
        state = JobState()
        for name in _HOOKS:
            hook = hooks.get(name)
            if isinstance(hook, YMap) and isinstance(hook.get("steps"), YList):
                self._steps(hook["steps"], scope, chain, environment, state)
        on = hooks.get("on")
        for name in ("failure", "success"):
            hook = on.get(name) if isinstance(on, YMap) else None
            if isinstance(hook, YMap) and isinstance(hook.get("steps"), YList):
                self._steps(hook["steps"], scope, chain, environment, state)

    def _steps(self, steps: YList, scope: Variables, chain: tuple[str, ...], environment: str | None,
               state: JobState | None = None) -> None:
        state = state or JobState()
        runtime = scope.child()  # what `task.setvariable` sets for the steps after it
        for step, _ in self._items(steps, "steps", chain):
            resolver = _Resolver(self.placeholders, runtime)
            env = step.get("env")
            if isinstance(env, YMap):
                resolver.env = {str(k): resolver.text(v) for k, v in env.items()}
            inputs = step.get("inputs") if isinstance(step.get("inputs"), YMap) else YMap(step.loc)
            written_wd = step.get("workingDirectory") or inputs.get("workingDirectory")
            wd = resolver.text(written_wd, step.loc) if written_wd else None
            script = next((step[k] for k in _SCRIPT_KEYS if isinstance(step.get(k), str)), None)
            if isinstance(step.get("task"), str):
                script = self._task(step, inputs, resolver, state, wd, environment)
            if isinstance(script, str):
                result = scan_script(script, resolver, step.loc, state, self.paths, wd)
                self.steps_found.extend(result.steps)
                for name, value in result.variables.items():
                    runtime.values[name.lower()] = value

    def _task(self, step: YMap, inputs: YMap, resolver: _Resolver, state: JobState, wd: Any,
              environment: str | None) -> str | None:
        """Adds what a task deploys; returns its inline script, if it runs one."""
        written = str(step["task"]).strip()
        name = written.split("@", 1)[0].lower()
        here = step.loc

        def raw(key: str) -> Any:
            return next((v for k, v in inputs.items() if str(k).lower() == key.lower()), None)

        def arg(*names: str) -> Any:
            for key in names:
                found = raw(key)
                if found is not None:
                    return resolver.text(found, here)
            return None

        # A script is returned as written: its macros are filled in word by word as it is read,
        # so one unknown macro (an echo of $(Build.BuildId)) does not hide its deploy commands.
        if name in ("bash", "powershell", "cmdline"):
            return raw("script")
        if name == "azurecli":
            return raw("inlineScript")
        if name == "azurepowershell":
            return raw("Inline")
        if name in ("azureresourcemanagertemplatedeployment", "azureresourcegroupdeployment"):
            action = _lower(arg("action")) or "create or update resource group"
            location = _lower(arg("templateLocation")) or "linked artifact"
            if action == "deleterg" or location != "linked artifact":
                return None
            given = arg("csmParametersFile")
            self.steps_found.append(template_step(written, arg("csmFile") or "", here, self.paths, wd,
                                                  parameter_files([given]) if given is not None else ()))
            return None
        target = _kubernetes_task(name, arg, environment, written)
        if target is not None:
            made = step_from(Found(written, cluster=target[0], resource_group=target[1]), here, state, self.paths, wd)
            if made is not None:
                self.steps_found.append(made)
        return None


def _kubernetes_task(name: str, arg: Any, environment: str | None, written: str) -> tuple[Any, Any] | None:
    """``(cluster, resource group)`` a Kubernetes task deploys to, or None when it deploys nothing
    (``bake``, ``helm package``) or uses a kubeconfig an earlier step set up (``connectionType: None``)."""
    if name == "kubernetesmanifest":
        if _lower(arg("action")) == "bake":
            return None
        default = "kubernetesserviceconnection"
    elif name == "helmdeploy":
        if (_lower(arg("command")) or "ls") not in ("install", "upgrade", "rollback", "uninstall", "delete", "init"):
            return None
        default = "azureresourcemanager"
    elif name == "kubernetes":
        if _lower(arg("command")) in ("get", "logs", "top", "logout"):
            return None
        default = "kubernetesserviceconnection"
    else:
        return None
    connection = arg("connectionType")
    if isinstance(connection, Unresolved):
        return connection, None
    kind = (connection or default).replace(" ", "").lower()
    if kind == "none":
        return None
    if kind == "azureresourcemanager":
        cluster = arg("kubernetesCluster") or Unresolved(written, "no kubernetesCluster input")
        return cluster, arg("azureResourceGroup")
    service = arg("kubernetesServiceConnection", "kubernetesServiceEndpoint")
    if service is not None:
        text = service.expression if isinstance(service, Unresolved) else service
        return Unresolved(f"service connection {text}", "a Kubernetes service connection: the cluster it reaches is "
                          "configured in the Azure DevOps project, not in the pipeline"), None
    if environment is not None:
        return Unresolved(f"environment {environment}", "a Kubernetes resource of an Azure Pipelines environment: the "
                          "cluster behind it is configured in the Azure DevOps project"), None
    return Unresolved(written, "no service connection is named"), None


def _matrix(matrix: Any, scope: Variables, placeholders: Placeholders) -> list[Variables]:
    """One variable scope per matrix entry (the job's own scope without a matrix)."""
    if matrix is None:
        return [scope]
    if isinstance(matrix, YMap):
        entries = []
        for values in matrix.values():
            entry = scope.child()
            if isinstance(values, YMap):
                entry.values.update({str(k).lower(): v for k, v in values.items()})
            entries.append(entry)
        return entries or [scope]
    entry = scope.child()
    entry.unknown = Unresolved(placeholders.restore(str(matrix)), "the matrix is computed when the pipeline runs")
    return [entry]


def _environment(value: Any) -> str | None:
    if isinstance(value, YMap):
        name, resource = value.get("name"), value.get("resourceName")
        return f"{name}.{resource}" if resource else (str(name) if name else None)
    return str(value) if isinstance(value, str) else None


def _lower(value: Any) -> str | None:
    return value.lower() if isinstance(value, str) else None
