"""Exit status: --fail-on (and the configuration's fail-on), --exit-zero, and 2 for mistakes."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from bcdr_lint.cli import main

# One finding of each level: BCDR103 error (unknown region), BCDR502 warning, BCDR002 note.
MANIFESTS = {
    "db.yaml": """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: orders-db, namespace: orders}
spec:
  replicas: 3
  template:
    spec:
      containers:
        - {name: db, image: postgres:16}
""",
    "main.tf": """\
variable "location" {}
resource "azurerm_kubernetes_cluster" "lab" {
  name                = "aks-lab"
  location            = "eastus3"
  resource_group_name = "rg-lab"
  dns_prefix          = "lab"
  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }
}
resource "azurerm_kubernetes_cluster" "lab2" {
  name                = "aks-lab2"
  location            = var.location
  resource_group_name = "rg-lab"
  dns_prefix          = "lab2"
  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }
}
""",
}


@pytest.fixture
def repo(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    for name, text in MANIFESTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def exit_code(*args: str) -> int:
    return CliRunner().invoke(main, ["check", *args], catch_exceptions=False).exit_code


LEVELS = {"error": "BCDR103", "warning": "BCDR502", "note": "BCDR002"}


@pytest.mark.parametrize("present, fail_on, expected", [
    ("note", "note", 1), ("note", "warning", 0), ("note", "error", 0), ("note", "never", 0),
    ("warning", "note", 1), ("warning", "warning", 1), ("warning", "error", 0),
    ("error", "warning", 1), ("error", "error", 1), ("error", "never", 0),
])
def test_fail_on_is_the_lowest_failing_level(repo, present, fail_on, expected):
    assert exit_code(".", "--select", LEVELS[present], "--fail-on", fail_on) == expected


def test_default_fails_on_warnings_not_notes(repo):
    assert exit_code(".", "--select", "BCDR002") == 0
    assert exit_code(".", "--select", "BCDR502") == 1


def test_exit_zero_whatever_is_found(repo):
    assert exit_code(".", "--exit-zero") == 0
    assert exit_code(".", "--select", "BCDR103", "--exit-zero", "--fail-on", "note") == 0


def test_configuration_fail_on_and_the_command_line_override(repo):
    (repo / ".bcdr-lint.yaml").write_text("fail-on: error\nselect: [BCDR502]\n", encoding="utf-8")
    assert exit_code(".") == 0
    assert exit_code(".", "--fail-on", "warning") == 1
    (repo / ".bcdr-lint.yaml").write_text("fail-on: never\n", encoding="utf-8")
    assert exit_code(".") == 0


def test_usage_and_configuration_errors_are_2_even_with_exit_zero(repo):
    assert exit_code(".", "--fail-on", "sometimes") == 2
    assert exit_code(".", "--config", "missing.yaml") == 2
    (repo / ".bcdr-lint.yaml").write_text("fail-on: [error]\n", encoding="utf-8")
    assert exit_code(".", "--exit-zero") == 2


def test_suppressed_findings_do_not_fail(repo):
    (repo / "db.yaml").write_text(MANIFESTS["db.yaml"].replace(
        "image: postgres:16}", "image: postgres:16}  # bcdr-lint: ignore[BCDR502] replica in westus3 (DBA-12)"),
        encoding="utf-8")
    assert exit_code(".", "--select", "BCDR502") == 0
    assert exit_code(".", "--select", "BCDR502", "--fail-on", "note") == 0


@pytest.mark.parametrize("args", [
    ["--baseline", "missing.json"],
    ["--output", "no/such/folder/report.txt"],
    ["--write-baseline", "no/such/folder/baseline.json"],
    ["--param-file", "main.tf"],
])
def test_a_run_that_cannot_be_done_is_2_even_with_exit_zero(repo, args):
    result = CliRunner().invoke(main, ["check", ".", "--exit-zero", *args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
