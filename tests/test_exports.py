"""Subscription exports (``az graph query``, ``az resource list``) read into the same model as templates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bcdr_lint.loaders.arm import load_file
from bcdr_lint.loaders.exports import is_export
from bcdr_lint.model import Kind, Location, Model, Ref, Resource, Unresolved

GRAPH = "tests/inputs/exports/graph/multi-region.json"
ARRAY = "tests/inputs/exports/graph-array/multi-region.json"
LIST = "fixtures/BCDR302/unresolved/export/az-resource-list.json"
SUB = "/subscriptions/6f2c1b9e-4d3a-4b8e-9a51-2f7d0c3e8b14"


@pytest.fixture(autouse=True)
def _at_root(at_root):
    return at_root


def _summary(resources: list[Resource]) -> list[tuple[str, str, object, int]]:
    return [(r.kind.value, str(r.name), r.region, r.location.start_line) for r in resources]


def _by_name(resources: list[Resource]) -> dict[str, Resource]:
    return {str(r.name): r for r in resources}


def test_resource_graph_rows_become_the_same_kinds_as_templates() -> None:
    result = load_file(GRAPH)
    assert result.errors == []
    assert _summary(result.resources) == [
        ("container-registry", "retailacr", "eastus2", 4),
        ("registry-replica", "retailacr/centralus", "centralus", 40),
        ("virtual-network", "vnet-retail-eastus2", "eastus2", 65),
        ("subnet", "vnet-retail-eastus2/snet-aks-nodes", None, 86),
        ("subnet", "vnet-retail-eastus2/snet-ingress", None, 98),
        ("vnet-peering", "vnet-retail-eastus2/peer-to-centralus", None, 112),
        ("virtual-network", "vnet-retail-centralus", "centralus", 142),
        ("subnet", "vnet-retail-centralus/snet-aks-nodes", None, 163),
        ("subnet", "vnet-retail-centralus/snet-ingress", None, 175),
        ("vnet-peering", "vnet-retail-centralus/peer-to-eastus2", None, 189),
        ("aks-cluster", "aks-retail-eastus2", "eastus2", 219),
        ("aks-node-pool", "aks-retail-eastus2/system", None, 244),
        ("aks-cluster", "aks-retail-centralus", "centralus", 293),
        ("aks-node-pool", "aks-retail-centralus/system", None, 318),
    ]


def test_the_bare_array_shape_reads_the_same() -> None:
    graph, array = load_file(GRAPH).resources, load_file(ARRAY).resources
    assert [(r.kind, r.name, r.region, dict(r.attrs)) for r in graph] == [
        (r.kind, r.name, r.region, dict(r.attrs)) for r in array
    ]


def test_attributes_and_where_they_are_written() -> None:
    found = _by_name(load_file(GRAPH).resources)
    cluster = found["aks-retail-eastus2"]
    assert (cluster.get("load_balancer_sku"), cluster.get("sku_tier")) == ("standard", "standard")
    assert cluster.resource_group == "rg-retail-eastus2"
    assert cluster.source_type == "microsoft.containerservice/managedclusters"
    assert cluster.location == Location(GRAPH, 219, 5, 292, 6)  # the row's object
    assert cluster.loc("region") == Location(GRAPH, 225, 7, 225, 28)
    pool = found["aks-retail-eastus2/system"]
    assert (pool.get("pool_name"), pool.get("mode"), pool.get("zones"), pool.get("count")) == (
        "system", "system", ["1", "2", "3"], 3)
    registry = found["retailacr"]
    assert (registry.get("sku"), registry.get("zone_redundancy")) == ("premium", True)
    assert found["vnet-retail-eastus2"].get("address_space") == ["10.40.0.0/16"]


def test_keys_are_the_file_and_the_lower_case_resource_id() -> None:
    found = _by_name(load_file(GRAPH).resources)
    replica = found["retailacr/centralus"]
    assert replica.key == (f"export:{GRAPH}:{SUB}/resourcegroups/rg-retail-shared/providers/"
                           "microsoft.containerregistry/registries/retailacr/replications/centralus")
    assert replica.azure_names == ("retailacr", "centralus")
    subnet = found["vnet-retail-eastus2/snet-aks-nodes"]
    assert subnet.key == (f"export:{GRAPH}:{SUB}/resourcegroups/rg-retail-eastus2/providers/"
                          "microsoft.network/virtualnetworks/vnet-retail-eastus2/subnets/snet-aks-nodes")


def test_references_follow_ids_across_rows() -> None:
    model = Model(load_file(GRAPH).resources)
    found = _by_name(model.resources)
    pool = found["aks-retail-centralus/system"]
    subnet = model.target(pool, "subnet")
    assert subnet is found["vnet-retail-centralus/snet-aks-nodes"]
    assert model.target(subnet, "vnet") is found["vnet-retail-centralus"]
    assert model.target(pool, "cluster") is found["aks-retail-centralus"]
    assert model.target(found["retailacr/centralus"], "registry") is found["retailacr"]
    peering = found["vnet-retail-eastus2/peer-to-centralus"]
    assert model.target(peering, "local_vnet") is found["vnet-retail-eastus2"]
    assert model.target(peering, "remote_vnet") is found["vnet-retail-centralus"]


def test_strings_in_an_export_are_never_expressions(tmp_path: Path) -> None:
    export = tmp_path / "graph.json"
    row = {"id": f"{SUB}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acr",
           "name": "acr", "type": "microsoft.containerregistry/registries", "location": "eastus2",
           "resourceGroup": "rg", "sku": {"name": "[parameters('sku')]"}, "properties": {"zoneRedundancy": "Enabled"}}
    export.write_text(json.dumps([row]), encoding="utf-8")
    result = load_file(str(export))
    assert result.errors == []
    (registry,) = result.resources
    assert registry.get("sku") == "[parameters('sku')]"  # as deployed: text, not an expression


# -- exports without properties ---------------------------------------------------------------


def test_az_resource_list_rows_say_what_they_lack() -> None:
    found = _by_name(load_file(LIST).resources)
    assert sorted(found) == ["aks-payments-eastus2", "paymentsacr", "vnet-payments-eastus2"]  # no pools
    cluster = found["aks-payments-eastus2"]
    assert cluster.region == "eastus2" and cluster.get("sku_tier") == "standard"  # sku is in the list
    lb = cluster.get("load_balancer_sku")
    assert isinstance(lb, Unresolved)
    assert lb.expression == "properties.networkProfile.loadBalancerSku"
    assert lb.reason == (
        "the export lists this resource without its `properties`, as `az resource list` does; "
        'for a full export use `az graph query -q "Resources | where ..." --first 1000` or `az group export`'
    )
    assert lb.location == Location(LIST, 13, 5, 13, 23)  # `"properties": null`
    registry = found["paymentsacr"]
    assert registry.get("sku") == Unresolved(
        "sku.name", registry.get("sku").reason.replace("`properties`", "`sku`"), Location(LIST, 61, 5, 61, 16))
    assert "without its `sku`" in registry.get("sku").reason
    assert isinstance(registry.get("zone_redundancy"), Unresolved)


def test_a_graph_query_that_projects_properties_away_is_as_thin(tmp_path: Path) -> None:
    export = tmp_path / "clusters.json"
    export.write_text(json.dumps({"count": 1, "data": [{
        "id": f"{SUB}/resourceGroups/rg-a/providers/Microsoft.ContainerService/managedClusters/aks-a",
        "name": "aks-a", "type": "microsoft.containerservice/managedclusters", "location": "westus3",
    }], "skip_token": None, "total_records": 1}, indent=2), encoding="utf-8")
    (cluster,) = load_file(str(export)).resources
    assert cluster.region == "westus3"
    assert cluster.get("load_balancer_sku").location == cluster.location  # at the row: nothing else to point at
    assert isinstance(cluster.get("sku_tier"), Unresolved)


# -- odd rows and other JSON --------------------------------------------------------------------


def test_resource_groups_from_resource_containers_and_unknown_types(tmp_path: Path) -> None:
    export = tmp_path / "containers.json"
    export.write_text(json.dumps([
        {"id": f"{SUB}/resourceGroups/rg-dr", "name": "rg-dr",
         "type": "microsoft.resources/subscriptions/resourcegroups", "location": "centralus", "properties": {}},
        {"id": f"{SUB}/resourceGroups/rg-dr/providers/Microsoft.KeyVault/vaults/kv-dr", "name": "kv-dr",
         "type": "microsoft.keyvault/vaults", "location": "centralus", "properties": {}},
    ]), encoding="utf-8")
    (group,) = load_file(str(export)).resources
    assert (group.kind, group.name, group.region) == (Kind.RESOURCE_GROUP, "rg-dr", "centralus")


def test_an_id_without_a_resource_group_takes_the_rows(tmp_path: Path) -> None:
    export = tmp_path / "odd.json"
    export.write_text(json.dumps([{
        "id": "/providers/Microsoft.ContainerRegistry/registries/acr-odd", "name": "acr-odd",
        "type": "Microsoft.ContainerRegistry/registries", "location": "eastus", "resourceGroup": "rg-odd",
        "sku": {"name": "Basic"}, "properties": {}}]), encoding="utf-8")
    (registry,) = load_file(str(export)).resources
    assert (registry.azure_names, registry.resource_group, registry.get("sku")) == (("acr-odd",), "rg-odd", "basic")


@pytest.mark.parametrize("data", [
    [],
    [{"name": "lodash", "version": "4.17.21"}],
    [{"id": "1", "type": "user", "name": "ada"}],  # an id, but no Azure resource id
    {"data": [{"id": f"{SUB}/resourceGroups/rg", "type": "a/b", "name": "x"}]},  # no count: not a query result
    {"value": 1},
    {"count": 2, "data": [{"id": 7, "name": "ada", "type": "admin"}, {"id": 8, "name": "bob"}]},  # an API's page
    # A template's resources copied into a file of their own are declarations, not deployed rows.
    [{"type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01", "name": "[parameters('acr')]"}],
])
def test_other_json_is_not_an_export(data: object) -> None:
    assert not is_export(data)


def test_a_pool_reference_in_a_row_is_a_ref_by_azure_id() -> None:
    pool = _by_name(load_file(GRAPH).resources)["aks-retail-eastus2/system"]
    subnet = pool.refs["subnet"]
    assert isinstance(subnet, Ref)
    assert (subnet.type, subnet.names, subnet.resource_group) == (
        "microsoft.network/virtualnetworks/subnets", ("vnet-retail-eastus2", "snet-aks-nodes"), "rg-retail-eastus2")


# -- rows a query projected: identity from what the row has ---------------------------------------


def _cluster_row(name: str, group: str, **row: object) -> dict:
    return {"id": f"{SUB}/resourceGroups/{group}/providers/Microsoft.ContainerService/managedClusters/{name}",
            "name": name, "type": "microsoft.containerservice/managedclusters", "location": "eastus2",
            "resourceGroup": group, "subscriptionId": SUB.rsplit("/", 1)[1], "sku": {"tier": "Standard"},
            "properties": {"networkProfile": {"loadBalancerSku": "standard"}}, **row}


def test_a_row_without_an_id_does_not_hide_the_others(tmp_path: Path) -> None:
    # `project name, type, location, resourceGroup, subscriptionId, sku, properties`: no id.
    with_id = _cluster_row("aks-a", "rg-a")
    without = {k: v for k, v in _cluster_row("aks-b", "rg-b").items() if k != "id"}
    export = tmp_path / "clusters.json"
    export.write_text(json.dumps({"count": 2, "data": [with_id, without]}, indent=2), encoding="utf-8")
    result = load_file(str(export))
    assert result.errors == []
    a, b = result.resources
    assert (a.name, b.name) == ("aks-a", "aks-b")
    assert (b.azure_type, b.azure_names, b.resource_group, b.region) == (
        "microsoft.containerservice/managedclusters", ("aks-b",), "rg-b", "eastus2")
    assert b.key == (f"export:{export}:{SUB.lower()}/resourcegroups/rg-b/providers/"
                     "microsoft.containerservice/managedclusters/aks-b")
    assert b.location.start_line == 20  # its row


def test_child_rows_without_ids_spell_their_name_path(tmp_path: Path) -> None:
    export = tmp_path / "acr.json"
    export.write_text(json.dumps([
        {"name": "acr/westus3", "type": "Microsoft.ContainerRegistry/registries/replications", "location": "westus3",
         "resourceGroup": "rg-acr", "properties": {"zoneRedundancy": "Enabled"}},
        {"name": "acr", "type": "Microsoft.ContainerRegistry/registries", "location": "eastus2",
         "resourceGroup": "rg-acr", "sku": {"name": "Premium"}, "properties": {"zoneRedundancy": "Enabled"}},
    ]), encoding="utf-8")
    model = Model(load_file(str(export)).resources)
    replica, registry = model.resources
    assert replica.key == f"export:{export}:/resourcegroups/rg-acr/providers/microsoft.containerregistry/registries/acr/replications/westus3"
    assert model.target(replica, "registry") is registry  # listed before its registry, still its own


def test_rows_with_only_an_id_take_type_and_name_from_it(tmp_path: Path) -> None:
    export = tmp_path / "ids.json"
    export.write_text(json.dumps({"count": 1, "data": [{
        "id": f"{SUB}/resourceGroups/rg-a/providers/Microsoft.Network/virtualNetworks/vnet-a", "location": "West US 3",
    }]}), encoding="utf-8")
    (vnet,) = load_file(str(export)).resources
    assert (vnet.kind, vnet.name, vnet.region, vnet.resource_group) == (Kind.VIRTUAL_NETWORK, "vnet-a", "westus3", "rg-a")


def test_a_row_that_names_no_resource_is_reported_at_its_line(tmp_path: Path) -> None:
    export = tmp_path / "projected.json"
    export.write_text(json.dumps({"count": 2, "data": [
        _cluster_row("aks-a", "rg-a"),
        {"location": "eastus2", "resourceGroup": "rg-b"},  # `project location, resourceGroup`
    ]}, indent=2), encoding="utf-8")
    result = load_file(str(export))
    assert [r.name for r in result.resources] == ["aks-a"]
    (error,) = result.errors
    assert (error.location.path, error.location.start_line) == (str(export), 20)
    assert error.message.startswith("this export row has no Azure resource `type` and `name`, so it was not read")


# -- rows without properties: nothing a rule reads from them passes for a default ---------------------

THIN_TYPES = {
    "Microsoft.ContainerService/managedClusters/agentPools": ("aks/system", {
        "mode": "properties.mode", "zones": "properties.availabilityZones", "count": "properties.count",
        "min_count": "properties.minCount", "max_count": "properties.maxCount"}, {"subnet": "properties.vnetSubnetID"}),
    "Microsoft.Network/virtualNetworks/virtualNetworkPeerings": ("vnet/peer", {},
                                                               {"remote_vnet": "properties.remoteVirtualNetwork.id"}),
    "Microsoft.Network/trafficManagerProfiles/azureEndpoints": ("tm/east", {
        "enabled": "properties.endpointStatus", "endpoint_location": "properties.endpointLocation",
        "geo_mappings": "properties.geoMapping", "target": "properties.target"},
        {"target_resource": "properties.targetResourceId"}),
    "Microsoft.Cdn/profiles/originGroups": ("afd/og", {"health_probe": "properties.healthProbeSettings"}, {}),
    "Microsoft.Cdn/profiles/originGroups/origins": ("afd/og/east", {
        "enabled": "properties.enabledState", "host_name": "properties.hostName"},
        {"target_resource": "properties.azureOrigin.id"}),
    "Microsoft.Sql/servers/databases": ("sql/orders", {"create_mode": "properties.createMode"},
                                        {"source_database": "properties.sourceDatabaseId"}),
    "Microsoft.DBforPostgreSQL/flexibleServers": ("pg", {
        "geo_redundant_backup": "properties.backup.geoRedundantBackup", "create_mode": "properties.createMode"},
        {"source_server": "properties.sourceServerResourceId"}),
}


@pytest.mark.parametrize("resource_type", sorted(THIN_TYPES))
def test_rows_without_properties_leave_every_property_unknown(tmp_path: Path, resource_type: str) -> None:
    name, attrs, refs = THIN_TYPES[resource_type]
    export = tmp_path / "list.json"
    export.write_text(json.dumps([{"name": name, "type": resource_type, "location": "eastus2",
                                   "resourceGroup": "rg", "properties": None}], indent=2), encoding="utf-8")
    (resource,) = load_file(str(export)).resources
    assert {a: resource.get(a).expression for a in attrs} == attrs
    assert {r: resource.refs[r].expression for r in refs} == refs
    assert all(resource.get(a).location.start_line == 7 for a in attrs)  # at `"properties": null`


def test_list_attributes_without_properties_keep_their_shape(tmp_path: Path) -> None:
    export = tmp_path / "data.json"
    export.write_text(json.dumps([
        {"name": "sql/fog", "type": "Microsoft.Sql/servers/failoverGroups", "resourceGroup": "rg"},
        {"name": "cosmos", "type": "Microsoft.DocumentDB/databaseAccounts", "location": "eastus2", "resourceGroup": "rg"},
    ]), encoding="utf-8")
    group, account = load_file(str(export)).resources
    (databases,) = group.get("databases")  # a list of references, one of them unknown
    assert isinstance(databases, Unresolved) and databases.expression == "properties.databases"
    assert isinstance(group.refs["partner_server"], Unresolved)
    (location,) = account.get("locations")  # one entry standing for locations of unknown number
    assert (location["region"].expression, location["count_unknown"]) == ("properties.locations", True)


def test_parents_without_properties_say_their_inline_children_are_unknown(tmp_path: Path) -> None:
    export = tmp_path / "list.json"
    export.write_text(json.dumps([
        {"name": name, "type": resource_type, "location": "eastus2", "resourceGroup": "rg"}
        for name, resource_type in [("aks", "Microsoft.ContainerService/managedClusters"),
                                    ("vnet", "Microsoft.Network/virtualNetworks"),
                                    ("tm", "Microsoft.Network/trafficManagerProfiles"),
                                    ("fd", "Microsoft.Network/frontDoors"),
                                    ("acr", "Microsoft.ContainerRegistry/registries")]
    ]), encoding="utf-8")
    children = {str(r.name): r.get("children") for r in load_file(str(export)).resources}
    assert {name: value.expression if value else None for name, value in children.items()} == {
        "aks": "properties.agentPoolProfiles",
        "vnet": "properties.virtualNetworkPeerings",
        "tm": "properties.endpoints",
        "fd": "properties.backendPools",
        "acr": None,  # replications are resources of their own, listed as rows
    }
    full = {str(r.name): r.get("children") for r in load_file(GRAPH).resources}
    assert full["aks-retail-eastus2"] is None and full["vnet-retail-eastus2"] is None


def test_a_deployed_read_replica_is_a_replica_although_no_create_mode_is_exported(tmp_path: Path) -> None:
    # createMode is a creation-time input the API does not return; a deployed replica says
    # replicationRole (MySQL: Replica; PostgreSQL: AsyncReplica, GeoAsyncReplica).
    group = f"{SUB}/resourceGroups/rg-db/providers"
    export = tmp_path / "db.json"
    export.write_text(json.dumps({"count": 3, "data": [
        {"id": f"{group}/Microsoft.DBforMySQL/flexibleServers/mysql-a", "name": "mysql-a", "location": "eastus2",
         "type": "microsoft.dbformysql/flexibleservers", "properties": {"replicationRole": "Source",
                                                                        "backup": {"geoRedundantBackup": "Disabled"}}},
        {"id": f"{group}/Microsoft.DBforMySQL/flexibleServers/mysql-a-cus", "name": "mysql-a-cus", "location": "centralus",
         "type": "microsoft.dbformysql/flexibleservers", "properties": {
             "replicationRole": "Replica", "backup": {"geoRedundantBackup": "Disabled"},
             "sourceServerResourceId": f"{group}/Microsoft.DBforMySQL/flexibleServers/mysql-a"}},
        {"id": f"{group}/Microsoft.DBforPostgreSQL/flexibleServers/pg-b", "name": "pg-b", "location": "centralus",
         "type": "microsoft.dbforpostgresql/flexibleservers", "properties": {"replicationRole": "GeoAsyncReplica"}},
    ]}, indent=2), encoding="utf-8")
    model = Model(load_file(str(export)).resources)
    source, replica, pg = model.resources
    assert (source.get("create_mode"), replica.get("create_mode"), pg.get("create_mode")) == (None, "replica", "replica")
    assert replica.loc("create_mode").start_line == 22  # `"replicationRole": "Replica"`
    assert model.target(replica, "source_server") is source


def test_types_in_any_case_and_display_name_regions(tmp_path: Path) -> None:
    export = tmp_path / "mixed.json"
    export.write_text(json.dumps({"count": 1, "data": [_cluster_row(
        "aks-a", "rg-a", type="MICROSOFT.CONTAINERSERVICE/ManagedClusters", location="East US 2",
        properties={"agentPoolProfiles": [{"name": "system", "mode": "System", "count": 3}]})]}), encoding="utf-8")
    cluster, pool = load_file(str(export)).resources
    assert (cluster.kind, cluster.region, cluster.azure_type) == (Kind.AKS_CLUSTER, "eastus2", "microsoft.containerservice/managedclusters")
    assert pool.get("zones") is None  # not written: no zones, which BCDR801 reports
