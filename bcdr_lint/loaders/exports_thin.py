"""Export rows without ``properties`` (``az resource list``) or without ``sku``: what is unknown.

Such a row still says a resource exists, where and under which name; the attributes the
contract (``model/resource.py``) takes from the missing part are not "unset" — unset would mean
a default (no load balancer SKU means Standard) — but unknown. Each becomes an ``Unresolved``
naming the property and how to export it in full, so rules report BCDR002 instead of passing on
a default. Inline children (agent pool profiles, subnets, peerings) are simply absent.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Mapping

from bcdr_lint.model import Kind, Location, Resource, Unresolved

PROPERTIES = "properties"
SKU = "sku"

FULL_EXPORT = ('for a full export use `az graph query -q "Resources | where ..." --first 1000` '
               "or `az group export`")

# kind -> attribute -> (the row part it comes from, the property as ARM spells it)
_FROM: Mapping[Kind, Mapping[str, tuple[str, str]]] = {
    Kind.AKS_CLUSTER: {
        "load_balancer_sku": (PROPERTIES, "properties.networkProfile.loadBalancerSku"),
        "sku_tier": (SKU, "sku.tier"),
    },
    Kind.CONTAINER_REGISTRY: {
        "sku": (SKU, "sku.name"),
        "zone_redundancy": (PROPERTIES, "properties.zoneRedundancy"),
    },
    Kind.REGISTRY_REPLICA: {"zone_redundancy": (PROPERTIES, "properties.zoneRedundancy")},
    Kind.VIRTUAL_NETWORK: {"address_space": (PROPERTIES, "properties.addressSpace.addressPrefixes")},
    Kind.TRAFFIC_MANAGER: {
        "routing_method": (PROPERTIES, "properties.trafficRoutingMethod"),
        "enabled": (PROPERTIES, "properties.profileStatus"),
        "monitor": (PROPERTIES, "properties.monitorConfig"),
    },
    Kind.FRONT_DOOR: {"sku": (SKU, "sku.name")},
    Kind.PUBLIC_IP: {
        "fqdn": (PROPERTIES, "properties.dnsSettings.fqdn"),
        "domain_name_label": (PROPERTIES, "properties.dnsSettings.domainNameLabel"),
        "sku": (SKU, "sku.name"),
    },
    Kind.STORAGE_ACCOUNT: {
        "sku": (SKU, "sku.name"),
        "replication": (SKU, "sku.name"),
        "tier": (SKU, "sku.tier"),
    },
    Kind.DATABASE_SERVER: {
        "geo_redundant_backup": (PROPERTIES, "properties.backup.geoRedundantBackup"),
        "create_mode": (PROPERTIES, "properties.createMode"),
    },
    Kind.SQL_DATABASE: {"sku": (SKU, "sku.name")},
    Kind.SQL_FAILOVER_GROUP: {"databases": (PROPERTIES, "properties.databases")},
    Kind.COSMOS_ACCOUNT: {
        "locations": (PROPERTIES, "properties.locations"),
        "automatic_failover": (PROPERTIES, "properties.enableAutomaticFailover"),
        "multiple_write_locations": (PROPERTIES, "properties.enableMultipleWriteLocations"),
    },
}


def missing_parts(row: Mapping[str, Any]) -> tuple[str, ...]:
    """Which of ``properties`` and ``sku`` the row lacks (absent or null)."""
    return tuple(part for part in (PROPERTIES, SKU) if not isinstance(row.get(part), dict))


def mark_thin(resource: Resource, missing: Mapping[str, Location]) -> Resource:
    """``resource`` with every attribute taken from a missing part unknown; ``missing`` maps
    each missing part to where the row lacks it."""
    wanted = {attr: source for attr, source in _FROM.get(resource.kind, {}).items() if source[0] in missing}
    if not wanted:
        return resource
    attrs = dict(resource.attrs)
    locations = dict(resource.attr_locations)
    for attr, (part, spelled) in wanted.items():
        where = missing[part]
        reason = f"the export lists this resource without its `{part}`, as `az resource list` does; {FULL_EXPORT}"
        attrs[attr] = Unresolved(spelled, reason, where)
        locations[attr] = where
    return dataclasses.replace(resource, attrs=attrs, attr_locations=locations)
