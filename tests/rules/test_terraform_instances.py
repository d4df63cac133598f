"""Terraform resources that do not exist (count = 0, empty for_each) are not deployed, so rules do
not see them: the loader drops them, as the ARM loader drops ``condition: false``. A known count
or for_each is one resource per instance; an unknown one is one resource, maybe deployed."""

import pytest

from bcdr_lint.loaders.base import LoadResult
from bcdr_lint.loaders.terraform import load_module
from bcdr_lint.model import Unresolved
from tests.helpers import findings_for, run

F = "fixtures/BCDR101"


def test_dr_stamp_switched_off_by_count_leaves_one_region(at_root):
    folder = f"{F}/bad/terraform-dr-disabled"
    assert findings_for([folder], ["BCDR001", "BCDR002", "BCDR101"]) == [
        ("BCDR101", f"{folder}/main.tf", 20),  # the location of the only cluster that exists
    ]
    (finding,) = run([folder], ["BCDR101"])
    assert "eastus2" in finding.message


def test_dr_stamp_switched_on_by_count_is_a_second_region(at_root):
    assert findings_for([f"{F}/good/terraform-dr-enabled"], ["BCDR001", "BCDR002", "BCDR101"]) == []


# -- the loader: which blocks declare instances -------------------------------------------

_PRELUDE = '''variable "enable" {
  default = false
}
variable "unknown" {
  type = bool
}
variable "zones" {
  type    = set(string)
  default = []
}
'''


def _load(tmp_path, text: str) -> LoadResult:
    (tmp_path / "main.tf").write_text(_PRELUDE + text, encoding="utf-8")
    return load_module(str(tmp_path), [str(tmp_path / "main.tf")])


def _group(label: str, meta: str, name: str = '"rg"') -> str:
    return f'resource "azurerm_resource_group" "{label}" {{\n  {meta}\n  name = {name}\n  location = "eastus"\n}}\n'


@pytest.mark.parametrize(
    ("meta", "instances"),
    [
        ("count = 0", 0),
        ('count = "0"', 0),
        ("count = var.enable ? 1 : 0", 0),
        ("count = var.enable == true ? 1 : 0", 0),
        ("count = 1 + 1 > 3 || var.enable ? 1 : 0", 0),
        ("for_each = {}", 0),
        ("for_each = []", 0),
        ("for_each = var.zones", 0),
        ("for_each = toset(var.zones)", 0),
        ("count = 1", 1),
        ("count = !var.enable ? 3 : 0", 3),
        ('for_each = { a = "x" }', 1),
        ('for_each = toset(["b", "a", "b"])', 2),
        ("count = var.unknown ? 1 : 0", 1),  # not known statically: kept once, as uncertain
        ("tags = {}", 1),
    ],
)
def test_count_and_for_each_decide_how_many_resources_exist(tmp_path, meta, instances):
    result = _load(tmp_path, _group("g", meta))
    assert result.errors == []
    assert [r.name for r in result.resources] == ["rg"] * instances


@pytest.mark.parametrize(
    ("meta", "reason"),
    [
        ("count = var.unknown ? 1 : 0", "var.unknown: variable has no default"),
        ('for_each = toset([var.unknown ? "a" : "b"])', "var.unknown: variable has no default"),
        ("count = var.undeclared", "variable is not declared in this folder"),
        ("count = azurerm_resource_group.other.id", "azurerm_resource_group.other.id is known only after apply"),
    ],
)
def test_an_unknown_count_or_for_each_is_the_resources_deployed_value(tmp_path, meta, reason):
    other = _group("other", "tags = {}", '"other"')  # lines 11-15
    result = _load(tmp_path, other + _group("g", meta))  # its meta-argument on line 17
    assert result.errors == []
    other_group, group = result.resources
    assert other_group.get("deployed") is None and "deployed" not in other_group.attr_locations
    deployed = group.get("deployed")
    text = meta.split(" = ", 1)[1]
    assert deployed == Unresolved(text, reason, group.loc("deployed"))
    location = group.loc("deployed")
    assert (location.start_line, location.start_col, location.end_line, location.end_col) == (17, 3, 17, 3 + len(meta))


@pytest.mark.parametrize("meta", ["count = 1", "count = !var.enable ? 3 : 0", 'for_each = { a = "x" }'])
def test_a_known_number_of_instances_is_certainly_deployed(tmp_path, meta):
    groups = _load(tmp_path, _group("g", meta)).resources
    assert groups and all(group.get("deployed") is None for group in groups)


def test_inline_children_share_their_blocks_deployed_value(tmp_path):
    text = '''resource "azurerm_kubernetes_cluster" "dr" {
  count               = var.unknown ? 1 : 0
  name                = "aks-dr"
  location            = "westus3"
  resource_group_name = "rg"
  default_node_pool {
    name       = "system"
    node_count = 3
  }
}
resource "azurerm_container_registry" "acr" {
  for_each            = var.unknown ? toset(["a"]) : []
  name                = "acr"
  location            = "eastus"
  resource_group_name = "rg"
  sku                 = "Premium"
  georeplications {
    location = "westus"
  }
  dynamic "georeplications" {
    for_each = var.unknown
    content {
      location = georeplications.value
    }
  }
}
resource "azurerm_virtual_network" "vnet" {
  count               = var.unknown ? 1 : 0
  name                = "vnet"
  location            = "eastus"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
  subnet {
    name           = "aks"
    address_prefix = "10.0.0.0/20"
  }
}
'''
    result = _load(tmp_path, text)
    assert result.errors == []
    assert [(r.kind.value, r.get("deployed").expression, r.loc("deployed").start_line) for r in result.resources] == [
        ("aks-cluster", "var.unknown ? 1 : 0", 12),
        ("aks-node-pool", "var.unknown ? 1 : 0", 12),
        ("container-registry", 'var.unknown ? toset(["a"]) : []', 22),
        ("registry-replica", 'var.unknown ? toset(["a"]) : []', 22),  # written
        ("registry-replica", 'var.unknown ? toset(["a"]) : []', 22),  # stand-in for the dynamic block
        ("virtual-network", "var.unknown ? 1 : 0", 38),
        ("subnet", "var.unknown ? 1 : 0", 38),
    ]


def test_references_to_a_resource_without_instances_are_unresolved(tmp_path):
    result = _load(tmp_path, _group("off", "count = 0") + _group("uses", "count = 1", "azurerm_resource_group.off[0].name"))
    (uses,) = result.resources
    assert isinstance(uses.name, Unresolved)
    assert (uses.name.expression, uses.name.reason, uses.name.location.start_line) == (
        "azurerm_resource_group.off[0].name",
        "azurerm_resource_group.off has no instances (its count is 0 or its for_each is empty)", 18)


def test_only_the_chosen_branch_of_a_conditional_is_evaluated(tmp_path):
    name = 'var.enable ? azurerm_resource_group.off[0].name : "fallback"'
    result = _load(tmp_path, _group("off", "count = 0") + _group("uses", "count = 1", name))
    assert [r.name for r in result.resources] == ["fallback"]


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ('"true"', "yes"),  # Terraform converts the strings true/false to bool
        ("1 < 2 && !false", "yes"),
        ('"eastus" != "eastus"', "no"),
    ],
)
def test_conditionals_with_known_conditions(tmp_path, condition, expected):
    result = _load(tmp_path, _group("g", "count = 1", f'{condition} ? "yes" : "no"'))
    assert [r.name for r in result.resources] == [expected]


def test_a_condition_that_is_not_a_bool_is_unresolved(tmp_path):
    (group,) = _load(tmp_path, _group("g", "count = 1", '"maybe" ? "yes" : "no"')).resources
    assert (group.name.expression, group.name.reason, group.name.location.start_line) == (
        '"maybe" ? "yes" : "no"', '"maybe": the condition is not a bool', 13)


def test_invalid_count_or_for_each_is_an_error_at_the_argument_and_the_resource_is_kept(tmp_path):
    text = "".join([
        _group("negative", "count = -1"),                # lines 11-15
        _group("fraction", "count = 1.5"),               # 16-20
        _group("word", 'count = "two"'),                 # 21-25
        _group("scalar", 'for_each = "eastus"'),         # 26-30
        _group("both", "count = 1\n  for_each = {}"),    # 31-36
    ])
    result = _load(tmp_path, text)
    assert [(e.location.start_line, e.message) for e in result.errors] == [
        (12, "count must not be negative (got -1)"),
        (17, "count must be a whole number (got 1.5)"),
        (22, 'count must be a whole number (got "two")'),
        (27, 'for_each must be a map or a set of strings (got "eastus")'),
        (33, "count and for_each cannot both be set on one resource"),
    ]
    assert len(result.resources) == 5
