"""
## What it checks
A CI/CD pipeline (GitHub Actions workflow or Azure Pipelines file) deploys to some of the AKS
clusters of the checked files but not to all of them. A step deploys to a cluster when it
names it: `azure/aks-set-context` (and `azure/k8s-deploy` after it), `az aks get-credentials`,
`az aks command invoke`, `kubectl --context` / `helm --kube-context` with a context named after
the cluster (or created by `az aks get-credentials --context`), or the Azure Pipelines tasks
`KubernetesManifest`, `HelmDeploy` and `Kubernetes` with `kubernetesCluster`. A step that
deploys a template (`az deployment group create -f`, `azure/arm-deploy`,
`AzureResourceManagerTemplateDeployment`) deploys every cluster declared in that template
file, including those of the local Bicep modules it calls; `azd up|provision|deploy` and
`terraform apply` deploy every cluster declared under the folder they deploy (azd: the
`infra` folder of `azure.yaml`). A step under a matrix, a `${{ each }}` loop or a template
deploys once per entry, with that entry's values.

Clusters are matched by name (ignoring case), and by resource group where both the step and
the cluster name one. One finding per pipeline, at its first step that deploys to a cluster of
the model, with each cluster it misses as a related location. A pipeline that deploys to no
cluster of the model is not reported.

bcdr-lint never guesses a target. A cluster or template the step computes at run time (a
secret, a `vars` value, a step output, a matrix from `fromJSON`, a Kubernetes service
connection, an environment resource, a template in another repository or not among the checked
files) may be any cluster: it is reported as BCDR002 at the step, and no cluster it could be is
claimed as missed. A step whose name fits several clusters of the model and whose resource
group is unknown holds back for those clusters only. A cluster whose name is unresolved, or
whose existence is (`count`, `condition`), is never claimed as missed. Steps under a condition
(`if:`, `${{ if }}`, `condition:`) count as deploying: a step that may run may deploy.

Every cluster of the checked files counts: check each environment's files on their own
(`bcdr-lint check infra/prod .github`) when one repository holds the clusters of several.

## Why it matters
Multi-region AKS is only a failover plan if every region runs the same release. A pipeline
that rolls out to two of three clusters leaves the third on an old version, with old
configuration and old images: when traffic fails over to it, it serves the wrong version or
fails, in the one moment it is needed. A cluster added in infrastructure code and forgotten in
the pipeline is the usual cause.

## Example
```hcl
resource "azurerm_kubernetes_cluster" "east"    { name = "aks-shop-eastus2"  /* ... */ }
resource "azurerm_kubernetes_cluster" "central" { name = "aks-shop-centralus" /* ... */ }
resource "azurerm_kubernetes_cluster" "west"    { name = "aks-shop-westus3"  /* ... */ }
```
```yaml
# .github/workflows/deploy.yml
jobs:
  deploy:
    strategy:
      matrix:
        cluster: [aks-shop-eastus2, aks-shop-centralus]   # aks-shop-westus3 is missing
    steps:
      - uses: azure/aks-set-context@v4
        with:
          cluster-name: ${{ matrix.cluster }}
          resource-group: rg-shop
      - uses: azure/k8s-deploy@v5
        with:
          manifests: k8s/
```

## Use instead
Deploy to every cluster, from one list kept beside the infrastructure:
```yaml
      matrix:
        cluster: [aks-shop-eastus2, aks-shop-centralus, aks-shop-westus3]
```
```yaml
# azure-pipelines.yml
parameters:
  - name: clusters
    type: object
    default: [aks-shop-eastus2, aks-shop-centralus, aks-shop-westus3]
stages:
  - ${{ each cluster in parameters.clusters }}:
    - stage: deploy_${{ replace(cluster, '-', '_') }}
      jobs:
        - template: templates/deploy.yml
          parameters: { cluster: "${{ cluster }}" }
```

## References
- https://learn.microsoft.com/azure/aks/operator-best-practices-multi-region
- https://learn.microsoft.com/azure/architecture/reference-architectures/containers/aks-multi-region/aks-multi-cluster
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterator

from bcdr_lint.findings import Finding
from bcdr_lint.model import Kind, Model, Resource, Unresolved
from bcdr_lint.model.pipeline import DeployStep
from bcdr_lint.rules.base import capped, related, rule

_WHAT = "the cluster a deploy step targets"


@dataclass(frozen=True)
class _Maybe:
    """A step whose target is unknown: it may deploy to any of ``could_be``."""

    step: DeployStep
    value: Unresolved
    could_be: tuple[Resource, ...]


class _Clusters:
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


@rule(
    id="BCDR701",
    name="pipeline-misses-cluster",
    level="warning",
    summary="A CI/CD pipeline deploys to some of the AKS clusters but not to all of them.",
    help_uri="https://learn.microsoft.com/azure/aks/operator-best-practices-multi-region",
    tags=("delivery", "multi-region"),
)
def check(model: Model) -> Iterator[Finding]:
    pipelines = model.of_kind(Kind.PIPELINE)
    if not pipelines:
        return
    clusters = _Clusters(model)
    if not clusters.all:
        return
    for pipeline in pipelines:
        yield from _judge(pipeline, clusters)


def _judge(pipeline: Resource, clusters: _Clusters) -> Iterator[Finding]:
    hits: dict[str, Resource] = {}
    first: DeployStep | None = None
    maybes: list[_Maybe] = []
    for step in pipeline.get("deploy_steps") or ():
        targets, maybe = _targets(step, clusters)
        if maybe is not None:
            maybes.append(maybe)
        if targets and first is None:
            first = step
        for cluster in targets:
            hits.setdefault(cluster.key, cluster)
    if first is None and not maybes:
        return  # deploys to no cluster of the model
    missed = [c for c in clusters.all if certain(c) and c.key not in hits]
    missed_keys = {c.key for c in missed}
    blockers = [m for m in maybes if any(c.key in missed_keys for c in m.could_be)]
    for maybe in blockers:
        yield RULE.unresolved(pipeline, "deploy_steps", maybe.value, f"{_WHAT} ({maybe.step.how})")
    if first is None:
        return
    covered = {c.key for m in blockers for c in m.could_be}
    certainly_missed = [c for c in missed if c.key not in covered]
    for cluster in clusters.all:
        if cluster.key not in hits and not certain(cluster):
            deployed = cluster.get("deployed")
            if isinstance(deployed, Unresolved):
                yield RULE.unresolved(cluster, "deployed", deployed, "whether it is deployed")
            elif isinstance(cluster.name, Unresolved):
                yield RULE.unresolved(cluster, "name", cluster.name)
    if not certainly_missed:
        return
    shown, more = capped(certainly_missed, lambda c: related(c, f"{c.label} is not deployed by this pipeline", "name"))
    reached = list(hits.values())
    counts = Counter(str(c.name).lower() for c in (*reached, *certainly_missed))
    repeated = {name for name, count in counts.items() if count > 1}
    # The first deploy step may be in a template or a called workflow: name the pipeline's file.
    elsewhere = first.location.path != pipeline.location.path and pipeline.name != pipeline.location.path
    yield RULE.at(
        pipeline,
        f"{pipeline.label}{f' ({pipeline.location.path})' if elsewhere else ''} deploys to {len(reached)} "
        f"of the {len(reached) + len(certainly_missed)} AKS clusters "
        f"({_names(reached, repeated)}) but not to {_names(certainly_missed, repeated)}: a failover would land on a cluster "
        "running another release",
        location=first.location,
        related=shown,
        more=more,
    )


def _targets(step: DeployStep, clusters: _Clusters) -> tuple[list[Resource], _Maybe | None]:
    """The clusters a step certainly deploys to, and what it may deploy to when unknown."""
    if step.template is not None:
        declared = clusters.in_template(step.template)
        if declared is None:
            value = Unresolved(step.template, "the template is not among the checked files", step.location)
            return [], _Maybe(step, value, tuple(clusters.all))
        if clusters.unread_under(step.template):
            value = Unresolved(step.template, "the template deploys modules or linked templates that are not read",
                               step.location)
            return declared, _Maybe(step, value, tuple(clusters.all))
        return declared, None
    name = step.cluster
    if isinstance(name, Unresolved):
        return [], _Maybe(step, _at(name, step), tuple(clusters.all))
    if not isinstance(name, str):
        return [], None
    group = step.resource_group
    candidates = clusters.by_name.get(name.lower(), [])
    if isinstance(group, str):
        candidates = [c for c in candidates
                      if not (isinstance(c.resource_group, str) and c.resource_group.lower() != group.lower())]
    if len(candidates) <= 1:
        return candidates, None
    # One name, several clusters (the same name in several resource groups): which one is unknown.
    if isinstance(group, Unresolved):
        return [], _Maybe(step, _at(group, step), tuple(candidates))
    places = ", ".join(sorted(str(c.resource_group or c.location.path) for c in candidates))
    value = Unresolved(name, f"the name fits {len(candidates)} clusters of the model ({places}) and the step names no "
                       "resource group that tells them apart", step.location)
    return [], _Maybe(step, value, tuple(candidates))


def _at(value: Unresolved, step: DeployStep) -> Unresolved:
    return value if value.location is not None else Unresolved(value.expression, value.reason, step.location)


def _names(found: list[Resource], repeated: set[str], shown: int = 3) -> str:
    """``'aks-east' in rg-east, ...``; a name that several clusters share (copies of one
    template) also says where the cluster is declared."""
    def one(cluster: Resource) -> str:
        group = cluster.resource_group
        text = f"'{cluster.name}'" + (f" in {group}" if isinstance(group, str) else "")
        return text + (f" ({cluster.location.path})" if str(cluster.name).lower() in repeated else "")

    names = ", ".join(one(c) for c in found[:shown])
    rest = len(found) - shown
    return names + (f" and {rest} more" if rest > 0 else "")


RULE = check
