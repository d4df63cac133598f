"""
## What it checks
An AKS cluster whose system node pools together can run with fewer than two nodes — in practice,
a cluster whose only system pool can shrink to one node. Reported at that pool. The system pools
are those with mode `System` (or `ManagedSystem`, which AKS sizes itself) — in Terraform the
`default_node_pool` always is one — and a pool that sets no mode when it is the only pool of its
cluster (every cluster has a system pool); pools are tied to their cluster across files and
formats. The size counted is the autoscaler's lower bound (`min_count`, ARM `minCount`) when
written, else the node count (`node_count`, ARM `count`; the API's default is 1). A second system
pool counts: CoreDNS and the other system pods run on any system pool.

A mode, count or pool existence that cannot be resolved statically and could make the
difference is reported as unresolved (BCDR002), and so is a cluster listed without its node pools
(an `az resource list` export), and a small system pool whose cluster is not in the checked files
(the cluster's other system pools are unknown).

## Why it matters
The system pool runs the pods the whole cluster depends on: CoreDNS, konnectivity, metrics-server,
the CSI drivers' controllers. With one node, a node failure, reboot or node-image upgrade leaves
the cluster without DNS and without those controllers until the node is back; every workload is
affected, not just the ones on that node. For production, Microsoft asks for at least two nodes
in the system pool and recommends three, spread over availability zones.

## Example
```hcl
resource "azurerm_kubernetes_cluster" "aks" {
  default_node_pool {
    name                 = "system"
    vm_size              = "Standard_D4s_v5"
    auto_scaling_enabled = true
    min_count            = 1
    max_count            = 5
  }
}
```
```json
"agentPoolProfiles": [
  { "name": "system", "mode": "System", "count": 1, "vmSize": "Standard_D4s_v5" }
]
```

## Use instead
```hcl
  default_node_pool {
    name                 = "system"
    vm_size              = "Standard_D4s_v5"
    auto_scaling_enabled = true
    min_count            = 3
    max_count            = 5
    zones                = ["1", "2", "3"]
  }
```
```bicep
agentPoolProfiles: [
  {
    name: 'system'
    mode: 'System'
    count: 3
    vmSize: 'Standard_D4s_v5'
    availabilityZones: [ '1', '2', '3' ]
  }
]
```

## References
- https://learn.microsoft.com/azure/aks/use-system-pools
"""

from __future__ import annotations

from typing import Iterator

from bcdr_lint.findings import Finding
from bcdr_lint.model import Kind, Model, Resource, Unresolved
from bcdr_lint.rules.base import related, rule
from bcdr_lint.rules.common import NOT_SET, ref_target, unlisted_pools
from bcdr_lint.rules.ha.pools import pool_label

MINIMUM_NODES = 2
# The managed cluster API's default node count of a pool that sets none.
DEFAULT_COUNT = 1


@rule(
    id="BCDR803",
    name="small-system-pool",
    level="warning",
    summary="An AKS cluster's only system node pool can run with fewer than two nodes.",
    help_uri="https://learn.microsoft.com/azure/aks/use-system-pools",
    tags=("availability",),
)
def check(model: Model) -> Iterator[Finding]:
    yield from unlisted_pools(model, RULE)
    pools_of: dict[str, list[Resource]] = {}
    clusters: dict[str, Resource] = {}
    for pool in model.of_kind(Kind.NODE_POOL):
        cluster = ref_target(model, pool, "cluster")
        if isinstance(cluster, Resource):
            pools_of.setdefault(cluster.key, []).append(pool)
            clusters[cluster.key] = cluster
        else:
            yield from _without_cluster(pool, cluster)
    for key, pools in pools_of.items():
        yield from _cluster(clusters[key], pools)


def _cluster(cluster: Resource, pools: list[Resource]) -> Iterator[Finding]:
    """The finding when the cluster's system pools together can run with fewer than two nodes,
    else notes on what would decide it."""
    system, doubts, floor = [], [], 0
    for pool in pools:
        mode = pool.get("mode")
        attr, size = _lowest_size(pool)
        if isinstance(mode, Unresolved):
            if not (isinstance(size, int) and size == 0):
                doubts.append(RULE.unresolved(pool, "mode", mode, "mode (system or user)"))
            continue
        if not _is_system(mode, pools):
            continue
        exists = pool.get("deployed")
        if isinstance(exists, Unresolved) and exists != cluster.get("deployed"):
            doubts.append(RULE.unresolved(pool, "deployed", exists, "whether it is deployed"))
            continue
        if mode == "managedsystem":
            floor += MINIMUM_NODES  # AKS sizes and heals a managed system pool itself
            continue
        if isinstance(size, Unresolved):
            what = "node count" if attr == "count" else "minimum node count"
            doubts.append(RULE.unresolved(pool, attr or "count", size, what))
            continue
        system.append((pool, attr, size))
        floor += size
    if floor >= MINIMUM_NODES:
        return
    if doubts:
        yield from doubts
        return
    for pool, attr, size in system:
        yield _finding(cluster, pool, attr, size, floor if len(system) > 1 else None)


def _is_system(mode: str | None, pools: list[Resource]) -> bool:
    # A pool without a mode is the system pool when it is its cluster's only pool (every cluster
    # has one); beside others it may be any of them, and is not taken for it.
    return mode in ("system", "managedsystem") or (mode is None and len(pools) == 1)


def _without_cluster(pool: Resource, cluster: Unresolved | None) -> Iterator[Finding]:
    """A system pool whose cluster the model does not hold: the cluster's other system pools (it
    has at least one) are unknown, so a small one is a note, not a finding."""
    mode = pool.get("mode")
    attr, size = _lowest_size(pool)
    if isinstance(size, int) and size >= MINIMUM_NODES:
        return
    if isinstance(mode, Unresolved):
        yield RULE.unresolved(pool, "mode", mode, "mode (system or user)")
        return
    if mode != "system":
        return
    if cluster is None:
        reference = pool.refs.get("cluster")
        cluster = Unresolved(str(reference) if reference else NOT_SET,
                             "the cluster is not in the checked files, so the cluster's other system pools are unknown",
                             pool.loc("cluster"))
    yield RULE.unresolved(pool, "cluster", cluster, "cluster (whose other system pools count too)")


def _finding(cluster: Resource, pool: Resource, attr: str | None, size: int, together: int | None) -> Finding:
    how = {"min_count": f"autoscaler minimum {size}", "count": f"node count {size}"}.get(
        attr or "", "no node count set; the default is 1")
    others = ("the cluster has no other system pool" if together is None
              else f"the cluster's system pools together can run with {together}")
    return RULE.at(
        pool,
        f"system {pool_label(pool)} of {cluster.label} can run with {size} node{'s' if size != 1 else ''} ({how}), "
        f"and {others}: a node failure or upgrade leaves the cluster without CoreDNS "
        "and the other system pods; use at least 2 nodes, 3 across zones",
        attr=attr,
        related=[related(cluster)] if cluster.location.path != pool.location.path else [],
    )


def _lowest_size(pool: Resource) -> tuple[str | None, int | Unresolved]:
    """(attribute, value) of the fewest nodes the pool may run: the autoscaler's lower bound when
    written, else the fixed count, else the API default (attribute None)."""
    for attr in ("min_count", "count"):
        value = pool.get(attr)
        if value is None:
            continue
        if isinstance(value, Unresolved) or (isinstance(value, int) and not isinstance(value, bool)):
            return attr, value
        return attr, Unresolved(str(value), "not a number", pool.loc(attr))
    return None, DEFAULT_COUNT


RULE = check
