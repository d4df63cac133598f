"""count and for_each over known values: one resource per instance, addressed as Terraform
addresses it, with count.index / each.key / each.value evaluated inside; references to one
instance, to all of them (splat, for) and from one instance to another's."""

from __future__ import annotations

from pathlib import Path

from bcdr_lint.loaders.base import LoadResult
from bcdr_lint.loaders.terraform import load_module
from bcdr_lint.model import Kind, Model, Ref, Resource, Unresolved
from bcdr_lint.model import azure_id

_STAMPS = '''variable "stamps" {
  default = {
    east = { region = "eastus2", cidr = "10.1.0.0/16" }
    west = { region = "westus3", cidr = "10.2.0.0/16" }
  }
}
variable "later" {
  type = number
}
resource "azurerm_virtual_network" "stamp" {
  for_each            = var.stamps
  name                = "vnet-${each.key}"
  location            = each.value.region
  resource_group_name = "rg-net"
  address_space       = [each.value.cidr]
}
resource "azurerm_subnet" "aks" {
  for_each             = azurerm_virtual_network.stamp
  name                 = "snet-aks-${each.key}"
  resource_group_name  = each.value.resource_group_name
  virtual_network_name = each.value.name
}
resource "azurerm_kubernetes_cluster" "stamp" {
  for_each            = var.stamps
  name                = "aks-${each.key}"
  location            = azurerm_virtual_network.stamp[each.key].location
  resource_group_name = "rg-aks"
  default_node_pool {
    name           = "system"
    vnet_subnet_id = azurerm_subnet.aks[each.key].id
  }
}
resource "azurerm_kubernetes_cluster_node_pool" "user" {
  count                 = 2
  name                  = "user${count.index}"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.stamp["east"].id
  zones                 = [tostring(count.index + 1)]
}
resource "azurerm_container_registry" "acr" {
  name                = "acrshop"
  location            = "eastus2"
  resource_group_name = "rg-aks"
  sku                 = "Premium"
  dynamic "georeplications" {
    for_each = { for key, cluster in azurerm_kubernetes_cluster.stamp : key => cluster if key != "east" }
    content {
      location = georeplications.value.location
    }
  }
}
resource "azurerm_virtual_network_peering" "later" {
  count                     = var.later
  name                      = "peer-${count.index}"
  resource_group_name       = "rg-net"
  virtual_network_name      = azurerm_virtual_network.stamp["east"].name
  remote_virtual_network_id = azurerm_virtual_network.stamp["west"].id
}
resource "azurerm_resource_group" "names" {
  name     = join(",", azurerm_kubernetes_cluster_node_pool.user[*].name)
  location = azurerm_virtual_network_peering.later[0].name
}
resource "azurerm_virtual_network" "probe" {
  name          = "probe"
  address_space = azurerm_virtual_network_peering.later[*].name
}
'''


def load(tmp_path: Path, text: str = _STAMPS) -> LoadResult:
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    return load_module("stack", [str(tmp_path / "main.tf")])


def by_address(result: LoadResult) -> dict[str, Resource]:
    return {r.key.split(":", 2)[2]: r for r in result.resources}


def test_each_instance_is_one_resource_keyed_by_its_terraform_address(tmp_path):
    result = load(tmp_path)
    assert result.errors == []
    found = by_address(result)
    assert [address for address in found if not address.startswith("azurerm_container_registry")] == [
        'azurerm_virtual_network.stamp["east"]', 'azurerm_virtual_network.stamp["west"]',
        'azurerm_subnet.aks["east"]', 'azurerm_subnet.aks["west"]',
        'azurerm_kubernetes_cluster.stamp["east"]', 'azurerm_kubernetes_cluster.stamp["east"]/default_node_pool',
        'azurerm_kubernetes_cluster.stamp["west"]', 'azurerm_kubernetes_cluster.stamp["west"]/default_node_pool',
        "azurerm_kubernetes_cluster_node_pool.user[0]", "azurerm_kubernetes_cluster_node_pool.user[1]",
        "azurerm_virtual_network_peering.later", "azurerm_resource_group.names", "azurerm_virtual_network.probe",
    ]
    east, west = found['azurerm_virtual_network.stamp["east"]'], found['azurerm_virtual_network.stamp["west"]']
    assert (east.name, east.region, east.get("address_space")) == ("vnet-east", "eastus2", ["10.1.0.0/16"])
    assert (west.name, west.region, west.get("address_space")) == ("vnet-west", "westus3", ["10.2.0.0/16"])
    # Both are declared by the same block, certainly deployed.
    assert east.location == west.location and east.location.start_line == 10
    assert "deployed" not in east.attrs and east.loc("region").start_line == 13


def test_references_pick_the_instance_and_the_model_follows_them(tmp_path):
    result = load(tmp_path)
    found = by_address(result)
    model = Model(result.resources)
    for key in ("east", "west"):
        cluster = found[f'azurerm_kubernetes_cluster.stamp["{key}"]']
        pool = found[f'azurerm_kubernetes_cluster.stamp["{key}"]/default_node_pool']
        subnet = found[f'azurerm_subnet.aks["{key}"]']
        assert cluster.region == {"east": "eastus2", "west": "westus3"}[key]
        assert model.target(pool, "subnet") is subnet
        assert model.target(subnet, "vnet") is found[f'azurerm_virtual_network.stamp["{key}"]']
        assert subnet.azure_names == (f"vnet-{key}", f"snet-aks-{key}")
    east = found['azurerm_kubernetes_cluster.stamp["east"]']
    users = [found[f"azurerm_kubernetes_cluster_node_pool.user[{i}]"] for i in (0, 1)]
    assert [(p.name, p.get("zones"), model.target(p, "cluster")) for p in users] == [
        ("user0", ["1"], east), ("user1", ["2"], east)]
    assert users[0].refs["cluster"] == Ref(
        type=azure_id.AKS_CLUSTER, names=("aks-east",), resource_group="rg-aks",
        key='tf:stack:azurerm_kubernetes_cluster.stamp["east"]', text='azurerm_kubernetes_cluster.stamp["east"].id')


def test_splats_and_for_expressions_see_every_instance(tmp_path):
    found = by_address(load(tmp_path))
    assert found["azurerm_resource_group.names"].name == "user0,user1"
    replicas = [r for r in found.values() if r.kind is Kind.REGISTRY_REPLICA]
    assert [(r.key.rsplit(":", 1)[1], r.region) for r in replicas] == [
        ("azurerm_container_registry.acr/georeplications[westus3]", "westus3")]


def test_an_unknown_count_keeps_one_uncertain_stand_in_that_references_reach(tmp_path):
    found = by_address(load(tmp_path))
    peering = found["azurerm_virtual_network_peering.later"]
    deployed = peering.get("deployed")
    assert (deployed.expression, deployed.reason) == ("var.later", "variable has no default")
    assert peering.name == Unresolved('"peer-${count.index}"', "count.index: the count is not known statically",
                                      peering.loc("name"))
    names = found["azurerm_resource_group.names"]
    # [0] is the stand-in (which may not exist); a splat would need to know how many there are.
    assert (names.region.expression, names.region.reason) == (
        "azurerm_virtual_network_peering.later[0].name", "count.index: the count is not known statically")
    splat = found["azurerm_virtual_network.probe"].get("address_space")
    assert isinstance(splat, Unresolved) and splat.reason == (
        "the instances of azurerm_virtual_network_peering.later are not known statically: "
        "var.later: variable has no default")


def test_for_each_set_keys_and_data_sources_with_instances(tmp_path):
    text = '''data "azurerm_virtual_network" "hub" {
  for_each            = toset(["hub-a", "hub \\"b\\""])
  name                = each.key
  resource_group_name = "rg-hub"
}
resource "azurerm_virtual_network_peering" "to_hub" {
  for_each                  = data.azurerm_virtual_network.hub
  name                      = "to-${each.key}"
  resource_group_name       = "rg-spoke"
  virtual_network_name      = "spoke"
  remote_virtual_network_id = each.value.id
}
'''
    found = by_address(load(tmp_path, text))
    assert list(found) == ['azurerm_virtual_network_peering.to_hub["hub \\"b\\""]',
                           'azurerm_virtual_network_peering.to_hub["hub-a"]']
    peering = found['azurerm_virtual_network_peering.to_hub["hub-a"]']
    assert peering.refs["remote_vnet"] == Ref(type=azure_id.VIRTUAL_NETWORK, names=("hub-a",),
                                              resource_group="rg-hub", text="each.value.id")


def test_for_each_that_is_not_a_map_or_set_of_strings_is_an_error(tmp_path):
    text = 'resource "azurerm_resource_group" "g" {\n  for_each = [{ a = 1 }]\n  name = "rg"\n}\n'
    result = load(tmp_path, text)
    assert [(e.location.start_line, e.message) for e in result.errors] == [
        (2, "for_each must be a map or a set of strings (got [{ a = 1 }])")]
    assert [r.key for r in result.resources] == ["tf:stack:azurerm_resource_group.g"]


def test_a_whole_resource_is_no_attribute_value(tmp_path):
    text = ('resource "azurerm_resource_group" "g" {\n  name = "rg"\n}\n'
            'resource "azurerm_virtual_network" "v" {\n  name = "v"\n  address_space = azurerm_resource_group.g\n}\n')
    (_group, vnet) = load(tmp_path, text).resources
    value = vnet.get("address_space")
    assert (value.expression, value.reason) == (
        "azurerm_resource_group.g", "reference to the whole resource azurerm_resource_group.g")


def test_the_instance_an_argument_reads_is_an_exact_reference(tmp_path):
    from bcdr_lint.loaders.terraform_eval import Evaluator
    from bcdr_lint.loaders.terraform import _parse

    text = '''variable "regions" {
  default = ["northeurope", "westeurope"]
}
resource "azurerm_public_ip" "ingress" {
  count               = 2
  name                = "pip-${var.regions[count.index]}"
  resource_group_name = "rg"
}
resource "azurerm_public_ip" "one" {
  name                = "pip-one"
  resource_group_name = "rg"
}
resource "azurerm_cdn_frontdoor_origin" "web" {
  count     = 2
  name      = "web-${count.index}"
  host_name = azurerm_public_ip.ingress[count.index].fqdn
}
resource "azurerm_cdn_frontdoor_origin" "single" {
  name      = "single"
  host_name = azurerm_public_ip.one.fqdn
}
'''
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    scope = _parse("stack", [str(tmp_path / "main.tf")], [])
    evaluator = Evaluator(scope)
    origins = evaluator.expand(scope.resources["azurerm_cdn_frontdoor_origin.web"], "azurerm_cdn_frontdoor_origin.web")
    refs = [evaluator.instance_reference(member.arguments["host_name"], "fqdn") for _address, member in origins.members]
    assert [(r.key, r.text) for r in refs] == [
        ("tf:stack:azurerm_public_ip.ingress[0]", "azurerm_public_ip.ingress[count.index].fqdn"),
        ("tf:stack:azurerm_public_ip.ingress[1]", "azurerm_public_ip.ingress[count.index].fqdn"),
    ]
    single = scope.resources["azurerm_cdn_frontdoor_origin.single"].arguments["host_name"]
    assert evaluator.instance_reference(single, "fqdn").key == "tf:stack:azurerm_public_ip.one"
    assert evaluator.instance_reference(single, "ip_address") is None
