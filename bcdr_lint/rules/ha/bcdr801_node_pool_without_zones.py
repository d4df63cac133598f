"""
## What it checks
An AKS node pool — the cluster's default pool (Terraform `default_node_pool`, ARM/Bicep
`agentPoolProfiles`) or a separate one (`azurerm_kubernetes_cluster_node_pool`,
`managedClusters/agentPools`) — that sets no availability zones, or only one, although its
cluster's region has availability zones. The region is the cluster's, followed from the pool to
its cluster across files and formats. Pools in regions without zones are not reported. A region
or zone list that cannot be resolved statically, a region the tool does not know, or a region
whose zone support its region data does not record is reported as unresolved (BCDR002), and so
is a cluster listed without its node pools (an `az resource list` export).

## Why it matters
Without zones, AKS places the pool's nodes wherever capacity is, possibly all in one datacenter;
pinned to one zone, they are all in one by design. An outage of that zone takes down every node
of the pool at once, and the workloads on it with them, although the region stays up. Zones
cannot be added to an existing node pool: it has to be recreated.

## Example
```hcl
resource "azurerm_kubernetes_cluster" "aks" {
  location = "eastus2"
  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
    # no zones
  }
}
```
```json
"agentPoolProfiles": [
  { "name": "system", "mode": "System", "count": 3, "availabilityZones": ["1"] }
]
```

## Use instead
```hcl
  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
    zones      = ["1", "2", "3"]
  }
```
```bicep
agentPoolProfiles: [
  {
    name: 'system'
    mode: 'System'
    count: 3
    availabilityZones: [ '1', '2', '3' ]
  }
]
```

## References
- https://learn.microsoft.com/azure/aks/availability-zones
- https://learn.microsoft.com/azure/reliability/regions-list
"""

from __future__ import annotations

from typing import Iterator

from bcdr_lint.data import region as region_info
from bcdr_lint.findings import Finding
from bcdr_lint.model import Kind, Model, Resource, Unresolved
from bcdr_lint.rules.base import related, rule
from bcdr_lint.rules.common import ref_target, region_of, unlisted_pools
from bcdr_lint.rules.ha.pools import pool_label


@rule(
    id="BCDR801",
    name="node-pool-without-zones",
    level="warning",
    summary="An AKS node pool uses no availability zones, or one only, in a region that has zones.",
    help_uri="https://learn.microsoft.com/azure/aks/availability-zones",
    tags=("availability", "zones"),
)
def check(model: Model) -> Iterator[Finding]:
    yield from unlisted_pools(model, RULE)
    for pool in model.of_kind(Kind.NODE_POOL):
        zones = pool.get("zones")
        if isinstance(zones, Unresolved):
            yield RULE.unresolved(pool, "zones", zones, "availability zones")
            continue
        written = zones if isinstance(zones, list) else []
        known = sorted({z for z in written if isinstance(z, str)})
        if len(known) >= 2:
            continue
        placeholder = next((z for z in written if isinstance(z, Unresolved)), None)
        if placeholder is not None:
            yield RULE.unresolved(pool, "zones", placeholder, "availability zones")
            continue
        yield from _in_zonal_region(model, pool, known)


def _in_zonal_region(model: Model, pool: Resource, zones: list[str]) -> Iterator[Finding]:
    """The finding when the pool's cluster is in a region with zones, else the note on what is unknown."""
    cluster = ref_target(model, pool, "cluster")
    if isinstance(cluster, Unresolved):
        yield RULE.unresolved(pool, "cluster", cluster, "cluster (whose region the pool runs in)")
        return
    if cluster is None:
        reference = pool.refs.get("cluster")
        missing = Unresolved(str(reference) if reference else "(not set)",
                             "the cluster is not in the checked files, so the pool's region is unknown",
                             pool.loc("cluster"))
        yield RULE.unresolved(pool, "cluster", missing, "cluster (whose region the pool runs in)")
        return
    region = region_of(cluster)
    if isinstance(region, Unresolved):
        yield RULE.unresolved(cluster, "region", region)
        return
    info = region_info(region)
    if info is None or info.zones is None:
        why = ("not a known Azure region" if info is None
               else "the region data does not record whether it has availability zones")
        yield RULE.unresolved(cluster, "region", Unresolved(region, why, cluster.loc("region")),
                              "whether its region has availability zones")
        return
    if not info.zones:
        return
    where = f"zone {zones[0]} only" if zones else "no availability zones"
    yield RULE.at(
        pool,
        f"{pool_label(pool)} of {cluster.label} has {where} in {region}, a region with availability zones: "
        "one zone outage takes down all its nodes; spread it over zones 1, 2 and 3",
        attr="zones",
        related=[related(cluster, f"{cluster.label} runs in {region}", "region")],
    )


RULE = check
