"""
## What it checks
A router that serves the AKS clusters sends no traffic to one of the regions where clusters run.
Routers are Traffic Manager profiles and Front Door origin groups (a classic Front Door's backend
pools count as origin groups). One finding per router, at the profile or origin group, naming the
regions without an enabled endpoint (origin), with the clusters there as related locations.

**Which routers serve the clusters:** those with at least one enabled endpoint (origin) in a
region where an AKS cluster runs. A router whose endpoints are all elsewhere routes something
else and is not checked. A profile switched off (`profileStatus: Disabled`) answers no query and
is not checked. A profile that a nested endpoint of another profile points at is covered through
its parent: the parent is checked with the child's endpoints, the child alone is not (a regional
child profile is meant to cover one region).

**How an endpoint or origin is tied to a region** (the first of these that is known decides):
1. its target resource, when the checked files declare it — `targetResourceId`
   (`target_resource_id`), `azureOrigin.id`, a private link target: that resource's region; for a
   nested endpoint, the regions of the child profile's own enabled endpoints; for a private link
   origin whose target is not in the checked files, its private link location
   (`private_link.location`, `privateLinkLocation`);
2. for external and nested endpoints, the `endpointLocation` (`endpoint_location`) written;
   Azure endpoints take their location from their target, so a written one is not used;
3. its host name (`target`, `hostName`/`host_name`, a classic backend's `address`): the region of
   the public IP address whose DNS name it is — written as a reference to that address
   (`azurerm_public_ip.east.fqdn`, `reference(resourceId(...)).dnsSettings.fqdn`) or as the name
   `<label>.<region>.cloudapp.azure.com` of a public IP address with that domain name label.

An endpoint or origin that leads to a storage account (a static website, blobs) serves that
account, not the clusters, and places no traffic in a cluster region.

An enabled endpoint whose region cannot be told this way (a target outside the checked files, an
unresolved location, a host name of no public IP in the model), one whose existence or status is
unknown, and one whose profile cannot be resolved may be the one that covers a region: the rule
then reports those as unresolved (BCDR002) instead of a missing region, never a guess. So are
clusters whose region is unknown. Endpoints that modules or linked templates bcdr-lint does not
read add to a profile are not seen.

## Why it matters
When a region fails, the router can only send users to the regions it knows. A cluster without
an endpoint takes no traffic: its capacity is wasted while the failed region's users get errors,
and a failover to it has to be configured during the outage.

## Example
```hcl
resource "azurerm_traffic_manager_azure_endpoint" "east" {
  name               = "east"
  profile_id         = azurerm_traffic_manager_profile.shop.id
  target_resource_id = azurerm_public_ip.ingress_east.id   # eastus2
  priority           = 1
}
# clusters run in eastus2 and westus2, but westus2 has no endpoint
```
```json
{
  "type": "Microsoft.Cdn/profiles/originGroups/origins",
  "name": "afd-shop/web/east",
  "properties": { "hostName": "shop-east.eastus2.cloudapp.azure.com" }
}
```

## Use instead
An enabled endpoint (origin) in every region with a cluster:
```hcl
resource "azurerm_traffic_manager_azure_endpoint" "west" {
  name               = "west"
  profile_id         = azurerm_traffic_manager_profile.shop.id
  target_resource_id = azurerm_public_ip.ingress_west.id   # westus2
  priority           = 2
}
```
```bicep
resource originWest 'Microsoft.Cdn/profiles/originGroups/origins@2023-05-01' = {
  parent: originGroup
  name: 'west'
  properties: { hostName: 'shop-west.westus2.cloudapp.azure.com' }
}
```

## References
- https://learn.microsoft.com/azure/traffic-manager/traffic-manager-routing-methods
- https://learn.microsoft.com/azure/aks/operator-best-practices-multi-region
"""

from __future__ import annotations

from typing import Iterable, Iterator

from bcdr_lint.findings import Finding
from bcdr_lint.model import Kind, Model, Unresolved
from bcdr_lint.rules.base import capped, related, rule
from bcdr_lint.rules.common import clusters, some_names, split_by_region
from bcdr_lint.rules.traffic.routers import (UNLISTED_ENDPOINTS, Doubt, Placer, nested_children, note, routers,
                                            unplaced_members)


@rule(
    id="BCDR202",
    name="router-missing-region",
    level="warning",
    summary="A Traffic Manager profile or Front Door origin group serving the clusters has no enabled endpoint in a cluster region.",
    help_uri="https://learn.microsoft.com/azure/traffic-manager/traffic-manager-routing-methods",
    tags=("traffic", "multi-region"),
)
def check(model: Model) -> Iterator[Finding]:
    children = nested_children(model)
    checked = [r for r in routers(model) if r.resource.key not in children]
    if not checked:
        return
    by_region, unknown_clusters = split_by_region(clusters(model))
    yield from (place.note(RULE) for place in unknown_clusters)
    if not by_region:
        return
    placer = Placer(model)
    # Members whose router is unknown may belong to any router of their kind: indexed by the
    # region they may add, and each reported once however many routers it could complete.
    shared = {kind: _Shared(placer.unplaced(unplaced_members(model, kind)).doubts)
              for kind in (Kind.TRAFFIC_MANAGER, Kind.FRONT_DOOR_ORIGIN_GROUP)}
    for router in checked:
        listed = router.resource.get("children")
        if isinstance(listed, Unresolved):  # listed without its endpoints (an export without properties)
            yield RULE.unresolved(router.resource, "children", listed, UNLISTED_ENDPOINTS)
            continue
        reach = placer.router(router)
        missing = sorted(set(by_region) - reach.regions)
        if not missing:
            continue
        own = reach.doubts_about(missing)
        others = shared[router.resource.kind]
        if own or others.about(missing):
            yield from (note(RULE, doubt.unknown) for doubt in own)
            yield from (note(RULE, doubt.unknown) for doubt in others.take(missing))
            continue
        served = sorted(reach.regions & set(by_region))
        if not served:
            continue  # it routes to other places, not to the clusters
        noun = router.member_noun
        where = "; ".join(f"{region} ({some_names(by_region[region])})" for region in missing)
        shown, more = capped(
            (c for region in missing for c in by_region[region]),
            lambda c: related(c, f"{c.label} runs in {c.region}", "region"),
        )
        yield RULE.at(
            router.resource,
            f"{router.resource.label} routes to {', '.join(served)} but has no enabled {noun} in "
            f"{', '.join(missing)}, where AKS clusters run: {where}; those clusters take no traffic "
            "and cannot take over in a failover",
            related=shown,
            more=more,
        )


class _Shared:
    """Doubts shared by every router of a kind, found by region in constant time per region."""

    def __init__(self, doubts: Iterable[Doubt]) -> None:
        self.anywhere: list[Doubt] = []
        self.by_region: dict[str, list[Doubt]] = {}
        for doubt in doubts:
            if doubt.regions is None:
                self.anywhere.append(doubt)
            else:
                for region in doubt.regions:
                    self.by_region.setdefault(region, []).append(doubt)
        self._taken: set[str | None] = set()
        self._given: set[int] = set()

    def about(self, regions: list[str]) -> bool:
        return bool(self.anywhere) or any(region in self.by_region for region in regions)

    def take(self, regions: list[str]) -> list[Doubt]:
        """The doubts about ``regions`` not handed out before."""
        taken: list[Doubt] = []
        for key, doubts in ((None, self.anywhere), *((r, self.by_region.get(r, [])) for r in regions)):
            if key in self._taken:
                continue
            self._taken.add(key)
            for doubt in doubts:
                if id(doubt) not in self._given:
                    self._given.add(id(doubt))
                    taken.append(doubt)
        return taken


RULE = check
