"""The Terraform loader across folders: module calls, auto-loaded tfvars files, dynamic nested
blocks and heredoc templates."""

from __future__ import annotations

from pathlib import Path

import pytest

from bcdr_lint.loaders import terraform_resources
from bcdr_lint.loaders.base import LoadResult
from bcdr_lint.loaders.terraform import load_module, load_modules
from bcdr_lint.model import Kind, Model, Resource, Unresolved
from tests.helpers import findings_for, run

REMOTE = "registry and remote modules are not read offline"
NOT_CHECKED = "the module folder is not among the checked paths"


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """Write ``{path: text}`` under a fresh working directory; return the folder -> files map."""
    monkeypatch.chdir(tmp_path)

    def write(files: dict[str, str]) -> dict[str, list[str]]:
        folders: dict[str, list[str]] = {}
        for path, text in files.items():
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(text, encoding="utf-8")
            if path.endswith(".tf"):
                folders.setdefault(Path(path).parent.as_posix(), []).append(path)
        return {folder: sorted(paths) for folder, paths in folders.items()}

    return write


def by_key(result: LoadResult) -> dict[str, Resource]:
    return {r.key: r for r in result.resources}


def errors(result: LoadResult) -> list[tuple[str, str, int]]:
    return [(e.message, e.location.path, e.location.start_line) for e in result.errors]


def unresolved(value: object) -> tuple[str, str, str, int]:
    assert isinstance(value, Unresolved), value
    assert value.location is not None
    return value.expression, value.reason, value.location.path, value.location.start_line


_CLUSTER = '''resource "azurerm_kubernetes_cluster" "c" {
  name                = "aks"
  location            = var.location
  resource_group_name = "rg"
  dns_prefix          = "aks"
}
'''

_VARIABLES = '''variable "location" {
  default = "eastus2"
}
variable "sku" {
  default = "premium"
}
'''

# -- module calls that the model cannot read ---------------------------------------------------

_CALLS = '''module "registry" {
  source   = "Azure/aks/azurerm"
  version  = "9.0.0"
  location = "centralus"
}
module "git" {
  source = "git::https://example.com/aks.git//modules/aks?ref=v1"
}
module "https" {
  source = "https://example.com/aks.zip"
}
module "elsewhere" {
  source = "../shared/aks"
}
module "off" {
  count  = 0
  source = "Azure/aks/azurerm"
}
module "maybe" {
  for_each = var.stamps
  source   = "Azure/aks/azurerm"
}
variable "stamps" {}
'''


def test_non_local_and_unchecked_module_calls_are_unread_deployments_at_the_call(tree):
    result = load_modules(tree({"main.tf": _CALLS}))
    assert errors(result) == []
    assert [(r.kind, r.key, r.name, r.source_type, r.location.start_line, r.get("source"), r.get("reason"),
             r.loc("source").start_line) for r in result.resources if "deployed" not in r.attrs] == [
        (Kind.UNREAD_DEPLOYMENT, "tf:.:module.registry", "registry", "module", 1, "Azure/aks/azurerm", REMOTE, 2),
        (Kind.UNREAD_DEPLOYMENT, "tf:.:module.git", "git", "module", 6,
         "git::https://example.com/aks.git//modules/aks?ref=v1", REMOTE, 7),
        (Kind.UNREAD_DEPLOYMENT, "tf:.:module.https", "https", "module", 9, "https://example.com/aks.zip", REMOTE, 10),
        (Kind.UNREAD_DEPLOYMENT, "tf:.:module.elsewhere", "elsewhere", "module", 12, "../shared/aks", NOT_CHECKED, 13),
    ]


def test_a_module_call_that_is_never_made_is_absent_and_an_uncertain_one_says_so(tree):
    found = by_key(load_modules(tree({"main.tf": _CALLS})))
    assert "tf:.:module.off" not in found
    assert unresolved(found["tf:.:module.maybe"].get("deployed")) == (
        "var.stamps", "variable has no default", "main.tf", 20)


def test_a_local_module_folder_that_is_not_checked_is_unread(tree):
    folders = tree({"live/main.tf": 'module "aks" {\n  source = "./modules/aks"\n}\n',
                    "live/modules/aks/main.tf": _VARIABLES + _CLUSTER})
    result = load_modules({"live": folders["live"]})
    assert [(r.key, r.get("reason")) for r in result.resources] == [("tf:live:module.aks", NOT_CHECKED)]


@pytest.mark.parametrize(
    ("block", "message", "line"),
    [
        ('module "a" {\n  version = "1"\n}\n', "module 'a' has no source", 1),
        ('module "a" {\n  source = var.where\n}\n', "module source must be a literal string (got var.where)", 2),
        ('module "a" "b" {\n  source = "./x"\n}\n', "module block needs a name", 1),
    ],
)
def test_module_blocks_terraform_rejects_are_parse_errors(tree, block, message, line):
    result = load_modules(tree({"main.tf": block}))
    assert errors(result) == [(message, "main.tf", line)]
    assert result.resources == []


# -- local module folders that are checked -----------------------------------------------------

_ROOT_CALLS_CHILD = '''module "dr" {
  source   = "../../modules/aks"
  location = "centralus"
}
'''


def test_a_checked_local_module_is_instantiated_with_the_values_of_the_call(tree):
    folders = tree({
        "infra/envs/prod/main.tf": _ROOT_CALLS_CHILD,
        "infra/modules/aks/variables.tf": _VARIABLES,
        "infra/modules/aks/main.tf": _CLUSTER,
    })
    result = load_modules(folders)
    assert errors(result) == []
    # The call itself is no unread deployment, and the child folder is no root of its own.
    (cluster,) = result.resources
    assert cluster.key == "tf:infra/envs/prod:module.dr.azurerm_kubernetes_cluster.c"
    assert (cluster.region, cluster.location.path, cluster.loc("region").start_line) == (
        "centralus", "infra/modules/aks/main.tf", 3)


def test_a_child_variable_no_call_sets_keeps_its_default(tree):
    cluster = '''resource "azurerm_container_registry" "r" {
  name                = "acr"
  location            = var.location
  resource_group_name = "rg"
  sku                 = var.sku
}
'''
    folders = tree({"main.tf": 'module "a" {\n  source = "./child"\n  location = "westus"\n}\n',
                    "child/main.tf": _VARIABLES + cluster})
    (registry,) = load_modules(folders).resources
    assert (registry.get("sku"), registry.region) == ("premium", "westus")


def test_every_call_instantiates_the_module_once_under_its_own_root(tree):
    folders = tree({
        "a/main.tf": 'module "x" {\n  source = "../child"\n  location = "westus"\n}\n',
        "b/main.tf": '\nmodule "y" {\n  source = "./../child/"\n  location = "eastus"\n}\n',
        "child/main.tf": _VARIABLES + _CLUSTER,
    })
    assert [(r.key, r.region) for r in load_modules(folders).resources] == [
        ("tf:a:module.x.azurerm_kubernetes_cluster.c", "westus"),
        ("tf:b:module.y.azurerm_kubernetes_cluster.c", "eastus"),
    ]


def test_the_same_folder_loaded_alone_is_a_root_module_with_its_defaults(tree):
    folders = tree({"main.tf": _ROOT_CALLS_CHILD.replace("../../modules/aks", "./child"),
                    "child/main.tf": _VARIABLES + _CLUSTER})
    (cluster,) = load_module("child", folders["child"]).resources
    assert cluster.region == "eastus2"


def test_one_folder_that_fails_does_not_stop_the_others(tree, monkeypatch):
    folders = tree({"a/main.tf": _VARIABLES + _CLUSTER, "b/main.tf": _VARIABLES + _CLUSTER,
                    "c/main.tf": "resource {\n"})
    original = terraform_resources.ResourceBuilder.build

    def build(self, address, block, deployed=None):
        if self.folder == "a":
            raise KeyError("boom")
        return original(self, address, block, deployed)

    monkeypatch.setattr(terraform_resources.ResourceBuilder, "build", build)
    result = load_modules(folders)
    assert [r.key for r in result.resources] == ["tf:b:azurerm_kubernetes_cluster.c"]
    assert sorted((path, line) for _message, path, line in errors(result)) == [("a/main.tf", 1), ("c/main.tf", 1)]
    (crash,) = [message for message, path, _line in errors(result) if path == "a/main.tf"]
    assert crash == "bcdr-lint could not read this file (internal error KeyError: 'boom'); please report it"


# -- auto-loaded variable files ----------------------------------------------------------------


def test_tfvars_files_override_defaults_in_terraform_order(tree):
    folders = tree({
        "main.tf": _VARIABLES + _CLUSTER + 'variable "zones" {\n  default = []\n}\n',
        "terraform.tfvars": 'location = "westeurope"\nsku = "basic"\n',
        "terraform.tfvars.json": '{"sku": "standard", "zones": ["1", "2"]}',
        "b.auto.tfvars": 'location = "northeurope"\n',
        "a.auto.tfvars.json": '{"location": "swedencentral"}',
        "other.tfvars": 'location = "never"\n',  # only with --var-file
    })
    (cluster,) = load_modules(folders).resources
    assert cluster.region == "northeurope"  # b.auto.tfvars comes after a.auto.tfvars.json
    assert cluster.loc("region").path == "main.tf" and cluster.loc("region").start_line == 9


def test_a_tfvars_value_that_is_not_a_literal_is_unresolved_at_the_resource(tree):
    folders = tree({"main.tf": _VARIABLES + _CLUSTER, "terraform.tfvars": '\nlocation = lower(var.x)\n'})
    (cluster,) = load_modules(folders).resources
    assert unresolved(cluster.region) == (
        "var.location", "lower(var.x): set in terraform.tfvars:2: functions may not be called in a variables file",
        "main.tf", 9)


@pytest.mark.parametrize(
    ("name", "text", "message", "line"),
    [
        ("terraform.tfvars", 'sku = "basic"\nlocation = \n', None, 2),
        ("x.auto.tfvars", 'sku = "basic"\nblock {\n}\n', "a variables file holds only `name = value` lines, not blocks", 2),
        ("terraform.tfvars.json", '{\n  "location": "westus",\n}', "invalid JSON: ", 3),
        ("terraform.tfvars.json", '["westus"]', "a variables file must hold one JSON object", 1),
    ],
)
def test_a_variables_file_that_does_not_parse_is_reported_at_its_line(tree, name, text, message, line):
    result = load_modules(tree({"main.tf": _VARIABLES + _CLUSTER, name: text}))
    ((got_message, path, got_line),) = errors(result)
    assert (path, got_line) == (name, line)
    if message is not None:
        assert got_message.startswith(message)  # json's wording differs between Python versions
    assert result.resources[0].region == "eastus2"  # the file's other values are not applied


def test_a_child_module_does_not_read_tfvars_files(tree):
    folders = tree({"main.tf": 'module "a" {\n  source = "./child"\n}\n',
                    "child/main.tf": _VARIABLES + _CLUSTER, "child/terraform.tfvars": 'location = "westus"\n'})
    (cluster,) = load_modules(folders).resources
    assert cluster.region == "eastus2"


def test_tfvars_in_a_subfolder_are_read_through_the_cli(tree):
    tree({"infra/main.tf": _VARIABLES + _CLUSTER, "infra/terraform.tfvars": 'location = "westus"\n'})
    (cluster,) = [r for r in load_modules({"infra": ["infra/main.tf"]}).resources]
    assert cluster.region == "westus"
    assert findings_for(["infra"], ["BCDR101"]) == [("BCDR101", "infra/main.tf", 9)]


def test_a_broken_tfvars_file_is_bcdr001_through_the_cli(tree):
    tree({"main.tf": _VARIABLES + _CLUSTER, "terraform.tfvars": 'location = "westus"\nsku = [\n'})
    assert [(f.rule_id, f.location.path) for f in run(["."], ["BCDR001"])] == [("BCDR001", "terraform.tfvars")]


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        # Terraform: "Attribute redefined"; the first value is not silently replaced by a guess.
        ('location = "westus"\nsku = "basic"\nlocation = "northeurope"\n',
         "argument 'location' is set twice in this file", 3),
        # Terraform: "Variables not allowed", "Function calls not allowed" (also inside values).
        ('sku = "basic"\nlocation = var.region\n', "variables may not be used in a variables file", 2),
        ('location = lower("WestUS")\n', "functions may not be called in a variables file", 1),
        ('sku = "basic"\nzones = [local.zone, "2"]\n', "variables may not be used in a variables file", 2),
    ],
)
def test_what_terraform_rejects_in_a_tfvars_file_is_bcdr001_at_its_line(tree, text, message, line):
    result = load_modules(tree({"main.tf": _VARIABLES + _CLUSTER, "terraform.tfvars": text}))
    assert errors(result) == [(message, "terraform.tfvars", line)]


def test_a_for_expression_over_literals_in_a_tfvars_file_is_a_value(tree):
    folders = tree({"main.tf": _VARIABLES + _CLUSTER,
                    "terraform.tfvars": 'location = [for r in ["westus3"] : r][0]\n'})
    result = load_modules(folders)
    assert (errors(result), result.resources[0].region) == ([], "westus3")


# -- nested blocks written with dynamic --------------------------------------------------------


def _profile(for_each: str, content: str = '      load_balancer_sku = network_profile.value') -> str:
    return f'''variable "unknown" {{}}
resource "azurerm_kubernetes_cluster" "c" {{
  name                = "aks"
  location            = "eastus"
  resource_group_name = "rg"
  dns_prefix          = "aks"
  dynamic "network_profile" {{
    for_each = {for_each}
    content {{
{content}
    }}
  }}
}}
resource "azurerm_kubernetes_cluster" "d" {{
  name                = "aks-d"
  location            = "westus"
  resource_group_name = "rg"
  dns_prefix          = "aks-d"
  network_profile {{
    load_balancer_sku = azurerm_kubernetes_cluster.c.network_profile[0].load_balancer_sku
  }}
}}
'''


def _clusters(tree, text: str) -> tuple[Resource, Resource]:
    result = load_modules(tree({"main.tf": text}))
    assert errors(result) == []
    return result.resources[0], result.resources[1]


def test_a_dynamic_nested_block_with_a_known_for_each_is_read(tree):
    c, d = _clusters(tree, _profile('["Basic"]'))
    assert (c.get("load_balancer_sku"), c.loc("load_balancer_sku").start_line) == ("basic", 10)
    assert (d.get("load_balancer_sku"), d.loc("load_balancer_sku").start_line) == ("basic", 20)


def test_a_dynamic_nested_block_with_an_unknown_for_each_leaves_its_arguments_unresolved(tree):
    c, d = _clusters(tree, _profile("var.unknown"))
    assert unresolved(c.get("load_balancer_sku")) == (
        "network_profile.value", 'in dynamic "network_profile": var.unknown: variable has no default', "main.tf", 10)
    assert unresolved(d.get("load_balancer_sku"))[1:] == (
        'in dynamic "network_profile": var.unknown: variable has no default', "main.tf", 20)


def test_a_dynamic_nested_block_that_is_empty_or_does_not_set_the_argument_leaves_it_unset(tree):
    c, _d = _clusters(tree, _profile("[]"))
    assert "load_balancer_sku" not in c.attrs
    c, _d = _clusters(tree, _profile("var.unknown", '      network_plugin = "azure"'))
    assert "load_balancer_sku" not in c.attrs


def test_a_system_pool_written_in_a_dynamic_block_of_unknown_for_each_is_unlisted_not_absent(tree):
    tree({"main.tf": '''variable "system_pools" {}
resource "azurerm_kubernetes_cluster" "c" {
  name                = "aks"
  location            = "eastus2"
  resource_group_name = "rg"
  dns_prefix          = "aks"
  sku_tier            = "Standard"
  dynamic "default_node_pool" {
    for_each = var.system_pools
    content {
      name       = default_node_pool.key
      node_count = 1
    }
  }
}
'''})
    (cluster,) = load_modules({".": ["main.tf"]}).resources
    assert unresolved(cluster.get("children")) == ("var.system_pools", "variable has no default", "main.tf", 9)
    # BCDR803 cannot check the pool's size: it says so instead of passing the cluster.
    assert findings_for(["."], ["BCDR803", "BCDR002"]) == [("BCDR002", "main.tf", 9)]


# -- heredocs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heredoc", "value"),
    [
        ('<<-EOT\n    aks-${"east"}\n  EOT', "aks-east\n"),
        ('<<EOT\n  a ${1 + 1}\n    b\nEOT', "  a 2\n    b\n"),
        ('<<-EOT\n    ${"x"}\n      y\n  EOT', "x\n  y\n"),
        ('<<EOT\na\\n ${~ "x" ~}   b $${y} %%{z}\nEOT', "a\\nxb ${y} %{z}\n"),
        ('<<EOT\n${var.location}-${"b"}\nEOT', "eastus2-b\n"),
    ],
)
def test_a_heredoc_with_interpolations_evaluates_like_a_quoted_template(tree, heredoc, value):
    text = _VARIABLES + f'resource "azurerm_resource_group" "g" {{\n  name = {heredoc}\n  location = "eastus"\n}}\n'
    (group,) = load_modules(tree({"main.tf": text})).resources
    assert group.name == value


def test_a_heredoc_with_an_unknown_interpolation_is_unresolved(tree):
    text = 'resource "azurerm_resource_group" "g" {\n  name = <<EOT\n${var.nope}\nEOT\n  location = "eastus"\n}\n'
    (group,) = load_modules(tree({"main.tf": text})).resources
    assert unresolved(group.name) == ("<<EOT\n${var.nope}\nEOT", "var.nope: variable is not declared in this folder",
                                      "main.tf", 2)


# -- module instances --------------------------------------------------------------------------

_NETWORK = '''variable "region" {}
variable "cidr" {
  default = "10.0.0.0/16"
}
resource "azurerm_virtual_network" "v" {
  name                = "vnet-${var.region}"
  location            = var.region
  resource_group_name = "rg-net"
  address_space       = [var.cidr]
}
output "vnet_id" {
  value = azurerm_virtual_network.v.id
}
output "name" {
  value = azurerm_virtual_network.v.name
}
'''

_STAMPS = '''variable "regions" {
  default = { east = "eastus2", west = "westus3" }
}
module "net" {
  for_each = var.regions
  source   = "../modules/network"
  region   = each.value
}
module "spare" {
  count  = 2
  source = "../modules/network"
  region = "centralus"
  cidr   = "10.${count.index + 8}.0.0/16"
}
resource "azurerm_virtual_network_peering" "east_to_west" {
  name                      = "east-to-west"
  resource_group_name       = "rg-net"
  virtual_network_name      = module.net["east"].name
  remote_virtual_network_id = module.net["west"].vnet_id
}
'''


def test_module_for_each_and_count_instantiate_the_child_once_per_instance(tree):
    result = load_modules(tree({"live/main.tf": _STAMPS, "modules/network/main.tf": _NETWORK}))
    assert errors(result) == []
    found = by_key(result)
    assert [(key, r.name, r.region, r.get("address_space")) for key, r in found.items()
            if r.kind is Kind.VIRTUAL_NETWORK] == [
        ('tf:live:module.net["east"].azurerm_virtual_network.v', "vnet-eastus2", "eastus2", ["10.0.0.0/16"]),
        ('tf:live:module.net["west"].azurerm_virtual_network.v', "vnet-westus3", "westus3", ["10.0.0.0/16"]),
        ("tf:live:module.spare[0].azurerm_virtual_network.v", "vnet-centralus", "centralus", ["10.8.0.0/16"]),
        ("tf:live:module.spare[1].azurerm_virtual_network.v", "vnet-centralus", "centralus", ["10.9.0.0/16"]),
    ]
    # Each instance is located where its block is written, in the module.
    assert {r.location.path for r in found.values() if r.kind is Kind.VIRTUAL_NETWORK} == {"modules/network/main.tf"}


def test_module_outputs_reach_the_callers_resources(tree):
    result = load_modules(tree({"live/main.tf": _STAMPS, "modules/network/main.tf": _NETWORK}))
    found = by_key(result)
    peering = found["tf:live:azurerm_virtual_network_peering.east_to_west"]
    model = Model(result.resources)
    assert model.target(peering, "remote_vnet") is found['tf:live:module.net["west"].azurerm_virtual_network.v']
    assert peering.refs["remote_vnet"].text == 'module.net["west"].vnet_id'  # as the caller writes it
    # The local VNet by name: the name comes out of the module too.
    assert peering.refs["local_vnet"].names == ("vnet-eastus2",)


def test_nested_modules_and_a_remote_module_inside_a_child(tree):
    folders = tree({
        "live/main.tf": 'module "platform" {\n  source = "../modules/platform"\n  region = "swedencentral"\n}\n',
        "modules/platform/main.tf": '''variable "region" {}
module "network" {
  source = "../network"
  region = var.region
}
module "monitoring" {
  source = "Azure/avm-res-operationalinsights-workspace/azurerm"
}
output "vnet" {
  value = module.network.name
}
''',
        "modules/network/main.tf": _NETWORK,
    })
    result = load_modules(folders)
    assert errors(result) == []
    assert [(r.kind, r.key, r.region) for r in result.resources] == [
        (Kind.VIRTUAL_NETWORK, "tf:live:module.platform.module.network.azurerm_virtual_network.v", "swedencentral"),
        (Kind.UNREAD_DEPLOYMENT, "tf:live:module.platform.module.monitoring", None),
    ]


def test_an_unknown_module_for_each_keeps_one_uncertain_instance(tree):
    root = ('variable "regions" {}\nmodule "net" {\n  for_each = var.regions\n  source = "../modules/network"\n'
            '  region = each.value\n}\n')
    result = load_modules(tree({"live/main.tf": root, "modules/network/main.tf": _NETWORK}))
    (vnet,) = result.resources
    assert vnet.key == "tf:live:module.net.azurerm_virtual_network.v"
    assert unresolved(vnet.get("deployed")) == ("var.regions", "variable has no default", "live/main.tf", 3)
    assert unresolved(vnet.region)[:2] == (
        "var.region", "set by the module call at live/main.tf:5 to each.value; "
                      "the for_each value is not known statically")


def test_an_unknown_input_says_which_call_set_it(tree):
    root = 'variable "where" {}\nmodule "net" {\n  source = "../modules/network"\n  region = var.where\n}\n'
    (vnet,) = load_modules(tree({"live/main.tf": root, "modules/network/main.tf": _NETWORK})).resources
    assert unresolved(vnet.region) == (
        "var.region", "set by the module call at live/main.tf:4 to var.where; variable has no default",
        "modules/network/main.tf", 7)


def test_a_required_input_the_call_leaves_out_and_a_missing_output_are_unresolved(tree):
    root = ('module "net" {\n  source = "../modules/network"\n}\n'
            'resource "azurerm_resource_group" "g" {\n  name = module.net.nope\n  location = "eastus"\n}\n')
    result = load_modules(tree({"live/main.tf": root, "modules/network/main.tf": _NETWORK}))
    vnet, group = sorted(result.resources, key=lambda r: r.kind.value)[::-1]
    assert unresolved(vnet.region)[:2] == (
        "var.region", "the module call at live/main.tf:1 does not set it and it has no default")
    assert unresolved(group.name)[:2] == ("module.net.nope", "module.net has no output 'nope'")


def test_a_folder_only_called_yields_no_root_of_its_own_and_one_nobody_calls_is_a_root(tree):
    folders = tree({"live/main.tf": 'module "off" {\n  count = 0\n  source = "../modules/network"\n}\n',
                    "modules/network/main.tf": _NETWORK,
                    "modules/unused/main.tf": _NETWORK.replace("variable \"region\" {}", 'variable "region" {\n  default = "northeurope"\n}')})
    assert [r.key for r in load_modules(folders).resources] == ["tf:modules/unused:azurerm_virtual_network.v"]


def test_errors_in_a_child_are_reported_once_for_all_its_instances(tree):
    child = 'resource "azurerm_resource_group" "g" {\n  count = -1\n  name = "rg"\n}\n'
    folders = tree({"live/main.tf": 'module "m" {\n  count = 3\n  source = "../child"\n}\n',
                    "child/main.tf": child, "unused/main.tf": 'module "m" {\n  count = 0\n  source = "../broken"\n}\n',
                    "broken/main.tf": "resource {\n"})
    result = load_modules(folders)
    assert errors(result) == [
        ("count must not be negative (got -1)", "child/main.tf", 2),
        ("Terraform syntax error: unexpected end of file (unclosed block, bracket or string?)", "broken/main.tf", 1),
    ]
    assert len(result.resources) == 3


def test_modules_that_call_each_other_are_an_error_not_a_loop(tree):
    folders = tree({"a/main.tf": 'module "b" {\n  source = "../b"\n}\n' + _VARIABLES + _CLUSTER,
                    "b/main.tf": 'module "a" {\n  source = "../a"\n}\n'})
    result = load_modules(folders)
    assert errors(result) == [("module 'a' calls the module it is in (a)", "b/main.tf", 1)]
    assert [r.key for r in result.resources] == ["tf:a:azurerm_kubernetes_cluster.c"]


def test_modules_nested_deeper_than_the_limit_are_an_unread_deployment_not_a_crash(tree):
    from bcdr_lint.loaders.terraform_modules_eval import MAX_DEPTH

    depth = 150  # deep enough that following every level overflowed the Python stack
    files = {"root/main.tf": 'module "m" {\n  source = "../m0"\n}\n'
                             'output "id" {\n  value = module.m.id\n}\n'}
    for level in range(depth):
        if level < depth - 1:
            files[f"m{level}/main.tf"] = (f'module "next" {{\n  source = "../m{level + 1}"\n}}\n'
                                          'output "id" {\n  value = module.next.id\n}\n')
        else:
            files[f"m{level}/main.tf"] = _VARIABLES + _CLUSTER + \
                'output "id" {\n  value = azurerm_kubernetes_cluster.c.id\n}\n'
    result = load_modules(tree(files))
    assert errors(result) == []
    (unread,) = result.resources
    assert unread.kind is Kind.UNREAD_DEPLOYMENT
    assert unread.key == "tf:root:" + ".".join(["module.m", *["module.next"] * MAX_DEPTH])
    assert (unread.location.path, unread.get("reason")) == (
        f"m{MAX_DEPTH - 1}/main.tf", f"modules nested more than {MAX_DEPTH} levels deep are not read")
