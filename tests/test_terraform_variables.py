"""Variable values from outside the code: ``--var-file`` for every root module, and
``--param-file FOLDER=FILE.tfvars``, each file one deployment of that root."""

from __future__ import annotations

from pathlib import Path

import pytest

from bcdr_lint import engine
from bcdr_lint.loaders.terraform import load_modules
from bcdr_lint.model import Location, Unresolved
from bcdr_lint.options import RunOptions

_ROOT = '''variable "location" {
  default = "eastus2"
}
variable "lb_sku" {
  default = "standard"
}
resource "azurerm_kubernetes_cluster" "c" {
  name                = "aks-${var.location}"
  location            = var.location
  resource_group_name = "rg"
  dns_prefix          = "aks"
  network_profile {
    network_plugin    = "azure"
    load_balancer_sku = var.lb_sku
  }
  default_node_pool {
    name = "system"
  }
}
'''


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


def test_var_files_apply_to_every_root_after_the_auto_loaded_files(tree):
    folders = tree({
        "a/main.tf": _ROOT, "a/terraform.tfvars": 'location = "westeurope"\nlb_sku = "basic"\n',
        "b/main.tf": _ROOT,
        "common.tfvars": 'location = "swedencentral"\nnot_declared = 1\n',
        "later.tfvars.json": '{"location": "norwayeast"}',
    })
    result = load_modules(folders, RunOptions(var_files=("common.tfvars", "./later.tfvars.json")))
    assert result.errors == []  # a value for an undeclared variable is ignored, as Terraform warns
    assert sorted((r.key, r.region, r.get("load_balancer_sku")) for r in result.resources if r.kind.value == "aks-cluster") == [
        ("tf:a:azurerm_kubernetes_cluster.c", "norwayeast", "basic"),
        ("tf:b:azurerm_kubernetes_cluster.c", "norwayeast", "standard"),
    ]


def test_a_var_file_that_does_not_parse_or_is_missing_is_bcdr001_at_it(tree):
    tree({"infra/main.tf": _ROOT, "bad.tfvars": 'location = "westus"\nlb_sku = [\n'})
    findings = engine.check(["infra"], options=RunOptions(var_files=("bad.tfvars", "gone.tfvars"))).findings
    assert sorted((f.rule_id, f.location.path, f.location.start_line) for f in findings if f.rule_id == "BCDR001") == [
        ("BCDR001", "bad.tfvars", 2), ("BCDR001", "gone.tfvars", 1)]


def test_each_param_file_of_a_root_is_one_deployment(tree):
    folders = tree({
        "infra/main.tf": _ROOT, "infra/terraform.tfvars": 'lb_sku = "basic"\n',
        "infra/east.tfvars": 'location = "eastus2"\n', "infra/west.tfvars.json": '{"location": "westus3"}',
    })
    options = RunOptions(param_files=(("infra", "infra/east.tfvars"), ("infra/main.tf", "./infra/west.tfvars.json")))
    result = load_modules(folders, options)
    assert result.errors == []
    clusters = [r for r in result.resources if r.kind.value == "aks-cluster"]
    assert [(r.key, r.base_key, r.deployment, r.region, r.get("load_balancer_sku")) for r in clusters] == [
        ("tf:infra@infra/east.tfvars:azurerm_kubernetes_cluster.c", "tf:infra:azurerm_kubernetes_cluster.c",
         Location("infra/east.tfvars", 1, 1), "eastus2", "basic"),
        ("tf:infra@infra/west.tfvars.json:azurerm_kubernetes_cluster.c", "tf:infra:azurerm_kubernetes_cluster.c",
         Location("infra/west.tfvars.json", 1, 1), "westus3", "basic"),
    ]
    # The inline pool is in the same deployment, and points at its own cluster.
    pools = [r for r in result.resources if r.kind.value == "aks-node-pool"]
    assert [p.refs["cluster"].key for p in pools] == [c.key for c in clusters]
    assert all(p.deployment == c.deployment for p, c in zip(pools, clusters))


def test_an_unreadable_deployment_file_is_reported_and_leaves_its_variables_open(tree):
    folders = tree({"infra/main.tf": _ROOT, "infra/prod.tfvars": "location = \n"})
    result = load_modules(folders, RunOptions(param_files=(("infra", "infra/prod.tfvars"),)))
    assert [(e.location.path, e.location.start_line) for e in result.errors] == [("infra/prod.tfvars", 1)]
    cluster = result.resources[0]
    assert cluster.deployment == Location("infra/prod.tfvars", 1, 1)
    assert isinstance(cluster.region, Unresolved)
    assert cluster.region.reason.startswith("its variables file infra/prod.tfvars could not be read: Terraform syntax")


def test_findings_of_several_deployments_are_merged_at_the_template_line(tree):
    tree({"infra/main.tf": _ROOT, "infra/dev.tfvars": 'lb_sku = "basic"\n',
          "infra/prod.tfvars": 'lb_sku = "Basic"\nlocation = "westus3"\n'})
    options = RunOptions(param_files=(("infra", "infra/dev.tfvars"), ("infra", "infra/prod.tfvars")))
    (finding,) = [f for f in engine.check(["infra"], options=options).findings if f.rule_id == "BCDR302"]
    assert (finding.location.path, finding.location.start_line) == ("infra/main.tf", 14)
    assert [r.location.path for r in finding.related if r.message.startswith("deployed with")] == [
        "infra/dev.tfvars", "infra/prod.tfvars"]
