"""
## What it checks
Every resolved Azure region in the model (of clusters, registries, replicas, networks, resource
groups) must be an Azure region; a cluster's region must be one where AKS is offered. Names
are compared normalized (`East US 2` is `eastus2`), so only real mistakes remain: `eastus3`,
`west-europe`, `uk-south`. The message suggests the nearest region name.

The list of regions and their pairs is bundled with bcdr-lint (`bcdr_lint/data/regions.json`,
with its source and date). It covers the public cloud and the Azure China and US Government
regions; AKS is taken as offered in every listed region.

## Why it matters
A misspelt region fails the deployment at best. At worst, a region name that another tool
maps to a default sends a "secondary" cluster or replica into the same region as the primary,
and the disaster-recovery plan silently depends on one region.

## Example
```hcl
resource "azurerm_kubernetes_cluster" "secondary" {
  location = "eastus3"
}
```

## Use instead
```hcl
resource "azurerm_kubernetes_cluster" "secondary" {
  location = "centralus"
}
```

## References
- https://learn.microsoft.com/azure/reliability/regions-list
"""

from __future__ import annotations

from typing import Iterator

from bcdr_lint.data import regions, suggest_regions
from bcdr_lint.findings import Finding
from bcdr_lint.model import Kind, Model
from bcdr_lint.rules.base import rule

# Some Azure resources (Front Door, Traffic Manager, DNS) are global, not regional.
NON_REGIONAL = frozenset({"global"})

REGIONAL_KINDS = (
    Kind.AKS_CLUSTER,
    Kind.NODE_POOL,
    Kind.CONTAINER_REGISTRY,
    Kind.REGISTRY_REPLICA,
    Kind.VIRTUAL_NETWORK,
    Kind.SUBNET,
    Kind.VNET_PEERING,
    Kind.RESOURCE_GROUP,
)


@rule(
    id="BCDR103",
    name="unknown-region",
    level="error",
    summary="A region name is not an Azure region (where AKS is offered, for clusters).",
    help_uri="https://learn.microsoft.com/azure/reliability/regions-list",
    tags=("regions",),
)
def check(model: Model) -> Iterator[Finding]:
    known = regions()
    for resource in model.of_kind(*REGIONAL_KINDS):
        region = resource.region
        if not isinstance(region, str) or region in known or region in NON_REGIONAL:
            continue
        suggestions = suggest_regions(region)
        hint = f" (did you mean {_either(suggestions)}?)" if suggestions else ""
        what = "an Azure region where AKS is offered" if resource.kind is Kind.AKS_CLUSTER else "an Azure region"
        yield RULE.at(resource, f"{resource.label}: '{region}' is not {what}{hint}", attr="region")


def _either(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


RULE = check
