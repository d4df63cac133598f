"""
## What it checks
A container registry, or one of its geo-replicas, is in an Azure region without availability
zones (`westus`, `northcentralus`, `ukwest`, …), so it is not zone-redundant. Reported at the
region of the registry or replica. Registries of every SKU are checked: zone redundancy is no
longer a Premium option.

Azure Container Registry now makes every registry and replica zone-redundant by default,
for all SKUs, in each region that has availability zones — and Microsoft notes that the
`zoneRedundancy` property may still read `Disabled` there. So the property is not what decides:
a registry in a region with zones is zone-redundant whatever it says, and one in a region without
zones is not, whatever it says. Which regions have zones comes from bcdr-lint's region data
(`bcdr_lint/data/regions.json`, with its source and date); regions whose zones the source does not
state (sovereign clouds) are not reported. A region that cannot be resolved statically is
reported as unresolved (BCDR002).

## Why it matters
A registry in a region without zones lives in one datacenter: a datacenter failure stops image
pulls there, and every node that has to pull — a new node from autoscaling, a rescheduled pod —
fails with `ImagePullBackOff`, even though the region itself is still up.

## Example
```hcl
resource "azurerm_container_registry" "acr" {
  name     = "contosoacr"
  location = "westus" # no availability zones
  sku      = "Premium"
}
```
```json
{
  "type": "Microsoft.ContainerRegistry/registries/replications",
  "name": "contosoacr/northcentralus",
  "location": "northcentralus"
}
```

## Use instead
Keep the registry in a region with availability zones (replicas there are zone-redundant by
default), and put the replica for the clusters of a zoneless region in a nearby region with
zones:
```hcl
resource "azurerm_container_registry" "acr" {
  name     = "contosoacr"
  location = "westus3"
  sku      = "Premium"
  georeplications {
    location                = "eastus2"
    zone_redundancy_enabled = true
  }
}
```
```bicep
resource replica 'Microsoft.ContainerRegistry/registries/replications@2023-07-01' = {
  parent: acr
  name: 'centralus'
  location: 'centralus'
  properties: { zoneRedundancy: 'Enabled' }
}
```

## References
- https://learn.microsoft.com/azure/container-registry/zone-redundancy
- https://learn.microsoft.com/azure/reliability/reliability-container-registry
"""

from __future__ import annotations

from typing import Iterator

from bcdr_lint.data import region as region_info
from bcdr_lint.findings import Finding
from bcdr_lint.model import Kind, Model, Resource, Unresolved
from bcdr_lint.rules.base import related, rule
from bcdr_lint.rules.common import ref_target, region_of


@rule(
    id="BCDR403",
    name="registry-not-zone-redundant",
    level="note",
    summary="A container registry or geo-replica is in a region without availability zones, so it is not zone-redundant.",
    help_uri="https://learn.microsoft.com/azure/container-registry/zone-redundancy",
    tags=("registry", "zones"),
)
def check(model: Model) -> Iterator[Finding]:
    for registry in model.of_kind(Kind.CONTAINER_REGISTRY):
        yield from _verdict(registry, registry.label, [], "create the registry in a region with availability zones")
    for replica in model.of_kind(Kind.REGISTRY_REPLICA):
        owner = ref_target(model, replica, "registry")
        label = f"geo-replica '{str(replica.name).rsplit('/', 1)[-1]}'"
        if isinstance(owner, Resource):
            label += f" of {owner.label}"
        yield from _verdict(replica, label, [related(owner)] if isinstance(owner, Resource) else [],
                            "replicate to a nearby region with availability zones instead")


def _verdict(resource: Resource, label: str, context: list, advice: str) -> Iterator[Finding]:
    place = region_of(resource)
    if isinstance(place, Unresolved):
        yield RULE.unresolved(resource, "region", place)
        return
    info = region_info(place)
    if info is None or info.zones is not False:
        return  # an unknown region is BCDR103's; zones not stated by the source are not guessed
    yield RULE.at(
        resource,
        f"{label} is in {place}, a region without availability zones: it is not zone-redundant, and one "
        f"datacenter failure stops image pulls from it; {advice} (registries are zone-redundant there by default)",
        attr="region",
        related=context,
    )


RULE = check
