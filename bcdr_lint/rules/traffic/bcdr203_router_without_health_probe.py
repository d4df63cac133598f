"""
## What it checks
- A Traffic Manager profile without a usable endpoint monitor: no `monitorConfig`
  (`monitor_config`), or one without a protocol (`HTTP`, `HTTPS`, `TCP`) or a port (1–65535), or
  an HTTP(S) monitor without a path starting with `/`. Reported at the monitor configuration, or
  at the profile when there is none.
- A Front Door origin group with more than one enabled origin and no health probe: no
  `healthProbeSettings` (`health_probe` block), or — classic Front Door — a backend pool whose
  health probe settings are switched off (`enabledState: Disabled`, `enabled = false`). Reported
  at the origin group. With a single origin there is nothing to fail over to, and Microsoft
  suggests switching probes off to spare the origin the load.

Profiles switched off (`profileStatus: Disabled`) are not checked. A monitor value, probe
reference or origin that cannot be resolved (or whose existence or status is unknown, when it
decides whether there is more than one origin) is reported as unresolved (BCDR002).

## Why it matters
The router learns that a region is down only from its probes. Without them Traffic Manager
treats every endpoint as healthy and keeps answering DNS queries with the failed region, and
Front Door keeps sending a share of requests to the origin that no longer answers: the second
region is deployed, but the failover never happens.

## Example
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
    # no path: an HTTPS monitor needs one
  }
}
```
```json
{
  "type": "Microsoft.Cdn/profiles/originGroups",
  "name": "afd-shop/web",
  "properties": { "loadBalancingSettings": { "sampleSize": 4, "successfulSamplesRequired": 3 } }
}
```

## Use instead
```hcl
  monitor_config {
    protocol = "HTTPS"
    port     = 443
    path     = "/healthz"
  }
```
```bicep
resource originGroup 'Microsoft.Cdn/profiles/originGroups@2023-05-01' = {
  parent: frontDoor
  name: 'web'
  properties: {
    loadBalancingSettings: { sampleSize: 4, successfulSamplesRequired: 3 }
    healthProbeSettings: {
      probePath: '/healthz'
      probeProtocol: 'Https'
      probeRequestType: 'HEAD'
      probeIntervalInSeconds: 30
    }
  }
}
```

## References
- https://learn.microsoft.com/azure/frontdoor/health-probes
- https://learn.microsoft.com/azure/traffic-manager/traffic-manager-monitoring
"""

from __future__ import annotations

from typing import Any, Iterator

from bcdr_lint.findings import Finding
from bcdr_lint.model import Kind, Model, Resource, Unresolved
from bcdr_lint.rules.base import related, rule
from bcdr_lint.rules.traffic.routers import Router, activity, most_members, note, routers

_PROTOCOLS = ("http", "https", "tcp")


@rule(
    id="BCDR203",
    name="router-without-health-probe",
    level="warning",
    summary="A Traffic Manager profile has no usable monitor, or a Front Door origin group with several origins has no health probe.",
    help_uri="https://learn.microsoft.com/azure/frontdoor/health-probes",
    tags=("traffic", "multi-region"),
)
def check(model: Model) -> Iterator[Finding]:
    for router in routers(model):
        if router.resource.kind is Kind.TRAFFIC_MANAGER:
            yield from _monitor(router.resource)
        else:
            yield from _probe(router)


def _monitor(profile: Resource) -> Iterator[Finding]:
    monitor = profile.get("monitor")
    if isinstance(monitor, Unresolved):
        yield RULE.unresolved(profile, "monitor", monitor, "monitor configuration")
        return
    if monitor is None:
        yield RULE.at(profile, f"{profile.label} has no endpoint monitor configuration: Traffic Manager cannot "
                      "tell a failed region and keeps sending users to it; add a monitor with protocol, port and path")
        return
    problems = []
    protocol, port, path = monitor.get("protocol"), monitor.get("port"), monitor.get("path")
    for label, value in (("protocol", protocol), ("port", port), ("path", path)):
        if isinstance(value, Unresolved):
            yield RULE.unresolved(profile, "monitor", value, f"monitor {label}")
    if protocol is None:
        problems.append("no protocol")
    elif isinstance(protocol, str) and protocol not in _PROTOCOLS:
        problems.append(f"protocol '{protocol}' (not HTTP, HTTPS or TCP)")
    if port is None:
        problems.append("no port")
    elif not isinstance(port, Unresolved) and not _is_port(port):
        problems.append(f"port {port!r} (not 1-65535)")
    if protocol in ("http", "https"):
        if path is None or path == "":
            problems.append(f"no path, which an {protocol.upper()} monitor needs")
        elif isinstance(path, str) and not path.startswith("/"):
            problems.append(f"path '{path}' (must start with '/')")
    if problems:
        yield RULE.at(profile, f"{profile.label} has an unusable endpoint monitor: {', '.join(problems)}; "
                      "without working probes a failed region stays in rotation", attr="monitor")


def _is_port(value: Any) -> bool:
    # Terraform and ARM convert a number written as text ("443") to the number the property takes.
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 65535


def _probe(router: Router) -> Iterator[Finding]:
    group = router.resource
    probe = group.get("health_probe")
    switched_off = isinstance(probe, dict) and probe.get("enabled") is False
    if probe is not None and not switched_off and not isinstance(probe, Unresolved):
        return
    active = [m for m in router.members if activity(m) is True]
    doubtful = [state for m in router.members if not isinstance(state := activity(m), bool)]
    if len(active) < 2:
        if most_members(len(active), doubtful) >= 2:
            yield from (note(RULE, unknown) for unknown in doubtful)
        return
    if isinstance(probe, Unresolved):
        yield RULE.unresolved(group, "health_probe", probe, "health probe")
        return
    why = "its health probe is switched off" if switched_off else "it has no health probe"
    yield RULE.at(
        group,
        f"{group.label} balances {len(active)} enabled origins but {why}: Front Door cannot tell a failed "
        "origin and keeps sending it requests; configure health probe settings",
        attr="health_probe" if switched_off else None,
        related=[related(m, f"{m.label} takes traffic") for m in active],
    )


RULE = check
