"""
## What it checks
The repository deploys AKS clusters and declares an Azure Container Registry whose SKU is not
Premium (Basic or Standard). Reported at the registry's SKU.

## Why it matters
Only the Premium SKU supports geo-replication. A Basic or Standard registry lives in one
region: when that region is down, no cluster anywhere can pull images, so pods cannot be
rescheduled or scaled out in the surviving region — the failover stalls on `ImagePullBackOff`.

## Example
```hcl
resource "azurerm_container_registry" "acr" {
  name     = "contosoacr"
  location = "eastus2"
  sku      = "Standard"
}
```

## Use instead
```hcl
resource "azurerm_container_registry" "acr" {
  name     = "contosoacr"
  location = "eastus2"
  sku      = "Premium"
  georeplications {
    location = "centralus"
  }
}
```
```bicep
resource acr 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: 'contosoacr'
  location: 'eastus2'
  sku: { name: 'Premium' }
}
```

## References
- https://learn.microsoft.com/azure/container-registry/container-registry-geo-replication
- https://learn.microsoft.com/azure/aks/operator-best-practices-multi-region
"""

from __future__ import annotations

from typing import Iterator

from bcdr_lint.findings import Finding
from bcdr_lint.model import Kind, Model, Unresolved
from bcdr_lint.rules.base import rule
from bcdr_lint.rules.common import NOT_SET, clusters


@rule(
    id="BCDR401",
    name="registry-not-premium",
    level="warning",
    summary="A container registry used alongside AKS is not Premium, so it cannot geo-replicate.",
    help_uri="https://learn.microsoft.com/azure/container-registry/container-registry-geo-replication",
    tags=("registry", "multi-region"),
)
def check(model: Model) -> Iterator[Finding]:
    if not clusters(model):
        return
    for registry in model.of_kind(Kind.CONTAINER_REGISTRY):
        sku = registry.get("sku")
        if sku is None:
            sku = Unresolved(NOT_SET, "the registry declares no SKU", registry.location)
        if isinstance(sku, Unresolved):
            yield RULE.unresolved(registry, "sku", sku, "SKU")
        elif sku != "premium":
            yield RULE.at(
                registry,
                f"{registry.label} has SKU {sku.capitalize()}: only Premium registries can be "
                "geo-replicated to the regions of the AKS clusters",
                attr="sku",
            )


RULE = check
