"""What each pipeline reaches: the clusters of the model its deploy steps certainly deploy to,
and the steps whose target is unknown (with the clusters each may be)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bcdr_lint.model import Kind, Model, Resource, Unresolved
from bcdr_lint.model.pipeline import DeployStep


@dataclass(frozen=True)
class Maybe:
    """A step whose target is unknown: it may deploy to any of ``could_be``."""

    step: DeployStep
    value: Unresolved
    could_be: tuple[Resource, ...]


class Clusters:
    """The model's clusters, indexed once for every pipeline."""

    def __init__(self, model: Model) -> None:
        self.all = model.of_kind(Kind.AKS_CLUSTER)
        self.files = set(model.files)
        self.by_name: dict[str, list[Resource]] = {}
        self.by_file: dict[str, list[Resource]] = {}
        for cluster in self.all:
            if isinstance(cluster.name, str):
                self.by_name.setdefault(cluster.name.lower(), []).append(cluster)
            self.by_file.setdefault(cluster.location.path, []).append(cluster)
            # Keys name the file a resource is deployed from (`bicep:main.bicep:aks/aks` for a
            # cluster declared in a module file): deploying main.bicep deploys it too.
            parts = cluster.key.split(":", 2)
            if len(parts) == 3 and parts[1] != cluster.location.path:
                self.by_file.setdefault(parts[1], []).append(cluster)
            # Deploying a .bicepparam file deploys the instances its template makes with it.
            if cluster.deployment is not None and cluster.deployment.path.lower().endswith(".bicepparam"):
                self.by_file.setdefault(cluster.deployment.path, []).append(cluster)
        # Files whose module calls or linked templates the model did not read: deploying such
        # a file may deploy clusters the model holds elsewhere.
        self.unread = {d.location.path for d in model.of_kind(Kind.UNREAD_DEPLOYMENT)}
        self._folders: dict[str, list[Resource] | None] = {}

    def in_template(self, path: str) -> list[Resource] | None:
        """Clusters a template file (or a folder, for azd and terraform) declares; None when the
        model holds no such file."""
        if path in self.files:
            return self.by_file.get(path, [])
        if path not in self._folders:
            prefix = "" if path == "." else path.rstrip("/") + "/"
            under = [f for f in self.files if f.startswith(prefix)]
            # A Terraform root's module instances are keyed by the root folder (`tf:infra/prod:module.aks...`)
            # though declared in a module folder elsewhere: deploying the root deploys them.
            found = {
                id(c): c for key, clusters in self.by_file.items()
                if key == path or key.startswith(prefix) for c in clusters
            }
            self._folders[path] = list(found.values()) if under else None
        return self._folders[path]

    def unread_under(self, path: str) -> bool:
        prefix = "" if path == "." else path.rstrip("/") + "/"
        return path in self.unread or any(u.startswith(prefix) for u in self.unread)


def certain(cluster: Resource) -> bool:
    """A cluster that certainly exists under a known name: only such a cluster can be missed."""
    return isinstance(cluster.name, str) and not isinstance(cluster.get("deployed"), Unresolved)


@dataclass
class Reach:
    """One pipeline's reach. ``by_kind`` splits the clusters reached by ``cluster`` steps (which
    deploy to a named cluster: the application) from ``template`` steps (which create what a
    template or Terraform root declares: the infrastructure)."""

    pipeline: Resource
    hits: dict[str, Resource] = field(default_factory=dict)
    by_kind: dict[str, set[str]] = field(default_factory=lambda: {"cluster": set(), "template": set()})
    first: DeployStep | None = None
    maybes: list[Maybe] = field(default_factory=list)


def reach(pipeline: Resource, clusters: Clusters) -> Reach:
    found = Reach(pipeline)
    for step in pipeline.get("deploy_steps") or ():
        targets, maybe = _targets(step, clusters)
        if maybe is not None:
            found.maybes.append(maybe)
        if targets and found.first is None:
            found.first = step
        kind = found.by_kind["template" if step.template is not None else "cluster"]
        for cluster in targets:
            found.hits.setdefault(cluster.key, cluster)
            kind.add(cluster.key)
    return found


def _targets(step: DeployStep, clusters: Clusters) -> tuple[list[Resource], Maybe | None]:
    """The clusters a step certainly deploys to, and what it may deploy to when unknown."""
    if step.template is not None:
        declared = clusters.in_template(step.template)
        if declared is None:
            value = Unresolved(step.template, "the template is not among the checked files", step.location)
            return [], Maybe(step, value, tuple(clusters.all))
        declared = _deployed_with(declared, step.parameters)
        if clusters.unread_under(step.template):
            value = Unresolved(step.template, "the template deploys modules or linked templates that are not read",
                               step.location)
            return declared, Maybe(step, value, tuple(clusters.all))
        return declared, None
    name = step.cluster
    if isinstance(name, Unresolved):
        if step.maybe is not None:
            # An action that is not read, given a cluster: it may deploy there, and only there.
            could_be = _named(step.maybe, step.resource_group, clusters)
            return [], Maybe(step, _at(name, step), tuple(could_be)) if could_be else None
        return [], Maybe(step, _at(name, step), tuple(clusters.all))
    if not isinstance(name, str):
        return [], None
    group = step.resource_group
    candidates = _named(name, group, clusters)
    if len(candidates) <= 1:
        return candidates, None
    # One name, several clusters (the same name in several resource groups): which one is unknown.
    if isinstance(group, Unresolved):
        return [], Maybe(step, _at(group, step), tuple(candidates))
    places = ", ".join(sorted(str(c.resource_group or c.location.path) for c in candidates))
    # A named group still fits several when some of them have a resource group the model does not know.
    apart = ("the step names no resource group that tells them apart" if group is None
             else f"the step's resource group {group!r} may be that of several of them")
    value = Unresolved(name, f"the name fits {len(candidates)} clusters of the model ({places}) and {apart}",
                       step.location)
    return [], Maybe(step, value, tuple(candidates))


def _deployed_with(declared: list[Resource], parameters: tuple[str, ...]) -> list[Resource]:
    """Of a template deployed once per parameter file, the deployments of the files the step
    gives; all of them when it gives none the model deploys the template with."""
    if not parameters:
        return declared
    given = set(parameters)
    chosen = [c for c in declared if c.deployment is None or c.deployment.path in given]
    if any(c.deployment is not None and c.deployment.path in given for c in declared):
        return chosen
    return declared


def _named(name: str, group: str | Unresolved | None, clusters: Clusters) -> list[Resource]:
    candidates = clusters.by_name.get(name.lower(), [])
    if isinstance(group, str):
        candidates = [c for c in candidates
                      if not (isinstance(c.resource_group, str) and c.resource_group.lower() != group.lower())]
    return candidates


def _at(value: Unresolved, step: DeployStep) -> Unresolved:
    return value if value.location is not None else Unresolved(value.expression, value.reason, step.location)
