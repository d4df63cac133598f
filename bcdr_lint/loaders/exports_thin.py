"""Export rows without ``properties`` (``az resource list``) or without ``sku``: what is unknown.

Such a row still says a resource exists, where and under which name; the attributes the
contract (``model/resource.py``) takes from the missing part are not "unset" — unset would mean
a default (no load balancer SKU means Standard, no endpoint status means enabled) — but unknown.
Each becomes an ``Unresolved`` naming the property and how to export it in full, so rules report
BCDR002 instead of passing on a default; so does each reference written in the missing part
(a pool's subnet, a peering's remote network). List attributes keep the shape the contract gives
them (a list holding one unknown entry, as the ARM builders do for an array they cannot evaluate).

Children written inline in ``properties`` (a cluster's node pools, a network's peerings, a Traffic
Manager profile's endpoints, a classic Front Door's backend pools) are absent from such a row:
the resource's ``children`` attribute says so, and a rule that needs them reports that instead
of checking nothing.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Mapping

from bcdr_lint.model import Kind, Location, Resource, Unresolved, azure_id

PROPERTIES = "properties"
SKU = "sku"

FULL_EXPORT = ('for a full export use `az graph query -q "Resources | where ..." --first 1000` '
               "or `az group export`")


def _single(value: Unresolved) -> Any:
    return value


def _list(value: Unresolved) -> Any:
    return [value]


def _locations(value: Unresolved) -> Any:
    return [{"region": value, "failover_priority": None, "count_unknown": True}]  # how many: unknown too


# kind -> attribute -> (the row part it comes from, the property as ARM spells it, its shape)
_Shape = Callable[[Unresolved], Any]
_FROM: Mapping[Kind, Mapping[str, tuple[str, str, _Shape]]] = {
    Kind.AKS_CLUSTER: {
        "load_balancer_sku": (PROPERTIES, "properties.networkProfile.loadBalancerSku", _single),
        "sku_tier": (SKU, "sku.tier", _single),
    },
    Kind.NODE_POOL: {
        "mode": (PROPERTIES, "properties.mode", _single),
        "zones": (PROPERTIES, "properties.availabilityZones", _single),
        "count": (PROPERTIES, "properties.count", _single),
        "min_count": (PROPERTIES, "properties.minCount", _single),
        "max_count": (PROPERTIES, "properties.maxCount", _single),
    },
    Kind.CONTAINER_REGISTRY: {
        "sku": (SKU, "sku.name", _single),
        "zone_redundancy": (PROPERTIES, "properties.zoneRedundancy", _single),
    },
    Kind.REGISTRY_REPLICA: {"zone_redundancy": (PROPERTIES, "properties.zoneRedundancy", _single)},
    Kind.VIRTUAL_NETWORK: {"address_space": (PROPERTIES, "properties.addressSpace.addressPrefixes", _single)},
    Kind.TRAFFIC_MANAGER: {
        "routing_method": (PROPERTIES, "properties.trafficRoutingMethod", _single),
        "enabled": (PROPERTIES, "properties.profileStatus", _single),
        "monitor": (PROPERTIES, "properties.monitorConfig", _single),
    },
    Kind.TRAFFIC_MANAGER_ENDPOINT: {
        "enabled": (PROPERTIES, "properties.endpointStatus", _single),
        "endpoint_location": (PROPERTIES, "properties.endpointLocation", _single),
        "geo_mappings": (PROPERTIES, "properties.geoMapping", _single),
        "target": (PROPERTIES, "properties.target", _single),
    },
    Kind.FRONT_DOOR: {"sku": (SKU, "sku.name", _single)},
    Kind.FRONT_DOOR_ORIGIN_GROUP: {"health_probe": (PROPERTIES, "properties.healthProbeSettings", _single)},
    Kind.FRONT_DOOR_ORIGIN: {
        "enabled": (PROPERTIES, "properties.enabledState", _single),
        "host_name": (PROPERTIES, "properties.hostName", _single),
    },
    Kind.PUBLIC_IP: {
        "fqdn": (PROPERTIES, "properties.dnsSettings.fqdn", _single),
        "domain_name_label": (PROPERTIES, "properties.dnsSettings.domainNameLabel", _single),
        "sku": (SKU, "sku.name", _single),
    },
    Kind.STORAGE_ACCOUNT: {
        "sku": (SKU, "sku.name", _single),
        "replication": (SKU, "sku.name", _single),
        "tier": (SKU, "sku.tier", _single),
    },
    Kind.DATABASE_SERVER: {
        "geo_redundant_backup": (PROPERTIES, "properties.backup.geoRedundantBackup", _single),
        "create_mode": (PROPERTIES, "properties.createMode", _single),
    },
    Kind.SQL_DATABASE: {
        "sku": (SKU, "sku.name", _single),
        "create_mode": (PROPERTIES, "properties.createMode", _single),
    },
    Kind.SQL_FAILOVER_GROUP: {
        "databases": (PROPERTIES, "properties.databases", _list),
        "partner_servers": (PROPERTIES, "properties.partnerServers", _list),
    },
    Kind.COSMOS_ACCOUNT: {
        "locations": (PROPERTIES, "properties.locations", _locations),
        "automatic_failover": (PROPERTIES, "properties.enableAutomaticFailover", _single),
        "multiple_write_locations": (PROPERTIES, "properties.enableMultipleWriteLocations", _single),
    },
}

# kind -> reference -> the property (in ``properties``) that holds it
_REFS_FROM: Mapping[Kind, Mapping[str, str]] = {
    Kind.NODE_POOL: {"subnet": "properties.vnetSubnetID"},
    Kind.VNET_PEERING: {"remote_vnet": "properties.remoteVirtualNetwork.id"},
    Kind.TRAFFIC_MANAGER_ENDPOINT: {"target_resource": "properties.targetResourceId"},
    Kind.FRONT_DOOR_ORIGIN: {"target_resource": "properties.azureOrigin.id"},
    Kind.DATABASE_SERVER: {"source_server": "properties.sourceServerResourceId"},
    Kind.SQL_DATABASE: {"source_database": "properties.sourceDatabaseId"},
    Kind.SQL_FAILOVER_GROUP: {"partner_server": "properties.partnerServers"},
}

# Azure type -> where its children are written inline (only rows of these types list them there).
_CHILDREN_IN: Mapping[str, str] = {
    azure_id.AKS_CLUSTER: "properties.agentPoolProfiles",
    azure_id.VIRTUAL_NETWORK: "properties.virtualNetworkPeerings",
    azure_id.TRAFFIC_MANAGER: "properties.endpoints",
    azure_id.CLASSIC_FRONT_DOOR: "properties.backendPools",
}

CHILDREN = "children"


def missing_parts(row: Mapping[str, Any]) -> tuple[str, ...]:
    """Which of ``properties`` and ``sku`` the row lacks (absent or null)."""
    return tuple(part for part in (PROPERTIES, SKU) if not isinstance(row.get(part), dict))


def _reason(part: str) -> str:
    return f"the export lists this resource without its `{part}`, as `az resource list` does; {FULL_EXPORT}"


def mark_thin(resource: Resource, missing: Mapping[str, Location]) -> Resource:
    """``resource`` with every attribute and reference taken from a missing part unknown;
    ``missing`` maps each missing part to where the row lacks it."""
    attrs = dict(resource.attrs)
    locations = dict(resource.attr_locations)
    refs = dict(resource.refs)
    for attr, (part, spelled, shape) in _FROM.get(resource.kind, {}).items():
        if part in missing:
            attrs[attr] = shape(Unresolved(spelled, _reason(part), missing[part]))
            locations[attr] = missing[part]
    if PROPERTIES in missing:
        where = missing[PROPERTIES]
        for ref, spelled in _REFS_FROM.get(resource.kind, {}).items():
            refs[ref] = Unresolved(spelled, _reason(PROPERTIES), where)
            locations[ref] = where
        inline = _CHILDREN_IN.get(resource.azure_type or "")
        if inline is not None:
            attrs[CHILDREN] = Unresolved(inline, _reason(PROPERTIES), where)
            locations[CHILDREN] = where
    if attrs == resource.attrs and refs == resource.refs:
        return resource
    return dataclasses.replace(resource, attrs=attrs, attr_locations=locations, refs=refs)
