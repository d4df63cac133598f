"""
## What it checks
A Traffic Manager profile or a Front Door origin group (a classic Front Door's backend pool
included) with fewer than two enabled endpoints (origins), counting endpoints declared inline, as
child resources or as separate Terraform resources, in any file. Reported at the profile or
origin group, with the endpoints it has as related locations.

Not checked: profiles switched off (`profileStatus: Disabled`), and profiles that a nested
endpoint of another profile points at — the parent fails over between its child profiles, so a
child with one endpoint per region is a design, not a gap. A child of a `Geographic` parent is
checked: geographic routing never moves a geography to another child, so the child has to fail
over on its own. An endpoint whose existence (an
unknown `count`/`condition`, a dynamic block over an unknown collection) or status is unknown,
or whose profile cannot be resolved, is not counted: when it would make the difference it is
reported as unresolved (BCDR002) instead — one of unknown number (`count`, `for_each`, an ARM
copy loop) may be several. A router none of whose endpoints (origins) is in the checked files,
not even a disabled one, has them declared elsewhere: reported as unresolved, not as empty.

## Why it matters
A router with one endpoint has nowhere to fail over to: when that endpoint's region fails, the
profile answers with the failed endpoint (or nothing) and the application is down although a
global router is in place. It usually means the second region's endpoint was forgotten or
left disabled after a test.

## Example
```hcl
resource "azurerm_traffic_manager_azure_endpoint" "east" {
  name               = "east"
  profile_id         = azurerm_traffic_manager_profile.shop.id
  target_resource_id = azurerm_public_ip.ingress_east.id
}
# the only endpoint of tm-shop
```
```json
{
  "type": "Microsoft.Cdn/profiles/originGroups/origins",
  "name": "afd-shop/web/west",
  "properties": { "hostName": "shop-west.westus2.cloudapp.azure.com", "enabledState": "Disabled" }
}
```

## Use instead
An enabled endpoint (origin) in a second region:
```hcl
resource "azurerm_traffic_manager_azure_endpoint" "west" {
  name               = "west"
  profile_id         = azurerm_traffic_manager_profile.shop.id
  target_resource_id = azurerm_public_ip.ingress_west.id
}
```
```bicep
resource originWest 'Microsoft.Cdn/profiles/originGroups/origins@2023-05-01' = {
  parent: originGroup
  name: 'west'
  properties: { hostName: 'shop-west.westus2.cloudapp.azure.com', enabledState: 'Enabled' }
}
```

## References
- https://learn.microsoft.com/azure/traffic-manager/traffic-manager-routing-methods
- https://learn.microsoft.com/azure/frontdoor/origin
"""

from __future__ import annotations

from typing import Iterator

from bcdr_lint.findings import Finding
from bcdr_lint.model import Kind, Model, Unresolved
from bcdr_lint.rules.base import related, rule
from bcdr_lint.rules.common import Unknown
from bcdr_lint.rules.traffic.routers import (
    UNLISTED_ENDPOINTS, activity, members_elsewhere, most_members, nested_children, note, routers, unplaced_members,
)


@rule(
    id="BCDR204",
    name="single-endpoint-router",
    level="warning",
    summary="A Traffic Manager profile or Front Door origin group has fewer than two enabled endpoints to fail over between.",
    help_uri="https://learn.microsoft.com/azure/traffic-manager/traffic-manager-routing-methods",
    tags=("traffic", "multi-region"),
)
def check(model: Model) -> Iterator[Finding]:
    children = nested_children(model, failed_over=True)
    # Members whose router is unknown may belong to any router of their kind: their notes are
    # reported once, however many routers they could complete.
    unplaced: dict[Kind, list[Unknown]] = {}
    noted: set[Kind] = set()
    for router in routers(model):
        group = router.resource
        if group.key in children:
            continue
        listed = group.get("children")
        if isinstance(listed, Unresolved):  # listed without its endpoints (an export without properties)
            yield RULE.unresolved(group, "children", listed, UNLISTED_ENDPOINTS)
            continue
        active = [m for m in router.members if activity(m) is True]
        if len(active) >= 2:
            continue
        doubtful = [state for m in router.members if not isinstance(state := activity(m), bool)]
        if group.kind not in unplaced:
            unplaced[group.kind] = unplaced_members(model, group.kind)
        shared = unplaced[group.kind]
        elsewhere = members_elsewhere(router)
        if elsewhere is not None:
            yield note(RULE, elsewhere)
            if shared and group.kind not in noted:
                noted.add(group.kind)
                yield from (note(RULE, unknown) for unknown in shared)
            continue
        if most_members(len(active), [*doubtful, *shared]) >= 2:
            yield from (note(RULE, unknown) for unknown in doubtful)
            if shared and group.kind not in noted:
                noted.add(group.kind)
                yield from (note(RULE, unknown) for unknown in shared)
            continue
        doubtful.extend(shared)
        noun = router.member_noun
        disabled = [m for m in router.members if m.get("enabled") is False]
        extra = f" ({len(disabled)} disabled)" if disabled else ""
        if active or doubtful:
            count = f"only one enabled {noun}" if active else f"at most one enabled {noun}"
            effect = "when it fails there is nothing to fail over to"
        else:
            count, effect = f"no enabled {noun}", "it sends users nowhere and cannot fail over"
        shown = [related(m, f"{m.label} is enabled") for m in active]
        shown += [related(m, f"{m.label} is disabled", "enabled") for m in disabled]
        yield RULE.at(
            group,
            f"{group.label} has {count}{extra}: {effect}; add an enabled {noun} in another region",
            related=shown,
        )


RULE = check
