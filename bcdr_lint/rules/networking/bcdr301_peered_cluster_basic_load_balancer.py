"""
## What it checks
An AKS cluster whose node pools sit in a virtual network that takes part in a VNet peering —
on either side of it — and whose load balancer SKU is `basic`. The cluster's network is found
through its node pools' subnets (`vnet_subnet_id` / `vnetSubnetID`); peerings are matched
on both their local and their remote network, also when one side is declared in another file,
format or repository (by name and resource group). A cluster or network listed without its
node pools or peerings (an `az resource list` export) is reported as unresolved (BCDR002).

## Why it matters
Clusters in different regions talk to each other over global VNet peering. Resources behind
a Basic load balancer cannot be reached across a global peering: the cross-region path the
design depends on does not work, and it fails exactly when traffic shifts to the other region.

## Example
```hcl
resource "azurerm_virtual_network_peering" "east_to_west" {
  virtual_network_name      = azurerm_virtual_network.east.name
  remote_virtual_network_id = azurerm_virtual_network.west.id
}
resource "azurerm_kubernetes_cluster" "east" {
  default_node_pool { vnet_subnet_id = azurerm_subnet.east_aks.id }
  network_profile { load_balancer_sku = "basic" }
}
```

## Use instead
```hcl
network_profile {
  network_plugin    = "azure"
  load_balancer_sku = "standard"
}
```
```json
"networkProfile": { "networkPlugin": "azure", "loadBalancerSku": "standard" }
```

## References
- https://learn.microsoft.com/azure/virtual-network/virtual-network-peering-overview
- https://learn.microsoft.com/azure/aks/operator-best-practices-multi-region
"""

from __future__ import annotations

from typing import Iterator

from bcdr_lint.findings import Finding, Related
from bcdr_lint.model import Kind, Model, Resource, Unresolved
from bcdr_lint.rules.base import related, rule
from bcdr_lint.rules.common import UNLISTED_POOLS, clusters, load_balancer_sku, node_pools, ref_target
from bcdr_lint.rules.networking.vnets import PeeredNetworks, VnetId, vnet_of_subnet_ref


@rule(
    id="BCDR301",
    name="peered-cluster-basic-load-balancer",
    level="error",
    summary="A cluster in a peered VNet uses the Basic load balancer, which global VNet peering cannot reach.",
    help_uri="https://learn.microsoft.com/azure/virtual-network/virtual-network-peering-overview",
    tags=("networking", "multi-region"),
)
def check(model: Model) -> Iterator[Finding]:
    peered = PeeredNetworks(model)
    unlisted = _UnlistedPeerings(model)
    if not peered and not unlisted:
        return
    all_clusters = clusters(model)
    for cluster in all_clusters:
        sku = load_balancer_sku(cluster)
        if sku == "standard":
            continue
        pools_unknown = cluster.get("children")
        if isinstance(pools_unknown, Unresolved):  # listed without its pools: its network is unknown
            yield RULE.unresolved(cluster, "children", pools_unknown, UNLISTED_POOLS)
            continue
        matches: list[Related] = []
        unknown: list[tuple[Resource, Unresolved]] = []
        has_network = False
        maybe_peered: list[Resource] = []
        for pool in node_pools(model, cluster):
            vnet = vnet_of_subnet_ref(model, pool, "subnet")
            if isinstance(vnet, Unresolved):
                unknown.append((pool, vnet))
            elif vnet is not None:
                has_network = True
                matches += [related(peering, f"{peering.label} peers {other.label}")
                            for other, peering in peered.peerings_of(vnet)]
                maybe_peered += unlisted.of(vnet)
        if matches:
            if isinstance(sku, Unresolved):
                yield RULE.unresolved(cluster, "load_balancer_sku", sku, "load balancer SKU")
            else:
                yield RULE.at(
                    cluster,
                    f"{cluster.label} is in a peered virtual network but uses the Basic load balancer, "
                    "which cannot be reached over global VNet peering; use 'standard'",
                    attr="load_balancer_sku",
                    related=_unique(matches),
                )
        elif sku == "basic":
            # Not found in a peering — unless an unknown subnet or peering side is its network.
            for pool, value in unknown:
                yield RULE.unresolved(pool, "subnet", value)
            if has_network:
                for peering, side, value in peered.unknown_sides:
                    yield RULE.unresolved(peering, side, value, side.replace("_", " "))
            for vnet in dict.fromkeys(maybe_peered):
                yield RULE.unresolved(vnet, "children", vnet.get("children"), "the list of its peerings")
        elif maybe_peered and isinstance(sku, Unresolved):
            yield RULE.unresolved(cluster, "load_balancer_sku", sku, "load balancer SKU")
    if any(load_balancer_sku(c) != "standard" for c in all_clusters):
        yield from _pools_of_unknown_clusters(model, peered)


def _pools_of_unknown_clusters(model: Model, peered: PeeredNetworks) -> Iterator[Finding]:
    """A pool in a peered network whose cluster cannot be resolved may belong to a Basic one."""
    for pool in model.of_kind(Kind.NODE_POOL):
        owner = ref_target(model, pool, "cluster")
        if not isinstance(owner, Unresolved):
            continue
        vnet = vnet_of_subnet_ref(model, pool, "subnet")
        if isinstance(vnet, VnetId) and peered.peerings_of(vnet):
            yield RULE.unresolved(pool, "cluster", owner, "cluster")


class _UnlistedPeerings:
    """Networks listed without their peerings (``children``: an export without ``properties``),
    by name: a cluster's pools name their network by subnet id, and such a network lists no subnet."""

    def __init__(self, model: Model) -> None:
        self._by_name: dict[str, list[Resource]] = {}
        for vnet in model.of_kind(Kind.VIRTUAL_NETWORK):
            if isinstance(vnet.get("children"), Unresolved) and isinstance(vnet.name, str):
                self._by_name.setdefault(vnet.name.lower(), []).append(vnet)

    def __bool__(self) -> bool:
        return bool(self._by_name)

    def of(self, vnet: VnetId) -> list[Resource]:
        """The unlisted networks ``vnet`` may be."""
        if vnet.name is None:
            return []
        return [
            candidate for candidate in self._by_name.get(vnet.name, ())
            if candidate.key == vnet.key or (vnet.key is None and _same_group(candidate, vnet.resource_group))
        ]


def _same_group(vnet: Resource, group: str | None) -> bool:
    return group is None or not isinstance(vnet.resource_group, str) or vnet.resource_group.lower() == group


def _unique(items: list[Related]) -> list[Related]:
    seen, out = set(), []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


RULE = check
