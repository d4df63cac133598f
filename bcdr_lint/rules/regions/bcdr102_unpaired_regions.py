"""
## What it checks
The AKS clusters span two or more regions, but a cluster's region has no cluster in the region
Azure pairs it with. Pairs are directional data: `westus3` is paired with `eastus`, while
`eastus` is paired with `westus`. A region that has no Azure pair at all (`italynorth`,
`polandcentral`, …) is reported too, and the message says so. When any cluster's region cannot
be resolved, the rule reports that (BCDR002) instead of guessing.
The same holds for a cluster whose deployment depends on an unknown `count`/`condition`, and for
a Terraform module call or ARM linked template that bcdr-lint cannot read and that may add
clusters: each is reported as BCDR002 and the rule holds back.

## Why it matters
Azure pairs regions for disaster recovery: platform updates roll out to one region of a pair at
a time, and during a broad outage the recovery of one region of every pair is prioritised.
Data services that replicate geographically (GRS storage, many PaaS databases) replicate to the
paired region, so an application whose clusters sit in the pair fails over next to its data.
Microsoft's AKS guidance recommends paired regions where AKS is available.

## Example
```hcl
resource "azurerm_kubernetes_cluster" "primary" {
  location = "eastus2"
  # ...
}
resource "azurerm_kubernetes_cluster" "secondary" {
  location = "westeurope"   # eastus2 is paired with centralus
  # ...
}
```

## Use instead
```hcl
resource "azurerm_kubernetes_cluster" "secondary" {
  location = "centralus"
  # ...
}
```
```json
{ "type": "Microsoft.ContainerService/managedClusters", "location": "centralus" }
```

## References
- https://learn.microsoft.com/azure/reliability/regions-paired
- https://learn.microsoft.com/azure/aks/operator-best-practices-multi-region
"""

from __future__ import annotations

from typing import Iterator

from bcdr_lint.data import region as region_info
from bcdr_lint.findings import Finding
from bcdr_lint.model import Model
from bcdr_lint.rules.base import capped, related, rule
from bcdr_lint.rules.common import all_cluster_regions


@rule(
    id="BCDR102",
    name="unpaired-regions",
    level="warning",
    summary="Clusters span several regions, but a cluster's Azure paired region has no cluster.",
    help_uri="https://learn.microsoft.com/azure/reliability/regions-paired",
    tags=("regions", "multi-region"),
)
def check(model: Model) -> Iterator[Finding]:
    by_region, notes = all_cluster_regions(model, RULE)
    if notes:
        yield from notes
        return
    if len(by_region) < 2:
        return
    spread = ", ".join(sorted(by_region))
    for region, members in sorted(by_region.items()):
        info = region_info(region)
        if info is None:
            continue  # not an Azure region at all: BCDR103 reports it
        if info.pair is None:
            reason = f"{region} has no Azure paired region"
            advice = "prefer a region that has a pair, and a cluster in that pair"
        elif info.pair not in by_region:
            reason = f"{region} is paired with {info.pair}, which has no cluster"
            advice = f"run a cluster in {info.pair}"
        else:
            continue
        elsewhere = [c for r, group in sorted(by_region.items()) if r != region for c in group]
        others, more = capped(elsewhere, lambda c: related(c, f"{c.label} is in {c.region}", "region"))
        for cluster in members:
            yield RULE.at(
                cluster,
                f"{cluster.label}: {reason} (clusters are in {spread}); {advice}",
                attr="region",
                related=others,
                more=more,
            )


RULE = check
