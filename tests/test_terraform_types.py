"""Variable type constraints: the conversion Terraform applies to a default, a tfvars value or a
module call's argument — ``optional()`` defaults above all, which a platform repository's
``map(object({...}))`` of regional stamps relies on. Expected values were checked against
``terraform console`` (1.11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bcdr_lint.loaders.terraform import _parse, load_modules
from bcdr_lint.loaders.terraform_eval import Evaluator, ModuleContext
from bcdr_lint.loaders.terraform_literals import EvalError
from bcdr_lint.model import Kind, Unresolved
from tests.helpers import findings_for


@pytest.fixture
def tree(tmp_path, monkeypatch):
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


def variable(type_text: str, default_text: str) -> object:
    """The value of ``var.v`` declared with this type and default, read through a local value."""
    Path("main.tf").write_text(f'variable "v" {{\n  type = {type_text}\n  default = {default_text}\n}}\n'
                               'locals {\n  v = var.v\n}\n', encoding="utf-8")
    errors: list = []
    scope = _parse(".", ["main.tf"], errors)
    assert errors == []
    return Evaluator(scope, ModuleContext(".")).value_of(scope.locals["v"])


@pytest.mark.parametrize(
    ("type_text", "default_text", "expected"),
    [
        ("string", "8080", "8080"),
        ("string", "true", "true"),
        ("number", '"3"', 3),
        ("number", '"2.5"', 2.5),
        ("bool", '"false"', False),
        ("bool", '"1"', True),
        ("number", '"1e2"', 100),
        ("set(string)", '[3, 1, "b", "a", 1]', ["1", "3", "a", "b"]),
        ("list(string)", '[1, true, "x"]', ["1", "true", "x"]),
        ("tuple([string, number])", '[1, "2"]', ["1", 2]),
        ("map(number)", '{ a = "4" }', {"a": 4}),
        ("any", '{ a = 1 }', {"a": 1}),
        ("list(any)", '[1, "x"]', [1, "x"]),
        # Left out or null: the optional default, itself converted; no default: null. Attributes
        # the type does not declare are dropped.
        ('''object({
    a = string
    b = optional(string)
    c = optional(number, 3)
    d = optional(object({ x = optional(string, "dx"), y = optional(list(string), ["1"]) }), {})
    e = optional(set(string), ["b", "a", "b"])
  })''', '{ a = 1, extra = "z", c = null }',
         {"a": "1", "b": None, "c": 3, "d": {"x": "dx", "y": ["1"]}, "e": ["a", "b"]}),
        ('map(object({ n = optional(number, 1) }))', '{ a = {}, b = { n = 5 } }', {"a": {"n": 1}, "b": {"n": 5}}),
        ('list(object({ name = string, zones = optional(list(string), ["1", "2", "3"]) }))',
         '[{ name = "a" }, { name = "b", zones = null }, { name = "c", zones = [] }]',
         [{"name": "a", "zones": ["1", "2", "3"]}, {"name": "b", "zones": ["1", "2", "3"]},
          {"name": "c", "zones": []}]),
        ("(string)", "1", "1"),
        ("map(string)", "null", None),
    ],
)
def test_values_are_converted_to_the_variable_type_as_terraform_does(tree, type_text, default_text, expected):
    tree({})
    assert variable(type_text, default_text) == expected


@pytest.mark.parametrize(
    ("type_text", "default_text", "reason"),
    [
        ("number", '"three"', "Terraform rejects the value: a number is required (got 'three')"),
        ("object({ a = string, b = string })", '{ a = "x" }', "Terraform rejects the value: attribute 'b' is required"),
        ("map(object({ n = number }))", '{ k = { n = "x" } }',
         "Terraform rejects the value: ['k'].n: a number is required (got 'x')"),
        ("list(string)", '{ a = 1 }', "Terraform rejects the value: a list, set or tuple is required"),
        ("bool", '"yes"', "Terraform rejects the value: a bool is required"),
        ("number", '" 3"', "Terraform rejects the value: a number is required (got ' 3')"),
        ("number", '"0x10"', "Terraform rejects the value: a number is required (got '0x10')"),
    ],
)
def test_a_value_terraform_cannot_convert_is_an_error_never_a_guess(tree, type_text, default_text, reason):
    tree({})
    value = variable(type_text, default_text)
    assert isinstance(value, EvalError)
    assert (value.expression, value.reason) == ("var.v", reason)


@pytest.mark.parametrize("type_text", ["strng", "map(string, number)", 'object({ "${x}" = string })', "list()"])
def test_a_type_it_cannot_read_leaves_the_value_as_given(tree, type_text):
    tree({})
    assert variable(type_text, '{ a = 1 }') == {"a": 1}


_STAMPS = '''variable "regions" {
  type = map(object({
    location = string
    sku_tier = optional(string, "Standard")
    node_pools = optional(map(object({
      min_count = optional(number, 3)
      zones     = optional(list(string), ["1", "2", "3"])
      mode      = optional(string, "User")
    })), {})
  }))
}

module "aks" {
  source     = "./modules/aks"
  for_each   = var.regions
  name       = "aks-${each.key}"
  location   = each.value.location
  sku_tier   = each.value.sku_tier
  node_pools = each.value.node_pools
}
'''

_AKS = '''variable "name" { type = string }
variable "location" { type = string }
variable "sku_tier" { type = string }
variable "node_pools" {
  type = map(object({
    min_count = number
    zones     = list(string)
    mode      = optional(string, "User")
  }))
}

resource "azurerm_kubernetes_cluster" "this" {
  name                = var.name
  location            = var.location
  resource_group_name = "rg-${var.name}"
  dns_prefix          = var.name
  sku_tier            = var.sku_tier
  default_node_pool {
    name       = "system"
    node_count = 3
    zones      = ["1", "2", "3"]
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "this" {
  for_each              = var.node_pools
  name                  = each.key
  kubernetes_cluster_id = azurerm_kubernetes_cluster.this.id
  min_count             = each.value.min_count
  max_count             = 10
  auto_scaling_enabled  = true
  zones                 = each.value.zones
  mode                  = each.value.mode
}
'''

_STAMP_VALUES = '''regions = {
  eus2 = {
    location   = "eastus2"
    node_pools = {
      apps  = {}
      batch = { min_count = 0, zones = ["1"] }
    }
  }
  cus = {
    location = "centralus"
    sku_tier = "Free"
  }
}
'''


def test_optional_defaults_of_a_tfvars_map_of_stamps_reach_the_module_resources(tree):
    folders = tree({"main.tf": _STAMPS, "terraform.tfvars": _STAMP_VALUES, "modules/aks/main.tf": _AKS})
    result = load_modules(folders)
    assert result.errors == []
    clusters = {r.key: r.get("sku_tier") for r in result.resources if r.kind is Kind.AKS_CLUSTER}
    assert clusters == {
        'tf:.:module.aks["cus"].azurerm_kubernetes_cluster.this': "free",
        'tf:.:module.aks["eus2"].azurerm_kubernetes_cluster.this': "standard",
    }
    # cus leaves node_pools out: its default {} declares no pool (not a pool that may exist).
    pools = {r.key.split(".", 2)[-1]: (r.get("min_count"), r.get("zones"), r.get("mode"))
             for r in result.resources if r.kind is Kind.NODE_POOL and "default_node_pool" not in r.key}
    assert pools == {
        'aks["eus2"].azurerm_kubernetes_cluster_node_pool.this["apps"]': (3, ["1", "2", "3"], "user"),
        'aks["eus2"].azurerm_kubernetes_cluster_node_pool.this["batch"]': (0, ["1"], "user"),
    }


def test_stamps_with_optional_defaults_give_only_the_real_findings(tree):
    tree({"main.tf": _STAMPS, "terraform.tfvars": _STAMP_VALUES, "modules/aks/main.tf": _AKS})
    # Before optional defaults were applied: BCDR002 for eus2's tier and both pools' zones, and
    # a stand-in pool for cus. Now: cus's Free tier, and batch's single zone.
    assert findings_for(["."], ["BCDR002", "BCDR801", "BCDR802"]) == [
        ("BCDR801", "modules/aks/main.tf", 32),
        ("BCDR802", "modules/aks/main.tf", 17),
    ]


_NULLABLE = '''variable "tier" {
  type     = string
  default  = "Standard"
  nullable = false
}
variable "lb" {
  type    = string
  default = "basic"
}
resource "azurerm_kubernetes_cluster" "c" {
  name                = "aks"
  location            = "eastus2"
  resource_group_name = "rg"
  dns_prefix          = "aks"
  sku_tier            = var.tier
  network_profile {
    network_plugin    = "azure"
    load_balancer_sku = var.lb
  }
}
'''


def test_a_null_from_a_tfvars_file_means_the_default_only_where_nullable_is_false(tree):
    folders = tree({"main.tf": _NULLABLE, "terraform.tfvars": "tier = null\nlb = null\n"})
    (cluster,) = [r for r in load_modules(folders).resources if r.kind is Kind.AKS_CLUSTER]
    # tier: the default, not the Free tier an unset argument means; lb: null, the provider's default.
    assert (cluster.get("sku_tier"), "load_balancer_sku" in cluster.attrs) == ("standard", False)


def test_a_value_the_type_rejects_is_unresolved_at_the_argument_that_uses_it(tree):
    folders = tree({"main.tf": _NULLABLE.replace('type    = string\n  default = "basic"',
                                                   'type    = object({ sku = string })\n  default = {}')})
    (cluster,) = [r for r in load_modules(folders).resources if r.kind is Kind.AKS_CLUSTER]
    value = cluster.get("load_balancer_sku")
    assert isinstance(value, Unresolved) and value.location is not None
    assert (value.expression, value.reason, value.location.start_line) == (
        "var.lb", "Terraform rejects the value: attribute 'sku' is required", 18)
