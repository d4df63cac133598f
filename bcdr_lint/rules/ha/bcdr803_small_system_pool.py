"""
## What it checks
An AKS system node pool that can run with fewer than two nodes. The system pools are those with
mode `System` — in Terraform the `default_node_pool` always is one — and a pool that sets no
mode when it is the only pool of its cluster (every cluster has a system pool). The size checked
is the autoscaler's lower bound (`min_count`, ARM `minCount`) when written, else the node count
(`node_count`, ARM `count`; the API's default is 1). A mode or count that cannot be resolved
statically is reported as unresolved (BCDR002).

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
from bcdr_lint.rules.ha.pools import pool_label

MINIMUM_NODES = 2
# The managed cluster API's default node count of a pool that sets none.
DEFAULT_COUNT = 1


@rule(
    id="BCDR803",
    name="small-system-pool",
    level="warning",
    summary="An AKS system node pool can run with fewer than two nodes.",
    help_uri="https://learn.microsoft.com/azure/aks/use-system-pools",
    tags=("availability",),
)
def check(model: Model) -> Iterator[Finding]:
    for pool in model.of_kind(Kind.NODE_POOL):
        attr, size = _lowest_size(pool)
        if isinstance(size, int) and size >= MINIMUM_NODES:
            continue
        mode = pool.get("mode")
        if isinstance(mode, Unresolved):
            yield RULE.unresolved(pool, "mode", mode, "mode (system or user)")
            continue
        cluster = model.target(pool, "cluster")
        if mode != "system" and not (mode is None and cluster is not None and _only_pool(model, cluster, pool)):
            continue
        if isinstance(size, Unresolved):
            yield RULE.unresolved(pool, attr or "count", size, "node count" if attr == "count" else "minimum node count")
            continue
        how = {"min_count": f"autoscaler minimum {size}", "count": f"node count {size}"}.get(
            attr or "", "no node count set; the default is 1")
        owner = f" of {cluster.label}" if cluster is not None else ""
        yield RULE.at(
            pool,
            f"system {pool_label(pool)}{owner} can run with {size} node{'s' if size != 1 else ''} ({how}): a node failure "
            "or upgrade leaves the cluster without CoreDNS and the other system pods; use at least 2 nodes, "
            "3 across zones",
            attr=attr,
            related=[related(cluster)] if cluster is not None and cluster.location.path != pool.location.path else [],
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


def _only_pool(model: Model, cluster: Resource, pool: Resource) -> bool:
    return model.referrers(cluster, "cluster") == [pool]


RULE = check
