"""Terraform that is large, deep or wrong: many instances, references in cycles between
resources, locals and modules (Terraform rejects them; bcdr-lint must neither hang nor crash,
and must not guess)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bcdr_lint.loaders.terraform import load_modules
from bcdr_lint.model import Kind, Unresolved

_REGIONS = ["eastus2", "centralus", "westus3", "northeurope", "westeurope", "swedencentral"]


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
        return folders

    return write


def test_a_module_for_each_over_a_thousand_tfvars_keys_is_a_thousand_instances(tree):
    stamps = "".join(f'  s{i:04d} = {{ location = "{_REGIONS[i % 6]}" }}\n' for i in range(1000))
    folders = tree({
        "root/main.tf": '''variable "stamps" {
  type = map(object({ location = string, tier = optional(string, "Standard") }))
}
module "aks" {
  source   = "../aks"
  for_each = var.stamps
  name     = "aks-${each.key}"
  location = each.value.location
  tier     = each.value.tier
}
''',
        "root/terraform.tfvars": f"stamps = {{\n{stamps}}}\n",
        "aks/main.tf": '''variable "name" {}
variable "location" {}
variable "tier" {}
resource "azurerm_kubernetes_cluster" "this" {
  name                = var.name
  location            = var.location
  resource_group_name = "rg"
  dns_prefix          = var.name
  sku_tier            = var.tier
}
''',
    })
    result = load_modules(folders)
    assert result.errors == []
    clusters = [r for r in result.resources if r.kind is Kind.AKS_CLUSTER]
    assert len(clusters) == 1000
    last = clusters[-1]
    assert (last.key, last.region, last.get("sku_tier")) == (
        'tf:root:module.aks["s0999"].azurerm_kubernetes_cluster.this', "northeurope", "standard")


def test_references_in_cycles_are_unresolved_never_a_hang_or_a_crash(tree):
    folders = tree({
        "root/main.tf": '''module "a" {
  source = "../a"
  loc    = module.a.out
}
locals {
  n = length(azurerm_resource_group.g)
}
resource "azurerm_resource_group" "g" {
  count    = local.n
  name     = "rg"
  location = azurerm_resource_group.g[0].location
}
resource "azurerm_kubernetes_cluster" "c" {
  for_each            = { for k, v in azurerm_kubernetes_cluster.c : k => v }
  name                = "aks"
  location            = "eastus2"
  resource_group_name = "rg"
}
resource "azurerm_virtual_network" "v" {
  name                = azurerm_virtual_network.v.name
  location            = azurerm_virtual_network.v.location
  resource_group_name = "rg"
}
''',
        "a/main.tf": '''variable "loc" {}
output "out" {
  value = var.loc
}
resource "azurerm_container_registry" "r" {
  name                = "acr"
  location            = var.loc
  resource_group_name = "rg"
  sku                 = "Premium"
}
''',
    })
    result = load_modules(folders)
    assert result.errors == []
    found = {r.key.split(":", 2)[2]: r for r in result.resources}
    assert sorted(found) == ["azurerm_kubernetes_cluster.c", "azurerm_resource_group.g", "azurerm_virtual_network.v",
                             "module.a.azurerm_container_registry.r"]
    # Whether they exist, and where, is not known: nothing is guessed.
    assert isinstance(found["azurerm_resource_group.g"].get("deployed"), Unresolved)
    assert isinstance(found["azurerm_kubernetes_cluster.c"].get("deployed"), Unresolved)
    assert all(isinstance(found[key].region, Unresolved) for key in
               ("azurerm_resource_group.g", "azurerm_virtual_network.v", "module.a.azurerm_container_registry.r"))
