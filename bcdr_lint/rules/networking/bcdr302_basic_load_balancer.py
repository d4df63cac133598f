"""
## What it checks
An AKS cluster whose network profile sets the load balancer SKU to `basic`. An unset value is
not reported: the default has been Standard since 2020.

## Why it matters
The Basic load balancer was retired on 30 September 2025. It has no availability-zone support,
no SLA, and it cannot take part in global VNet peering, which clusters in different regions
need to talk privately. A cluster still on Basic cannot be part of a zone-redundant or
multi-region design, and must be migrated before anything else.

## Example
```hcl
network_profile {
  network_plugin    = "azure"
  load_balancer_sku = "basic"
}
```
```json
"networkProfile": { "loadBalancerSku": "basic" }
```

## Use instead
```hcl
network_profile {
  network_plugin    = "azure"
  load_balancer_sku = "standard"
}
```
```bicep
networkProfile: {
  loadBalancerSku: 'standard'
}
```

## References
- https://learn.microsoft.com/azure/aks/load-balancer-standard
- https://learn.microsoft.com/azure/load-balancer/load-balancer-basic-upgrade-guidance
"""

from __future__ import annotations

from typing import Iterator

from bcdr_lint.findings import Finding
from bcdr_lint.model import Model, Unresolved
from bcdr_lint.rules.base import rule
from bcdr_lint.rules.common import clusters, load_balancer_sku


@rule(
    id="BCDR302",
    name="basic-load-balancer",
    level="warning",
    summary="An AKS cluster uses the retired Basic load balancer (no zones, no global peering, no SLA).",
    help_uri="https://learn.microsoft.com/azure/aks/load-balancer-standard",
    tags=("networking",),
)
def check(model: Model) -> Iterator[Finding]:
    for cluster in clusters(model):
        sku = load_balancer_sku(cluster)
        if isinstance(sku, Unresolved):
            yield RULE.unresolved(cluster, "load_balancer_sku", sku, "load balancer SKU")
        elif sku == "basic":
            yield RULE.at(
                cluster,
                f"{cluster.label} uses the Basic load balancer, retired since September 2025: "
                "no availability zones, no global VNet peering; use 'standard'",
                attr="load_balancer_sku",
            )


RULE = check
