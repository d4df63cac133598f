"""Azure resource ids and types: one spelling for every format."""

from __future__ import annotations

from bcdr_lint.model.location import Location
from bcdr_lint.model.values import Ref, Unresolved

AKS_CLUSTER = "microsoft.containerservice/managedclusters"
AKS_AGENT_POOL = "microsoft.containerservice/managedclusters/agentpools"
REGISTRY = "microsoft.containerregistry/registries"
REGISTRY_REPLICATION = "microsoft.containerregistry/registries/replications"
VIRTUAL_NETWORK = "microsoft.network/virtualnetworks"
SUBNET = "microsoft.network/virtualnetworks/subnets"
VNET_PEERING = "microsoft.network/virtualnetworks/virtualnetworkpeerings"
RESOURCE_GROUP = "microsoft.resources/resourcegroups"
# Global traffic routing (BCDR2xx).
TRAFFIC_MANAGER = "microsoft.network/trafficmanagerprofiles"
CDN_PROFILE = "microsoft.cdn/profiles"
FRONT_DOOR_ORIGIN_GROUP = "microsoft.cdn/profiles/origingroups"
FRONT_DOOR_ORIGIN = "microsoft.cdn/profiles/origingroups/origins"
CLASSIC_FRONT_DOOR = "microsoft.network/frontdoors"
CLASSIC_FRONT_DOOR_POOL = "microsoft.network/frontdoors/backendpools"
PUBLIC_IP = "microsoft.network/publicipaddresses"
# Data services (BCDR6xx).
STORAGE_ACCOUNT = "microsoft.storage/storageaccounts"
POSTGRESQL_FLEXIBLE_SERVER = "microsoft.dbforpostgresql/flexibleservers"
MYSQL_FLEXIBLE_SERVER = "microsoft.dbformysql/flexibleservers"
SQL_SERVER = "microsoft.sql/servers"
SQL_DATABASE = "microsoft.sql/servers/databases"
SQL_FAILOVER_GROUP = "microsoft.sql/servers/failovergroups"
COSMOS_ACCOUNT = "microsoft.documentdb/databaseaccounts"


def ref_from_azure_id(text: str) -> Ref | None:
    """``/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s``
    -> ``Ref(type="microsoft.network/virtualnetworks/subnets", names=("v", "s"), resource_group="rg")``.

    Returns None for text that is not a resource id.
    """
    parts = [p for p in text.strip().split("/") if p]
    lowered = [p.lower() for p in parts]
    if "providers" not in lowered:
        if len(parts) == 4 and lowered[0] == "subscriptions" and lowered[2] == "resourcegroups":
            return Ref(type=RESOURCE_GROUP, names=(parts[3],), text=text)
        return None
    index = len(lowered) - 1 - lowered[::-1].index("providers")
    resource_group = None
    if "resourcegroups" in lowered[:index]:
        rg_index = lowered.index("resourcegroups")
        if rg_index + 1 < index:
            resource_group = parts[rg_index + 1]
    rest = parts[index + 1:]
    if len(rest) < 3 or len(rest) % 2 == 0:
        return None
    namespace, pairs = rest[0], rest[1:]
    types = [pairs[i] for i in range(0, len(pairs), 2)]
    names = tuple(pairs[i] for i in range(1, len(pairs), 2))
    return Ref(type="/".join([namespace, *types]).lower(), names=names, resource_group=resource_group, text=text)


def ref_from_type_and_names(resource_type: str, names: tuple[str, ...], resource_group: str | None = None, text: str = "") -> Ref:
    return Ref(type=resource_type.lower(), names=tuple(names), resource_group=resource_group, text=text)


def public_ip_fqdn(label: object, region: object, hashed: bool, where: Location | None = None) -> str | Unresolved:
    """``<label>.<region>.cloudapp.azure.com``: the DNS name Azure gives a public IP address with a
    domain name label. Unknown when either part is, or when a label scope makes Azure add a hash."""
    if hashed:
        return Unresolved(str(label), "a domain name label scope makes Azure add a hash to the name", where)
    if isinstance(label, Unresolved):
        return label
    if not isinstance(label, str) or not label:
        return Unresolved(str(label), "the domain name label is not a name", where)
    if isinstance(region, Unresolved):
        return Unresolved(region.expression, f"the address's region is unresolved: {region.reason}", where)
    if not isinstance(region, str):
        return Unresolved("(not set)", "the address declares no location", where)
    return f"{label}.{region}.cloudapp.azure.com".lower()
