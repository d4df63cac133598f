"""The Terraform loader across folders: module calls, auto-loaded tfvars files, dynamic nested
blocks and heredoc templates."""

from __future__ import annotations

from pathlib import Path

import pytest

from bcdr_lint.loaders import terraform_resources
from bcdr_lint.loaders.base import LoadResult
from bcdr_lint.loaders.terraform import load_module, load_modules
from bcdr_lint.model import Kind, Resource, Unresolved
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


def test_a_checked_local_module_is_read_as_a_child_whose_inputs_come_from_the_call(tree):
    folders = tree({
        "infra/envs/prod/main.tf": _ROOT_CALLS_CHILD,
        "infra/modules/aks/variables.tf": _VARIABLES,
        "infra/modules/aks/main.tf": _CLUSTER,
    })
    result = load_modules(folders)
    assert errors(result) == []
    (cluster,) = result.resources  # the call itself is no unread deployment: its folder is read
    assert cluster.key == "tf:infra/modules/aks:azurerm_kubernetes_cluster.c"
    assert unresolved(cluster.region) == (
        "var.location",
        "set by the module call at infra/envs/prod/main.tf:1; module instantiation comes later",
        "infra/modules/aks/main.tf", 3,
    )


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
    assert registry.get("sku") == "premium"
    assert isinstance(registry.region, Unresolved)


def test_every_call_that_sets_an_input_is_named(tree):
    folders = tree({
        "a/main.tf": 'module "x" {\n  source = "../child"\n  location = "westus"\n}\n',
        "b/main.tf": '\nmodule "y" {\n  source = "./../child/"\n  location = "eastus"\n}\n',
        "child/main.tf": _VARIABLES + _CLUSTER,
    })
    (cluster,) = load_modules(folders).resources
    assert cluster.region.reason == ("set by the module calls at a/main.tf:1, b/main.tf:2; "
                                     "module instantiation comes later")


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
        "var.location", "lower(var.x): set in terraform.tfvars:2: function call, evaluated by Terraform", "main.tf", 9)


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
