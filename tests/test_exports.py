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
])
def test_other_json_is_not_an_export(data: object) -> None:
    assert not is_export(data)


def test_a_pool_reference_in_a_row_is_a_ref_by_azure_id() -> None:
    pool = _by_name(load_file(GRAPH).resources)["aks-retail-eastus2/system"]
    subnet = pool.refs["subnet"]
    assert isinstance(subnet, Ref)
    assert (subnet.type, subnet.names, subnet.resource_group) == (
        "microsoft.network/virtualnetworks/subnets", ("vnet-retail-eastus2", "snet-aks-nodes"), "rg-retail-eastus2")
