"""
## What it checks
An AKS cluster on the Free pricing tier: Terraform `sku_tier = "Free"` or no `sku_tier`, ARM/Bicep
`sku.tier` `Free` or no `sku.tier` (Free is the default in both). `Standard`, `Premium` and the
older name of Standard, `Paid`, pass. A tier that cannot be resolved statically is reported as
unresolved (BCDR002).

## Why it matters
The Free tier has no financially backed uptime SLA for the Kubernetes API server, and its
control plane is sized for small, non-production clusters. When the API server is slow or
unavailable, nothing can be deployed, scaled or failed over — even if the nodes and pods keep
running. The Standard tier guarantees 99.95% API server availability for clusters using
availability zones (99.9% without) and scales the control plane with the cluster.

## Example
```hcl
resource "azurerm_kubernetes_cluster" "aks" {
  name     = "aks-prod-eastus2"
  location = "eastus2"
  sku_tier = "Free"
}
```
```json
{
  "type": "Microsoft.ContainerService/managedClusters",
  "sku": { "name": "Base", "tier": "Free" }
}
```

## Use instead
```hcl
resource "azurerm_kubernetes_cluster" "aks" {
  name     = "aks-prod-eastus2"
  location = "eastus2"
  sku_tier = "Standard"
}
```
```bicep
sku: {
  name: 'Base'
  tier: 'Standard'
}
```

## References
- https://learn.microsoft.com/azure/aks/free-standard-pricing-tiers
"""

from __future__ import annotations

from typing import Iterator

from bcdr_lint.findings import Finding
from bcdr_lint.model import Model, Unresolved
from bcdr_lint.rules.base import rule
from bcdr_lint.rules.common import clusters


@rule(
    id="BCDR802",
    name="no-uptime-sla",
    level="note",
    summary="An AKS cluster is on the Free tier (set or by default): no uptime SLA for its API server.",
    help_uri="https://learn.microsoft.com/azure/aks/free-standard-pricing-tiers",
    tags=("availability",),
)
def check(model: Model) -> Iterator[Finding]:
    for cluster in clusters(model):
        tier = cluster.get("sku_tier")
        if isinstance(tier, Unresolved):
            yield RULE.unresolved(cluster, "sku_tier", tier, "SKU tier")
        elif tier is None:
            yield RULE.at(
                cluster,
                f"{cluster.label} sets no SKU tier, so it runs on the Free tier: its API server has no uptime "
                "SLA; set the tier to Standard",
            )
        elif tier == "free":
            yield RULE.at(
                cluster,
                f"{cluster.label} is on the Free tier: its API server has no uptime SLA; use Standard",
                attr="sku_tier",
            )


RULE = check
