"""
## What it checks
A Traffic Manager profile with the `Geographic` routing method where
- no enabled endpoint maps `WORLD` (the catch-all for every location no other mapping covers), or
- enabled endpoints with geographic mappings are not nested profiles (external or Azure
  endpoints), so each mapped geography is served by one endpoint alone.

One finding per profile, at its routing method, with the endpoints at fault as related
locations. Profiles switched off are not checked. A routing method, endpoint type or mapping
that cannot be resolved, or an endpoint whose existence, status or profile is unknown (when it
could be the one mapping `WORLD`), is reported as unresolved (BCDR002); so is a profile none of
whose endpoints is in the checked files (they are declared elsewhere).

## Why it matters
Geographic routing sends each user to the one endpoint mapped to the user's location, whatever
its health: Traffic Manager does not fail a geography over to another endpoint. If that endpoint
is a single regional ingress, a region outage takes the application down for everyone mapped to
it. Microsoft recommends mapping geographies to nested profiles, each with endpoints in more than
one region, and a `WORLD` mapping so users from unmapped locations get an answer at all.

## Example
```hcl
resource "azurerm_traffic_manager_external_endpoint" "europe" {
  name              = "europe"
  profile_id        = azurerm_traffic_manager_profile.geo.id  # traffic_routing_method = "Geographic"
  target            = "shop-weu.contoso.com"
  geo_mappings      = ["GEO-EU"]
}
# no endpoint maps WORLD, and GEO-EU is served by one regional endpoint
```
```json
{
  "type": "Microsoft.Network/trafficManagerProfiles/externalEndpoints",
  "name": "tm-geo/europe",
  "properties": { "target": "shop-weu.contoso.com", "geoMapping": ["GEO-EU"] }
}
```

## Use instead
Map each geography to a nested profile that fails over between regions, and map `WORLD`:
```hcl
resource "azurerm_traffic_manager_nested_endpoint" "europe" {
  name                    = "europe"
  profile_id              = azurerm_traffic_manager_profile.geo.id
  target_resource_id      = azurerm_traffic_manager_profile.europe_priority.id
  minimum_child_endpoints = 1
  geo_mappings            = ["GEO-EU", "WORLD"]
}
```
```bicep
resource europe 'Microsoft.Network/trafficManagerProfiles/nestedEndpoints@2022-04-01' = {
  parent: geoProfile
  name: 'europe'
  properties: {
    targetResourceId: europePriority.id
    minChildEndpoints: 1
    geoMapping: [ 'GEO-EU', 'WORLD' ]
  }
}
```

## References
- https://learn.microsoft.com/azure/traffic-manager/traffic-manager-routing-methods
- https://learn.microsoft.com/azure/traffic-manager/traffic-manager-nested-profiles
"""

from __future__ import annotations

from typing import Any, Iterator

from bcdr_lint.findings import Finding
from bcdr_lint.model import Kind, Model, Resource, Unresolved
from bcdr_lint.rules.base import related, rule
from bcdr_lint.rules.common import Unknown
from bcdr_lint.rules.traffic.routers import activity, members_elsewhere, note, routers, unplaced_members


@rule(
    id="BCDR205",
    name="geographic-routing-without-fallback",
    level="warning",
    summary="A Geographic Traffic Manager profile maps no endpoint to WORLD, or maps geographies to single endpoints instead of nested profiles.",
    help_uri="https://learn.microsoft.com/azure/traffic-manager/traffic-manager-routing-methods",
    tags=("traffic", "multi-region"),
)
def check(model: Model) -> Iterator[Finding]:
    strays: list[Unknown] | None = None
    for router in routers(model):
        profile = router.resource
        if profile.kind is not Kind.TRAFFIC_MANAGER:
            continue
        method = profile.get("routing_method")
        if isinstance(method, Unresolved):
            yield RULE.unresolved(profile, "routing_method", method, "routing method")
            continue
        if method != "geographic":
            continue
        elsewhere = members_elsewhere(router)
        if elsewhere is not None:
            yield note(RULE, elsewhere)
            continue
        if strays is None:
            strays = [u for u in unplaced_members(model, Kind.TRAFFIC_MANAGER) if _may_map_world(u.resource)]
        yield from _check_profile(profile, router.members, strays)


def _may_map_world(endpoint: Resource) -> bool:
    """Whether an endpoint (of a profile the model cannot tell) may take traffic and map WORLD."""
    maps_world, doubt = _maps_world(endpoint, endpoint.get("geo_mappings"))
    return activity(endpoint) is not False and (maps_world or doubt is not None)


def _check_profile(profile: Resource, endpoints: tuple[Resource, ...], strays: list[Unknown]) -> Iterator[Finding]:
    world = False
    world_doubts: list[Unknown] = []
    single: list[Resource] = []
    notes: list[Unknown] = []
    for endpoint in endpoints:
        active = activity(endpoint)
        if active is False:
            continue
        mappings = endpoint.get("geo_mappings")
        maps_world, mapping_doubt = _maps_world(endpoint, mappings)
        if active is not True:
            if maps_world or mapping_doubt is not None:
                world_doubts.append(active)
            continue
        if maps_world:
            world = True
        elif mapping_doubt is not None:
            world_doubts.append(mapping_doubt)
        if not mappings or isinstance(mappings, Unresolved):
            continue
        endpoint_type = endpoint.get("endpoint_type")
        if isinstance(endpoint_type, Unresolved):
            notes.append(Unknown(endpoint, "endpoint_type", endpoint_type))
        elif endpoint_type != "nested":
            single.append(endpoint)
    # An endpoint whose profile is unknown may be this profile's, and the one that maps WORLD.
    world_doubts.extend(strays)
    problems = []
    if not world and world_doubts:
        notes.extend(world_doubts)
    elif not world:
        problems.append("no enabled endpoint maps WORLD, so users from unmapped locations get no answer")
    if single:
        names = ", ".join(f"'{e.name}'" for e in single[:3]) + (f" and {len(single) - 3} more" if len(single) > 3 else "")
        several = len(single) > 1
        problems.append(f"{len(single)} mapped endpoint{'s are not nested profiles' if several else ' is not a nested profile'} "
                        f"({names}): a region outage is not failed over for the geographies mapped to "
                        + ("them" if several else "it"))
    for unknown in notes:
        yield _note(unknown)
    if problems:
        yield RULE.at(
            profile,
            f"{profile.label} uses Geographic routing, but " + "; and ".join(problems)
            + "; map geographies to nested profiles with endpoints in several regions, and map WORLD",
            attr="routing_method",
            related=[related(e, f"{e.label} ({e.get('endpoint_type')}) maps "
                             f"{', '.join(str(m) for m in e.get('geo_mappings'))}", "geo_mappings") for e in single],
        )


def _maps_world(endpoint: Resource, mappings: Any) -> tuple[bool, Unknown | None]:
    """Whether the endpoint certainly maps WORLD, and the unknown when it may."""
    if isinstance(mappings, Unresolved):
        return False, Unknown(endpoint, "geo_mappings", mappings)
    if not isinstance(mappings, list):
        return False, None
    if any(isinstance(m, str) and m.strip().upper() == "WORLD" for m in mappings):
        return True, None
    unknown = next((m for m in mappings if isinstance(m, Unresolved)), None)
    return False, Unknown(endpoint, "geo_mappings", unknown) if unknown is not None else None


def _note(unknown: Unknown) -> Finding:
    if unknown.attr in ("geo_mappings", "endpoint_type"):
        return RULE.unresolved(unknown.resource, unknown.attr, unknown.value, unknown.attr.replace("_", " "))
    return note(RULE, unknown)


RULE = check
