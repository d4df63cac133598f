"""
## What it checks
The repository deploys AKS clusters, and every one of them (with a known region) is in the
same Azure region. One cluster alone counts. Reported at each cluster. When the region of any
cluster cannot be resolved, the rule does not guess: it reports that region as unresolved
(BCDR002) instead.
The same holds for a cluster whose deployment depends on an unknown `count`/`condition`, and for
a Terraform module call or ARM linked template that bcdr-lint cannot read and that may add
clusters: each is reported as BCDR002 and the rule holds back.

## Why it matters
Availability zones protect against the loss of a datacenter, not of a region. When the region
has an outage, a single-region application is down until the region returns, whatever its node
count. Microsoft's AKS business-continuity guidance starts with deploying the application to
several clusters in different regions, preferably Azure paired regions.

## Example
```hcl
resource "azurerm_kubernetes_cluster" "aks" {
  name     = "aks-prod"
  location = "eastus2"
  # ... and no cluster anywhere else
}
```

## Use instead
Deploy a second cluster (a "stamp") in the paired region and route users with Azure Front Door
or Traffic Manager:
```hcl
resource "azurerm_kubernetes_cluster" "primary" {
  name     = "aks-prod-eastus2"
  location = "eastus2"
}
resource "azurerm_kubernetes_cluster" "secondary" {
  name     = "aks-prod-centralus"
  location = "centralus"
}
```
```json
{ "type": "Microsoft.ContainerService/managedClusters", "name": "aks-prod-centralus", "location": "centralus" }
```

## References
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
    id="BCDR101",
    name="single-region-deployment",
    level="warning",
    summary="All AKS clusters are in one Azure region: a regional outage takes the application down.",
    help_uri="https://learn.microsoft.com/azure/aks/operator-best-practices-multi-region",
    tags=("regions", "multi-region"),
)
def check(model: Model) -> Iterator[Finding]:
    by_region, notes = all_cluster_regions(model, RULE)
    if notes:
        yield from notes
        return
    if len(by_region) != 1:
        return
    (region, members), = by_region.items()
    info = region_info(region)
    advice = (
        f"add a cluster in its paired region {info.pair}"
        if info and info.pair
        else "add a cluster in a second region"
    )
    count = len(members)
    for cluster in members:
        others, more = capped(
            (c for c in members if c is not cluster),
            lambda c: related(c, f"{c.label} is also in {region}", "region"),
        )
        yield RULE.at(
            cluster,
            f"{cluster.label} is in {region}, and "
            + ("it is the only AKS cluster" if count == 1 else f"so are all {count} AKS clusters")
            + f": a regional outage stops the application; {advice}",
            attr="region",
            related=others,
            more=more,
        )


RULE = check
