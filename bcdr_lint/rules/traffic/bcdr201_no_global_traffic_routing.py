"""
## What it checks
AKS clusters run in two or more Azure regions, and nothing in the checked files routes users
between them: no Traffic Manager profile, no Azure Front Door (Standard/Premium or classic) — not
even one of their endpoints, origin groups or origins, which would show that the routing is set
up elsewhere. Reported once, at the first cluster (by file and line), with the clusters of the
other regions as related locations.

The rule does not guess:
- clusters whose region or existence is unknown do not count; if fewer than two regions are
  certain, those clusters are reported as unresolved (BCDR002) instead;
- a router whose existence is unknown (an unknown `count`/`condition`), or a `Microsoft.Cdn/profiles`
  whose SKU is unresolved (it may be a Front Door or a plain CDN), is reported as unresolved;
- a Terraform module call or ARM linked template that bcdr-lint cannot read may deploy the
  router: each is reported as unresolved (BCDR002) and the rule holds back.

## Why it matters
A second region only helps if clients reach it when the first one fails. Without a global
router, users resolve the first region's address (a DNS record, an ingress IP) and keep sending
requests into the outage; failing over means editing DNS by hand while caches still hold the old
answer. Microsoft's multi-region AKS guidance puts Traffic Manager or Front Door in front of the
regional clusters, with health probes that take a failed region out of rotation.

## Example
```hcl
resource "azurerm_kubernetes_cluster" "east" {
  name     = "aks-shop-eastus2"
  location = "eastus2"
}
resource "azurerm_kubernetes_cluster" "west" {
  name     = "aks-shop-westus2"
  location = "westus2"
}
# ... and no Traffic Manager profile or Front Door
```
```json
{ "type": "Microsoft.ContainerService/managedClusters", "name": "aks-shop-westus2", "location": "westus2" }
```

## Use instead
Put a global router in front of the regional ingresses:
```hcl
resource "azurerm_traffic_manager_profile" "shop" {
  name                   = "tm-shop"
  resource_group_name    = "rg-shop-global"
  traffic_routing_method = "Priority"
  dns_config {
    relative_name = "shop"
    ttl           = 30
  }
  monitor_config {
    protocol = "HTTPS"
    port     = 443
    path     = "/healthz"
  }
}
```
```bicep
resource frontDoor 'Microsoft.Cdn/profiles@2023-05-01' = {
  name: 'afd-shop'
  location: 'global'
  sku: { name: 'Standard_AzureFrontDoor' }
}
```

## References
- https://learn.microsoft.com/azure/aks/operator-best-practices-multi-region
- https://learn.microsoft.com/azure/traffic-manager/traffic-manager-routing-methods
"""

from __future__ import annotations

from typing import Iterator

from bcdr_lint.findings import Finding
from bcdr_lint.model import Kind, Model, Resource, Unresolved
from bcdr_lint.rules.base import capped, related, rule
from bcdr_lint.rules.common import Unknown, clusters, split_by_region, unread_deployment_notes
from bcdr_lint.rules.traffic.routers import ROUTING_KINDS, note


@rule(
    id="BCDR201",
    name="no-global-traffic-routing",
    level="warning",
    summary="AKS clusters run in several regions, but no Traffic Manager or Front Door routes users between them.",
    help_uri="https://learn.microsoft.com/azure/aks/operator-best-practices-multi-region",
    tags=("traffic", "multi-region"),
)
def check(model: Model) -> Iterator[Finding]:
    doubtful: list[Unknown] = []
    for router in model.of_kind(*ROUTING_KINDS):
        maybe = _maybe_router(router)
        if maybe is None:
            return  # routing is certainly set up
        doubtful.append(maybe)
    by_region, unknown = split_by_region(clusters(model))
    if len(by_region) < 2:
        # More regions may hide behind the unknown clusters (BCDR101 reports the same notes).
        if len(by_region) + len(unknown) >= 2:
            yield from (place.note(RULE) for place in unknown)
        return
    if doubtful or model.of_kind(Kind.UNREAD_DEPLOYMENT):
        yield from (note(RULE, router) for router in doubtful)
        yield from unread_deployment_notes(model, RULE)
        return
    ordered = sorted((c for members in by_region.values() for c in members), key=_position)
    first = ordered[0]
    others, more = capped(
        (c for c in ordered[1:] if c.region != first.region),
        lambda c: related(c, f"{c.label} runs in {c.region}", "region"),
    )
    regions = ", ".join(sorted(by_region))
    yield RULE.at(
        first,
        f"AKS clusters run in {len(by_region)} regions ({regions}), but no Traffic Manager profile or "
        "Front Door routes users between them: when a region fails, clients keep resolving to it; "
        "add a global router with health probes in front of the regional ingresses",
        related=others,
        more=more,
    )


def _maybe_router(resource: Resource) -> Unknown | None:
    """None when the resource certainly routes (or shows routing set up); else why that is unknown."""
    deployed = resource.get("deployed")
    if isinstance(deployed, Unresolved):
        return Unknown(resource, "deployed", deployed)
    sku = resource.get("sku")
    if resource.kind is Kind.FRONT_DOOR and isinstance(sku, Unresolved):
        why = "a Microsoft.Cdn profile is a Front Door only with an AzureFrontDoor SKU"
        return Unknown(resource, "sku", Unresolved(sku.expression, f"{sku.reason}; {why}" if sku.reason else why,
                                                   sku.location))
    return None


def _position(resource: Resource) -> tuple[str, int, int]:
    return resource.location.path, resource.location.start_line, resource.location.start_col


RULE = check
