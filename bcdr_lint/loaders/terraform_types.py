"""How azurerm resource types name the Azure resources they manage.

Each entry says which arguments make up the Azure resource id, so that ``azurerm_subnet.x.id``
and ``data.azurerm_subnet.x.id`` become references the model can follow across formats.
"""

from __future__ import annotations

from dataclasses import dataclass

from bcdr_lint.model import Ref, azure_id


@dataclass(frozen=True)
class IdentitySpec:
    azure_type: str
    # The names of the id after the provider namespace, in order (``vnet``, ``subnet``).
    name_arguments: tuple[str, ...]
    # An argument holding the parent's id (a node pool's cluster): its names come first.
    parent_id_argument: str | None = None


IDENTITIES: dict[str, IdentitySpec] = {
    "azurerm_resource_group": IdentitySpec(azure_id.RESOURCE_GROUP, ("name",)),
    "azurerm_kubernetes_cluster": IdentitySpec(azure_id.AKS_CLUSTER, ("name",)),
    "azurerm_kubernetes_cluster_node_pool": IdentitySpec(
        azure_id.AKS_AGENT_POOL, ("name",), parent_id_argument="kubernetes_cluster_id"
    ),
    "azurerm_container_registry": IdentitySpec(azure_id.REGISTRY, ("name",)),
    "azurerm_virtual_network": IdentitySpec(azure_id.VIRTUAL_NETWORK, ("name",)),
    "azurerm_subnet": IdentitySpec(azure_id.SUBNET, ("virtual_network_name", "name")),
    "azurerm_virtual_network_peering": IdentitySpec(azure_id.VNET_PEERING, ("virtual_network_name", "name")),
}

# Data sources are named by their arguments (a parent mostly by name, not by id): their id is a
# reference by Azure name that the model matches to the resource another stack declares.
DATA_IDENTITIES: dict[str, IdentitySpec] = {
    **IDENTITIES,
    "azurerm_kubernetes_cluster_node_pool": IdentitySpec(
        azure_id.AKS_AGENT_POOL, ("kubernetes_cluster_name", "name")
    ),
    "azurerm_traffic_manager_profile": IdentitySpec(azure_id.TRAFFIC_MANAGER, ("name",)),
    "azurerm_public_ip": IdentitySpec(azure_id.PUBLIC_IP, ("name",)),
    "azurerm_cdn_frontdoor_profile": IdentitySpec(azure_id.CDN_PROFILE, ("name",)),
    "azurerm_mssql_server": IdentitySpec(azure_id.SQL_SERVER, ("name",)),
    "azurerm_mssql_database": IdentitySpec(azure_id.SQL_DATABASE, ("name",), parent_id_argument="server_id"),
    # azurerm 2.x/3.x spellings of the SQL data sources.
    "azurerm_sql_server": IdentitySpec(azure_id.SQL_SERVER, ("name",)),
    "azurerm_sql_database": IdentitySpec(azure_id.SQL_DATABASE, ("server_name", "name")),
    "azurerm_storage_account": IdentitySpec(azure_id.STORAGE_ACCOUNT, ("name",)),
    "azurerm_postgresql_flexible_server": IdentitySpec(azure_id.POSTGRESQL_FLEXIBLE_SERVER, ("name",)),
    "azurerm_mysql_flexible_server": IdentitySpec(azure_id.MYSQL_FLEXIBLE_SERVER, ("name",)),
    "azurerm_cosmosdb_account": IdentitySpec(azure_id.COSMOS_ACCOUNT, ("name",)),
}


def resource_key(folder: str, address: str) -> str:
    return f"tf:{folder}:{address}"


# Azure's own spelling of the id segments of the types above (ids compare case-insensitively;
# this is for the people who read them).
_ID_SPELLING = {
    "microsoft.containerservice": "Microsoft.ContainerService",
    "managedclusters": "managedClusters",
    "agentpools": "agentPools",
    "microsoft.containerregistry": "Microsoft.ContainerRegistry",
    "registries": "registries",
    "replications": "replications",
    "microsoft.network": "Microsoft.Network",
    "virtualnetworks": "virtualNetworks",
    "subnets": "subnets",
    "virtualnetworkpeerings": "virtualNetworkPeerings",
    "trafficmanagerprofiles": "trafficManagerProfiles",
    "publicipaddresses": "publicIPAddresses",
    "microsoft.cdn": "Microsoft.Cdn",
    "profiles": "profiles",
    "microsoft.sql": "Microsoft.Sql",
    "servers": "servers",
    "databases": "databases",
    "microsoft.storage": "Microsoft.Storage",
    "storageaccounts": "storageAccounts",
    "microsoft.dbforpostgresql": "Microsoft.DBforPostgreSQL",
    "microsoft.dbformysql": "Microsoft.DBforMySQL",
    "flexibleservers": "flexibleServers",
    "microsoft.documentdb": "Microsoft.DocumentDB",
    "databaseaccounts": "databaseAccounts",
}


def azure_id_text(ref: Ref) -> str | None:
    """The id Azure gives the resource ``ref`` names, with the subscription (known only at
    apply time) written ``unknown``; ``None`` unless its type, names and group are all known."""
    if ref.type is None or not ref.names or not isinstance(ref.resource_group, str):
        return None
    group = f"/subscriptions/unknown/resourceGroups/{ref.resource_group}"
    if ref.type == azure_id.RESOURCE_GROUP:
        return group
    namespace, *types = [_ID_SPELLING.get(part, part) for part in ref.type.split("/")]
    if len(types) != len(ref.names):
        return None
    path = "/".join(f"{kind}/{name}" for kind, name in zip(types, ref.names))
    return f"{group}/providers/{namespace}/{path}"
