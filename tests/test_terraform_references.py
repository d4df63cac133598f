"""References between Terraform resources that the model must follow exactly: one instance of a
counted resource (``x.y[each.key].fqdn``, ``x.y["west"].fqdn``, ``x.y[count.index].fqdn``), data
sources named by their arguments (``data.azurerm_public_ip.x.id``), and resources read through
the outputs of a module instance (``module.stamp["east"].ingress_ip``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bcdr_lint.loaders.base import LoadResult
from bcdr_lint.loaders.terraform import _parse, load_module, load_modules
from bcdr_lint.loaders.terraform_eval import Evaluator
from bcdr_lint.model import Model, Ref, Resource, Unresolved
from bcdr_lint.model import azure_id
from tests.helpers import findings_for


def write(folder: Path, text: str, name: str = "main.tf") -> str:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def load(folder: Path, text: str) -> LoadResult:
    path = write(folder, text)
    result = load_module(str(folder), [path])
    assert result.errors == []
    return result


def by_address(result: LoadResult) -> dict[str, Resource]:
    return {r.key.split(":", 2)[2]: r for r in result.resources}


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if needle in line)


# -- 1. one instance of a counted resource -----------------------------------------------------

_INSTANCES = '''variable "later" {
  type = string
}
resource "azurerm_public_ip" "ingress" {
  for_each            = { east = "eastus2", west = "westus2" }
  name                = "pip-${each.key}"
  resource_group_name = "rg-net"
  location            = each.value
  domain_name_label   = "shop-${each.key}"
}
resource "azurerm_public_ip" "numbered" {
  for_each            = toset(["1", "2"])
  name                = "pip-n${each.key}"
  resource_group_name = "rg-net"
  location            = "eastus2"
}
resource "azurerm_public_ip" "counted" {
  count               = 2
  name                = "pip-c${count.index}"
  resource_group_name = "rg-net"
  location            = "westus2"
}
resource "azurerm_traffic_manager_external_endpoint" "stamp" {
  for_each   = { east = "eastus2", west = "westus2" }
  name       = each.key
  profile_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/trafficManagerProfiles/tm"
  target     = azurerm_public_ip.ingress[each.key].fqdn
}
resource "azurerm_traffic_manager_external_endpoint" "literal" {
  name       = "literal"
  profile_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/trafficManagerProfiles/tm"
  target     = azurerm_public_ip.ingress["west"].fqdn
}
resource "azurerm_traffic_manager_external_endpoint" "counted" {
  count      = 2
  name       = "c${count.index}"
  profile_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/trafficManagerProfiles/tm"
  target     = azurerm_public_ip.counted[count.index].ip_address
}
resource "azurerm_traffic_manager_external_endpoint" "by_number" {
  name       = "by-number"
  profile_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/trafficManagerProfiles/tm"
  target     = azurerm_public_ip.numbered[2].ip_address
}
resource "azurerm_traffic_manager_external_endpoint" "by_text" {
  name       = "by-text"
  profile_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/trafficManagerProfiles/tm"
  target     = azurerm_public_ip.counted["1"].ip_address
}
resource "azurerm_traffic_manager_external_endpoint" "missing" {
  name       = "missing"
  profile_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/trafficManagerProfiles/tm"
  target     = azurerm_public_ip.ingress["north"].fqdn
}
resource "azurerm_traffic_manager_external_endpoint" "unknown" {
  name       = "unknown"
  profile_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/trafficManagerProfiles/tm"
  target     = azurerm_public_ip.ingress[var.later].fqdn
}
'''


@pytest.fixture
def instances(tmp_path) -> tuple[Evaluator, dict]:
    path = write(tmp_path, _INSTANCES)
    scope = _parse("stack", [path], [])
    return Evaluator(scope), scope.resources


def _targets(evaluator: Evaluator, block, address: str, attribute: str) -> list[Ref | None]:
    members = evaluator.expand(block, address).members
    return [evaluator.instance_reference(member.arguments["target"], attribute) for _address, member in members]


def test_each_key_reads_the_instance_of_the_same_key(instances):
    evaluator, resources = instances
    refs = _targets(evaluator, resources["azurerm_traffic_manager_external_endpoint.stamp"],
                    "azurerm_traffic_manager_external_endpoint.stamp", "fqdn")
    assert [(r.key, r.text) for r in refs] == [
        ('tf:stack:azurerm_public_ip.ingress["east"]', "azurerm_public_ip.ingress[each.key].fqdn"),
        ('tf:stack:azurerm_public_ip.ingress["west"]', "azurerm_public_ip.ingress[each.key].fqdn"),
    ]


def test_a_literal_key_reads_that_instance(instances):
    evaluator, resources = instances
    arg = resources["azurerm_traffic_manager_external_endpoint.literal"].arguments["target"]
    assert evaluator.instance_reference(arg, "fqdn").key == 'tf:stack:azurerm_public_ip.ingress["west"]'
    assert evaluator.instance_reference(arg, "ip_address") is None  # another attribute


def test_count_index_reads_the_instance_of_the_same_index(instances):
    evaluator, resources = instances
    refs = _targets(evaluator, resources["azurerm_traffic_manager_external_endpoint.counted"],
                    "azurerm_traffic_manager_external_endpoint.counted", "ip_address")
    assert [r.key for r in refs] == ["tf:stack:azurerm_public_ip.counted[0]", "tf:stack:azurerm_public_ip.counted[1]"]


def test_keys_are_converted_as_terraform_converts_them(instances):
    evaluator, resources = instances
    by_number = resources["azurerm_traffic_manager_external_endpoint.by_number"].arguments["target"]
    by_text = resources["azurerm_traffic_manager_external_endpoint.by_text"].arguments["target"]
    assert evaluator.instance_reference(by_number, "ip_address").key == 'tf:stack:azurerm_public_ip.numbered["2"]'
    assert evaluator.instance_reference(by_text, "ip_address").key == "tf:stack:azurerm_public_ip.counted[1]"


def test_a_key_that_is_no_instance_or_unknown_is_no_reference(instances):
    evaluator, resources = instances
    for name in ("missing", "unknown"):
        arg = resources[f"azurerm_traffic_manager_external_endpoint.{name}"].arguments["target"]
        assert evaluator.instance_reference(arg, "fqdn") is None


def test_endpoints_point_at_the_public_ip_instance_they_read(tmp_path):
    found = by_address(load(tmp_path, _INSTANCES))
    model = Model(list(found.values()))
    expected = {
        'azurerm_traffic_manager_external_endpoint.stamp["east"]': 'azurerm_public_ip.ingress["east"]',
        'azurerm_traffic_manager_external_endpoint.stamp["west"]': 'azurerm_public_ip.ingress["west"]',
        "azurerm_traffic_manager_external_endpoint.literal": 'azurerm_public_ip.ingress["west"]',
        "azurerm_traffic_manager_external_endpoint.counted[1]": "azurerm_public_ip.counted[1]",
        "azurerm_traffic_manager_external_endpoint.by_number": 'azurerm_public_ip.numbered["2"]',
    }
    for endpoint, public_ip in expected.items():
        assert model.target(found[endpoint], "host_resource") is found[public_ip], endpoint
    assert "host_resource" not in found["azurerm_traffic_manager_external_endpoint.missing"].refs
    west = found['azurerm_traffic_manager_external_endpoint.stamp["west"]']
    assert west.attr_locations["host_resource"].start_line == line_of(_INSTANCES, "ingress[each.key].fqdn")


# -- 2. data sources named by their arguments ---------------------------------------------------

_DATA = '''data "azurerm_traffic_manager_profile" "tm" {
  name                = "tm-shop"
  resource_group_name = "rg-global"
}
data "azurerm_public_ip" "east" {
  name                = "pip-east"
  resource_group_name = "rg-net"
}
data "azurerm_cdn_frontdoor_profile" "afd" {
  name                = "afd-shop"
  resource_group_name = "rg-global"
}
data "azurerm_mssql_server" "primary" {
  name                = "sql-shop-east"
  resource_group_name = "rg-data"
}
data "azurerm_mssql_database" "orders" {
  name      = "orders"
  server_id = data.azurerm_mssql_server.primary.id
}
data "azurerm_sql_server" "legacy" {
  name                = "sql-legacy"
  resource_group_name = "rg-data"
}
data "azurerm_sql_database" "legacy" {
  name                = "billing"
  server_name         = "sql-legacy"
  resource_group_name = "rg-data"
}
data "azurerm_storage_account" "exports" {
  name                = "stshopexports"
  resource_group_name = "rg-data"
}
data "azurerm_postgresql_flexible_server" "orders" {
  name                = "psql-shop"
  resource_group_name = "rg-data"
}
data "azurerm_mysql_flexible_server" "legacy" {
  name                = "mysql-shop"
  resource_group_name = "rg-data"
}
data "azurerm_cosmosdb_account" "catalog" {
  name                = "cosmos-shop"
  resource_group_name = "rg-data"
}
'''

DATA_IDS = [
    ("data.azurerm_traffic_manager_profile.tm.id", azure_id.TRAFFIC_MANAGER, ("tm-shop",), "rg-global"),
    ("data.azurerm_public_ip.east.id", azure_id.PUBLIC_IP, ("pip-east",), "rg-net"),
    ("data.azurerm_cdn_frontdoor_profile.afd.id", azure_id.CDN_PROFILE, ("afd-shop",), "rg-global"),
    ("data.azurerm_mssql_server.primary.id", azure_id.SQL_SERVER, ("sql-shop-east",), "rg-data"),
    ("data.azurerm_mssql_database.orders.id", azure_id.SQL_DATABASE, ("sql-shop-east", "orders"), "rg-data"),
    ("data.azurerm_sql_server.legacy.id", azure_id.SQL_SERVER, ("sql-legacy",), "rg-data"),
    ("data.azurerm_sql_database.legacy.id", azure_id.SQL_DATABASE, ("sql-legacy", "billing"), "rg-data"),
    ("data.azurerm_storage_account.exports.id", azure_id.STORAGE_ACCOUNT, ("stshopexports",), "rg-data"),
    ("data.azurerm_postgresql_flexible_server.orders.id", azure_id.POSTGRESQL_FLEXIBLE_SERVER, ("psql-shop",),
     "rg-data"),
    ("data.azurerm_mysql_flexible_server.legacy.id", azure_id.MYSQL_FLEXIBLE_SERVER, ("mysql-shop",), "rg-data"),
    ("data.azurerm_cosmosdb_account.catalog.id", azure_id.COSMOS_ACCOUNT, ("cosmos-shop",), "rg-data"),
]


@pytest.mark.parametrize("expression, azure_type, names, group", DATA_IDS)
def test_the_id_of_a_data_source_is_a_reference_by_name(tmp_path, expression, azure_type, names, group):
    path = write(tmp_path, _DATA + f'locals {{\n  id = {expression}\n}}\n')
    evaluator = Evaluator(_parse("stack", [path], []))
    value = evaluator.value_of(evaluator.scope.locals["id"])
    assert value == Ref(type=azure_type, names=names, resource_group=group, text=expression)


def test_a_data_source_whose_name_is_unknown_is_unresolved(tmp_path):
    text = ('variable "pip" {\n  type = string\n}\n'
            'data "azurerm_public_ip" "east" {\n  name                = var.pip\n  resource_group_name = "rg"\n}\n'
            'locals {\n  id = data.azurerm_public_ip.east.id\n}\n')
    evaluator = Evaluator(_parse("stack", [write(tmp_path, text)], []))
    value = evaluator.value_of(evaluator.scope.locals["id"])
    assert isinstance(value, Unresolved)
    assert value.reason == "the data source's name is not known statically"


_NETWORK = '''resource "azurerm_kubernetes_cluster" "east" {
  name                = "aks-east"
  location            = "eastus2"
  resource_group_name = "rg-aks"
  default_node_pool {
    name       = "system"
    node_count = 3
  }
}
resource "azurerm_kubernetes_cluster" "west" {
  name                = "aks-west"
  location            = "westus2"
  resource_group_name = "rg-aks"
  default_node_pool {
    name       = "system"
    node_count = 3
  }
}
resource "azurerm_public_ip" "east" {
  name                = "pip-east"
  resource_group_name = "rg-net"
  location            = "eastus2"
  allocation_method   = "Static"
}
resource "azurerm_public_ip" "west" {
  name                = "pip-west"
  resource_group_name = "rg-net"
  location            = "westus2"
  allocation_method   = "Static"
}
'''

_ROUTING = '''data "azurerm_public_ip" "east" {
  name                = "pip-east"
  resource_group_name = "rg-net"
}
data "azurerm_public_ip" "west" {
  name                = "pip-west"
  resource_group_name = "rg-net"
}
resource "azurerm_traffic_manager_profile" "tm" {
  name                   = "tm-shop"
  resource_group_name    = "rg-global"
  traffic_routing_method = "Priority"
  monitor_config {
    protocol = "HTTPS"
    port     = 443
    path     = "/healthz"
  }
}
resource "azurerm_traffic_manager_azure_endpoint" "east" {
  name               = "east"
  profile_id         = azurerm_traffic_manager_profile.tm.id
  target_resource_id = data.azurerm_public_ip.east.id
  priority           = 1
}
resource "azurerm_traffic_manager_azure_endpoint" "west" {
  name               = "west"
  profile_id         = azurerm_traffic_manager_profile.tm.id
  target_resource_id = data.azurerm_public_ip.west.id
  priority           = 2
}
'''


def test_endpoints_targeting_data_sources_find_the_addresses_another_root_declares(tmp_path, monkeypatch):
    """The stamps' addresses are created by one stack, routed by another: a Ref by name joins them
    (before, each endpoint's region was unresolved: BCDR002 for BCDR202)."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "network", _NETWORK)
    write(tmp_path / "routing", _ROUTING)
    assert findings_for(["network", "routing"], select=["BCDR002", "BCDR202"]) == []
    result = load_modules({"network": ["network/main.tf"], "routing": ["routing/main.tf"]})
    found = by_address(result)
    model = Model(result.resources)
    east = found["azurerm_traffic_manager_azure_endpoint.east"]
    assert model.target(east, "target_resource") is found["azurerm_public_ip.east"]
    assert east.attr_locations["target_resource"].start_line == line_of(_ROUTING, "data.azurerm_public_ip.east.id")


# -- 3. a node pool's cluster, located at its argument -----------------------------------------

_POOL = '''variable "cluster_id" {
  type = string
}
resource "azurerm_kubernetes_cluster" "aks" {
  name                = "aks-east"
  location            = "eastus2"
  resource_group_name = "rg-aks"
  sku_tier            = "Standard"
  default_node_pool {
    name       = "system"
    node_count = 3
    zones      = ["1", "2", "3"]
  }
}
resource "azurerm_kubernetes_cluster_node_pool" "known" {
  name                  = "user"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.aks.id
  node_count            = 3
  zones                 = ["1", "2", "3"]
}
resource "azurerm_kubernetes_cluster_node_pool" "elsewhere" {
  name                  = "batch"
  mode                  = "User"
  kubernetes_cluster_id = var.cluster_id
  node_count            = 3
}
'''


def test_a_node_pool_locates_its_cluster_reference_at_the_argument(tmp_path):
    found = by_address(load(tmp_path, _POOL))
    known = found["azurerm_kubernetes_cluster_node_pool.known"]
    elsewhere = found["azurerm_kubernetes_cluster_node_pool.elsewhere"]
    assert known.loc("cluster").start_line == line_of(_POOL, "= azurerm_kubernetes_cluster.aks.id")
    assert elsewhere.loc("cluster").start_line == line_of(_POOL, "kubernetes_cluster_id = var.cluster_id")
    assert known.loc("cluster").start_col == 3


def test_an_unknown_cluster_is_reported_at_the_argument(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "stack", _POOL)
    assert findings_for(["stack"], select=["BCDR002"]) == [
        ("BCDR002", "stack/main.tf", line_of(_POOL, "kubernetes_cluster_id = var.cluster_id")),
    ]


# -- 4. resources read through module outputs ------------------------------------------------

_STAMP_MODULE = '''variable "region" {
  type = string
}
resource "azurerm_public_ip" "ingress" {
  name                = "pip-${var.region}"
  resource_group_name = "rg-${var.region}"
  location            = var.region
  allocation_method   = "Static"
}
resource "azurerm_kubernetes_cluster" "this" {
  name                = "aks-${var.region}"
  location            = var.region
  resource_group_name = "rg-${var.region}"
  default_node_pool {
    name       = "system"
    node_count = 3
    zones      = ["1", "2", "3"]
  }
}
output "ingress_ip" {
  value = azurerm_public_ip.ingress.ip_address
}
output "cluster_id" {
  value = azurerm_kubernetes_cluster.this.id
}
'''

_WRAPPER_MODULE = '''variable "region" {
  type = string
}
module "inner" {
  source = "../stamp"
  region = var.region
}
output "ingress_ip" {
  value = module.inner.ingress_ip
}
'''

_STAMP_ROOT = '''module "stamp" {
  source   = "../modules/stamp"
  for_each = toset(["eastus2", "westus2"])
  region   = each.key
}
module "north" {
  source = "../modules/wrapper"
  region = "northeurope"
}
resource "azurerm_traffic_manager_profile" "tm" {
  name                   = "tm-shop"
  resource_group_name    = "rg-global"
  traffic_routing_method = "Priority"
}
resource "azurerm_traffic_manager_external_endpoint" "stamp" {
  for_each   = toset(["eastus2", "westus2"])
  name       = each.key
  profile_id = azurerm_traffic_manager_profile.tm.id
  target     = module.stamp[each.key].ingress_ip
}
resource "azurerm_traffic_manager_external_endpoint" "west" {
  name       = "west-again"
  profile_id = azurerm_traffic_manager_profile.tm.id
  target     = module.stamp["westus2"].ingress_ip
}
resource "azurerm_traffic_manager_external_endpoint" "north" {
  name       = "north"
  profile_id = azurerm_traffic_manager_profile.tm.id
  target     = module.north.ingress_ip
}
resource "azurerm_kubernetes_cluster_node_pool" "user" {
  name                  = "user"
  kubernetes_cluster_id = module.stamp["eastus2"].cluster_id
  node_count            = 3
  zones                 = ["1", "2", "3"]
}
'''


@pytest.fixture
def stamps(tmp_path) -> dict[str, Resource]:
    folders = {
        "modules/stamp": write(tmp_path / "modules" / "stamp", _STAMP_MODULE),
        "modules/wrapper": write(tmp_path / "modules" / "wrapper", _WRAPPER_MODULE),
        "root": write(tmp_path / "root", _STAMP_ROOT),
    }
    result = load_modules({str(tmp_path / folder): [path] for folder, path in folders.items()})
    assert result.errors == []
    return by_address(result)


def test_a_host_read_through_a_module_output_is_the_instance_it_reads(stamps):
    model = Model(list(stamps.values()))
    endpoint = "azurerm_traffic_manager_external_endpoint"
    expected = {
        f'{endpoint}.stamp["eastus2"]': 'module.stamp["eastus2"].azurerm_public_ip.ingress',
        f'{endpoint}.stamp["westus2"]': 'module.stamp["westus2"].azurerm_public_ip.ingress',
        f"{endpoint}.west": 'module.stamp["westus2"].azurerm_public_ip.ingress',
        # Through an output that is itself another module's output.
        f"{endpoint}.north": "module.north.module.inner.azurerm_public_ip.ingress",
    }
    for address, public_ip in expected.items():
        assert model.target(stamps[address], "host_resource") is stamps[public_ip], address
    east = stamps[f'{endpoint}.stamp["eastus2"]']
    assert east.refs["host_resource"].text == "module.stamp[each.key].ingress_ip"
    assert east.attr_locations["host_resource"].start_line == line_of(_STAMP_ROOT, "module.stamp[each.key].ingress_ip")


def test_a_node_pool_in_the_root_belongs_to_the_cluster_a_module_output_names(stamps):
    model = Model(list(stamps.values()))
    pool = stamps["azurerm_kubernetes_cluster_node_pool.user"]
    assert model.target(pool, "cluster") is stamps['module.stamp["eastus2"].azurerm_kubernetes_cluster.this']
    assert pool.azure_names == ("aks-eastus2", "user")
    assert pool.resource_group == "rg-eastus2"
    # Messages name the reference as the root writes it, not as the module's output does.
    assert pool.refs["cluster"].text == 'module.stamp["eastus2"].cluster_id'


def test_a_host_read_through_a_local_value_is_the_instance_it_reads(tmp_path):
    text = '''locals {
  east_host = azurerm_public_ip.ingress["east"].fqdn
  alias     = local.east_host
  loop      = local.loop
}
resource "azurerm_public_ip" "ingress" {
  for_each            = toset(["east", "west"])
  name                = "pip-${each.key}"
  resource_group_name = "rg-net"
  location            = "eastus2"
  domain_name_label   = "shop-${each.key}"
}
'''
    evaluator = Evaluator(_parse("stack", [write(tmp_path, text)], []))
    alias = evaluator.instance_reference(evaluator.scope.locals["alias"], "fqdn")
    assert (alias.key, alias.text) == ('tf:stack:azurerm_public_ip.ingress["east"]', "local.east_host")
    assert evaluator.instance_reference(evaluator.scope.locals["loop"], "fqdn") is None  # refers to itself
