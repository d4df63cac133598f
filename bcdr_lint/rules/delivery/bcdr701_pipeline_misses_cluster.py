"""
## What it checks
A CI/CD pipeline (GitHub Actions workflow or Azure Pipelines file) deploys to some of the AKS
clusters of its environment and workload but not to all of them. A step deploys to a cluster when it
names it: `azure/aks-set-context` (and `azure/k8s-deploy` after it), `az aks get-credentials`,
`az aks command invoke`, `kubectl --context` / `helm --kube-context` with a context named after
the cluster (or created by `az aks get-credentials --context`), or the Azure Pipelines tasks
`KubernetesManifest`, `HelmDeploy` and `Kubernetes` with `kubernetesCluster`. A step that
deploys a template (`az deployment group create -f`, `azure/arm-deploy`,
`AzureResourceManagerTemplateDeployment`) deploys every cluster declared in that template
file, including those of the local Bicep modules it calls — with a parameter file
(`-p main.prod.bicepparam`), the deployment of that file only; `azd up|provision|deploy` and
`terraform apply` deploy every cluster declared under the folder they deploy (azd: the
`infra` folder of `azure.yaml`). A step under a matrix, a `${{ each }}` loop, a shell `for`
loop, a template or a composite action of the repository deploys once per entry, with that
entry's values.

Clusters are matched by name (ignoring case), and by resource group where both the step and
the cluster name one. One finding per pipeline, at its first step that deploys to a cluster of
the model, with each cluster it misses as a related location. A pipeline that deploys to no
cluster of the model is not reported.

Only the clusters of the environments and workloads a pipeline deploys to can be missed: a
`deploy-dev.yml` that deploys the dev cluster does not miss the production ones, nor does the
notifications service's pipeline miss the checkout team's cluster. A cluster's environment is
read from the words of its name (`aks-orders-dev`, `aks-prod-eastus2`: dev, test, qa, uat,
stg/staging, preprod, prod/prd, nonprod, sandbox, perf, demo, int, ci, poc, lab, preview),
else of its resource group, else of the folders and parameter file that set it apart
(`environments/staging/`, `main.prod.bicepparam`); a cluster whose names say none is a
production cluster. Its workload is its name without region names and abbreviations of its
region (`eastus2`, `east`, `weu`, `eus2`), role words (`primary`, `dr`, `blue`), environment
words and numbers: `aks-shop-eastus2` and `aks-shop-dr-westus3` run one workload,
`aks-checkout-prod` another. Nor is a cluster missed that another pipeline deploys when the two
pipelines share no cluster (one workflow per region, as AKS Automated Deployments writes
them); a pipeline that deploys the same clusters as another (a second application) still
misses what it leaves out, and creating a cluster (`terraform apply`) does not deploy the
application to it.

bcdr-lint never guesses a target. A cluster or template the step computes at run time (a
secret, a `vars` value, a step output, a `workflow_dispatch` input, a matrix from `fromJSON`,
a variable group, a Kubernetes service connection, an environment resource, a template in
another repository or not among the checked files) may be any cluster: it is reported as
BCDR002 at the step, and no cluster it could be is claimed as missed. So is an action or a
reusable workflow that bcdr-lint does not read (another repository's) and that is given a
cluster input (`cluster-name`, `kube-context`, ...): it may deploy to that cluster. A step whose
name fits several clusters of the model and whose resource group is unknown holds back for those
clusters only. A cluster whose name is unresolved, or whose existence is (`count`, `condition`),
is never claimed as missed. Steps under a condition (`if:`, `${{ if }}`, `condition:`) count as
deploying: a step that may run may deploy; so does `az aks get-credentials` followed only by
read-only commands.

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
from bcdr_lint.rules.base import capped, related, rule
from bcdr_lint.rules.delivery.environments import Environments
from bcdr_lint.rules.delivery.reach import Clusters, Reach, certain, reach
from bcdr_lint.rules.delivery.workloads import workload

_WHAT = "the cluster a deploy step targets"
_Deployers = dict[str, list[tuple[Reach, str]]]


@rule(
    id="BCDR701",
    name="pipeline-misses-cluster",
    level="warning",
    summary=("A CI/CD pipeline deploys to some of the AKS clusters of its environment and workload "
             "but not to all of them."),
    help_uri="https://learn.microsoft.com/azure/aks/operator-best-practices-multi-region",
    tags=("delivery", "multi-region"),
)
def check(model: Model) -> Iterator[Finding]:
    pipelines = model.of_kind(Kind.PIPELINE)
    if not pipelines:
        return
    clusters = Clusters(model)
    if not clusters.all:
        return
    environments = Environments(clusters.all)
    workloads = {c.key: workload(c.name, c.region if isinstance(c.region, str) else None)
                 for c in clusters.all if isinstance(c.name, str)}
    reaches = [reach(pipeline, clusters) for pipeline in pipelines]
    deployers: _Deployers = {}
    for found in reaches:
        for kind, keys in found.by_kind.items():
            for key in keys:
                deployers.setdefault(key, []).append((found, kind))
    for found in reaches:
        yield from _judge(found, clusters, _Peers(environments, workloads), deployers)


@dataclass(frozen=True)
class _Peers:
    """What tells a pipeline's clusters from the others: environments, and workloads by name
    (a cluster whose name is unresolved may run any workload)."""

    environments: Environments
    workloads: dict[str, str]


def _judge(found: Reach, clusters: Clusters, peers: _Peers, deployers: _Deployers) -> Iterator[Finding]:
    pipeline, hits, first = found.pipeline, found.hits, found.first
    if first is None and not found.maybes:
        return  # deploys to no cluster of the model
    candidates = [c for c in clusters.all if c.key not in hits]
    aside = []
    if hits:
        # A dev pipeline does not miss the production clusters, nor the notifications service's
        # pipeline the checkout team's: only the clusters of the environments and workloads the
        # pipeline deploys to can be missed.
        envs = frozenset().union(*(peers.environments.of(c) for c in hits.values()))
        works = {peers.workloads.get(key) for key in hits}
        everyone = len(candidates)
        candidates = [c for c in candidates if peers.environments.of(c) & envs]
        aside.extend(["environment"] if len(candidates) < everyone else [])
        everyone = len(candidates)
        candidates = [c for c in candidates if c.key not in peers.workloads or peers.workloads[c.key] in works]
        aside.extend(["workload"] if len(candidates) < everyone else [])
    split = [c for c in candidates if _split_with(c, found, deployers)]
    split_keys = {c.key for c in split}
    missed = [c for c in candidates if certain(c) and c.key not in split_keys]
    missed_keys = {c.key for c in missed}
    blockers = [m for m in found.maybes if any(c.key in missed_keys for c in m.could_be)]
    for maybe in blockers:
        yield RULE.unresolved(pipeline, "deploy_steps", maybe.value, f"{_WHAT} ({maybe.step.how})")
    if first is None:
        return
    covered = {c.key for m in blockers for c in m.could_be}
    certainly_missed = [c for c in missed if c.key not in covered]
    for cluster in candidates:
        if not certain(cluster) and cluster.key not in split_keys:
            deployed = cluster.get("deployed")
            if isinstance(deployed, Unresolved):
                yield RULE.unresolved(cluster, "deployed", deployed, "whether it is deployed")
            elif isinstance(cluster.name, Unresolved):
                yield RULE.unresolved(cluster, "name", cluster.name)
    if not certainly_missed:
        return
    shown, more = capped(certainly_missed, lambda c: related(c, f"{c.label} is not deployed by this pipeline", "name"))
    reached = list(hits.values())
    counts = Counter(str(c.name).lower() for c in (*reached, *certainly_missed, *split))
    repeated = {name for name, count in counts.items() if count > 1}
    # The first deploy step may be in a template or a called workflow: name the pipeline's file.
    elsewhere = first.location.path != pipeline.location.path and pipeline.name != pipeline.location.path
    total = len(reached) + len(certainly_missed) + len(split)
    others = f"; another pipeline deploys {_names(split, repeated)}" if split else ""
    scope = f" of its {' and '.join(aside)}" if aside else ""  # e.g. "of its environment and workload"
    yield RULE.at(
        pipeline,
        f"{pipeline.label}{f' ({pipeline.location.path})' if elsewhere else ''} deploys to {len(reached)} "
        f"of the {total} AKS clusters{scope} "
        f"({_names(reached, repeated)}) but not to {_names(certainly_missed, repeated)}{others}: "
        "a failover would land on a cluster running another release",
        location=first.location,
        related=shown,
        more=more,
    )


def _split_with(cluster: Resource, found: Reach, deployers: _Deployers) -> bool:
    """Whether another pipeline deploys ``cluster`` and shares no cluster with this one, in the
    same way (application or infrastructure): one pipeline per region, they split the work."""
    for other, kind in deployers.get(cluster.key, ()):
        mine = found.by_kind[kind]
        if other is not found and mine and mine.isdisjoint(other.by_kind[kind]):
            return True
    return False


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
