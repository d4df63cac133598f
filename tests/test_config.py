"""The configuration file: where it is found, what each option does, how the command line
overrides it, and how a mistake in it is reported (exit 2, naming the file, line and key)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from bcdr_lint.cli import main
from bcdr_lint.config import schema
from tests.helpers import ROOT

DB_MANIFEST = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: orders-db, namespace: orders}
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: db
          image: postgres:16
"""


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def findings(result) -> list[tuple[str, str, int]]:
    return sorted((f["rule_id"], f["location"]["path"], f["location"]["start_line"])
                  for f in json.loads(result.stdout)["findings"])


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """An empty repository (a `.git` folder ends the search for a configuration) as cwd."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- finding the file ------------------------------------------------------------------------------


def test_found_by_walking_up_from_the_first_path(repo):
    write(repo / ".bcdr-lint.yaml", "select: [BCDR502]\n")
    write(repo / "k8s/orders/db.yaml", DB_MANIFEST)
    result = invoke("check", "k8s/orders", "--format", "json")
    assert findings(result) == [("BCDR502", "k8s/orders/db.yaml", 10)]
    assert result.exit_code == 1


def test_pyproject_table_and_a_pyproject_without_one_is_passed_over(repo):
    write(repo / "pyproject.toml", '[tool.bcdr-lint]\nselect = ["BCDR502"]\nfail-on = "error"\n')
    write(repo / "k8s/pyproject.toml", '[project]\nname = "k8s-tools"\n')  # no table: keep walking
    write(repo / "k8s/db.yaml", DB_MANIFEST)
    result = invoke("check", "k8s", "--format", "json")
    assert findings(result) == [("BCDR502", "k8s/db.yaml", 10)]
    assert result.exit_code == 0  # fail-on error: the warning does not fail the run


def test_yaml_comes_before_pyproject_in_one_folder(repo):
    write(repo / "pyproject.toml", '[tool.bcdr-lint]\nselect = ["BCDR503"]\n')
    write(repo / ".bcdr-lint.yaml", "select: [BCDR502]\n")
    write(repo / "db.yaml", DB_MANIFEST)
    assert findings(invoke("check", "db.yaml", "--format", "json")) == [("BCDR502", "db.yaml", 10)]


def test_the_search_stops_at_the_repository_root(tmp_path, monkeypatch):
    write(tmp_path / ".bcdr-lint.yaml", "select: [BCDR503]\n")  # above the repository: not ours
    inner = tmp_path / "repo"
    (inner / ".git").mkdir(parents=True)
    write(inner / "db.yaml", DB_MANIFEST)
    monkeypatch.chdir(inner)
    ids = {f[0] for f in findings(invoke("check", ".", "--format", "json"))}
    assert "BCDR502" in ids


def test_two_configuration_files_in_one_folder_the_one_used_is_named(repo):
    write(repo / "pyproject.toml", '[tool.bcdr-lint]\nselect = ["BCDR503"]\n')
    write(repo / ".bcdr-lint.yml", "select: [BCDR503]\n")
    write(repo / ".bcdr-lint.yaml", "select: [BCDR502]\n")
    write(repo / "db.yaml", DB_MANIFEST)
    result = CliRunner().invoke(main, ["check", "db.yaml", "--format", "json"])
    assert findings(result) == [("BCDR502", "db.yaml", 10)]
    assert ("bcdr-lint: using .bcdr-lint.yaml; also found, and not read: .bcdr-lint.yml, pyproject.toml "
            "([tool.bcdr-lint])") in result.stderr
    # Topology reads the same configuration and says the same.
    assert "not read: .bcdr-lint.yml" in CliRunner().invoke(main, ["topology", "db.yaml"]).stderr
    # A pyproject.toml without the table is not a configuration: nothing to say.
    (repo / ".bcdr-lint.yml").unlink()
    write(repo / "pyproject.toml", '[project]\nname = "x"\n')
    assert "not read" not in CliRunner().invoke(main, ["check", "db.yaml"]).stderr


def test_globs_starting_with_dot_slash_are_relative_to_the_configuration_file(repo):
    # `./sandbox/**` reads as "sandbox beside this file"; gitignore syntax spells that `/sandbox/**`.
    write(repo / "ci/.bcdr-lint.yaml", "select: [BCDR502]\nexclude: [./sandbox/]\n"
                                        "per-file-ignores:\n  ./legacy/**: [BCDR502]\n")
    write(repo / "ci/sandbox/db.yaml", DB_MANIFEST)
    write(repo / "ci/legacy/db.yaml", DB_MANIFEST)
    write(repo / "ci/prod/db.yaml", DB_MANIFEST)
    write(repo / "ci/prod/sandbox/db.yaml", DB_MANIFEST)  # not beside the file: kept
    result = invoke("check", "ci", "--format", "json", "--show-suppressed")
    assert findings(result) == [("BCDR502", "ci/prod/db.yaml", 10), ("BCDR502", "ci/prod/sandbox/db.yaml", 10)]
    assert [s["location"]["path"] for s in json.loads(result.stdout)["suppressed"]] == ["ci/legacy/db.yaml"]


def test_config_option_names_the_file(repo):
    write(repo / ".bcdr-lint.yaml", "select: [BCDR503]\n")
    write(repo / "ci/strict.toml", 'select = ["BCDR502"]\n')  # a file of its own: options at the top
    write(repo / "db.yaml", DB_MANIFEST)
    result = invoke("check", "db.yaml", "--config", "ci/strict.toml", "--format", "json")
    assert findings(result) == [("BCDR502", "db.yaml", 10)]


# --- the command line overrides ---------------------------------------------------------------------


def test_select_on_the_command_line_replaces_ignore_adds(repo):
    write(repo / ".bcdr-lint.yaml", "select: [BCDR503]\nignore: [BCDR804]\n")
    write(repo / "db.yaml", DB_MANIFEST.replace("replicas: 3", "replicas: 1"))
    assert findings(invoke("check", ".", "--format", "json")) == []
    assert findings(invoke("check", ".", "--select", "BCDR5,BCDR804", "--format", "json")) == [
        ("BCDR502", "db.yaml", 10)]  # BCDR804 stays ignored by the configuration
    assert findings(invoke("check", ".", "--select", "BCDR5", "--ignore", "BCDR502", "--format", "json")) == []


# --- options ------------------------------------------------------------------------------------------


def test_severity_changes_the_level_of_findings_and_of_the_rule_in_sarif(repo):
    write(repo / ".bcdr-lint.yaml", "select: [BCDR502]\nseverity:\n  database-in-cluster: error\n")
    write(repo / "db.yaml", DB_MANIFEST)
    (finding,) = json.loads(invoke("check", ".", "--format", "json").stdout)["findings"]
    assert finding["level"] == "error"
    log = json.loads(invoke("check", ".", "--format", "sarif").stdout)
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["BCDR502"]["defaultConfiguration"]["level"] == "error"
    assert log["runs"][0]["results"][0]["level"] == "error"
    assert invoke("check", ".", "--fail-on", "error").exit_code == 1


def test_exclude_applies_to_walked_and_named_files(repo):
    write(repo / ".bcdr-lint.yaml", "select: [BCDR502]\nexclude: [examples/, '*.generated.yaml']\n")
    write(repo / "examples/db.yaml", DB_MANIFEST)
    write(repo / "k8s/db.generated.yaml", DB_MANIFEST)
    write(repo / "k8s/db.yaml", DB_MANIFEST)
    assert findings(invoke("check", ".", "--format", "json")) == [("BCDR502", "k8s/db.yaml", 10)]
    # Named on the command line (as pre-commit does): still excluded.
    assert findings(invoke("check", "examples/db.yaml", "k8s/db.generated.yaml", "--format", "json")) == []


def test_per_file_ignores_suppress_as_external(repo):
    write(repo / ".bcdr-lint.yaml", "select: [BCDR502]\nper-file-ignores:\n  'sandbox/**': [BCDR5]\n")
    write(repo / "sandbox/db.yaml", DB_MANIFEST)
    write(repo / "prod/db.yaml", DB_MANIFEST)
    result = invoke("check", ".", "--format", "json", "--show-suppressed")
    document = json.loads(result.stdout)
    assert findings(result) == [("BCDR502", "prod/db.yaml", 10)]
    (suppressed,) = document["suppressed"]
    assert suppressed["location"]["path"] == "sandbox/db.yaml"
    assert suppressed["suppression"] == {"kind": "external", "location": None,
                                         "justification": "per-file-ignores 'sandbox/**' in .bcdr-lint.yaml"}
    log = json.loads(invoke("check", ".", "--format", "sarif").stdout)
    kinds = sorted((r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                    [s["kind"] for s in r.get("suppressions", [])]) for r in log["runs"][0]["results"])
    assert kinds == [("prod/db.yaml", []), ("sandbox/db.yaml", ["external"])]


def test_database_images_extend_bcdr502(repo):
    write(repo / ".bcdr-lint.yaml", "select: [BCDR502]\ndatabase-images: [contoso/ledger-db]\n")
    write(repo / "ledger.yaml", DB_MANIFEST.replace("postgres:16", "contosoacr.azurecr.io/contoso/ledger-db:2.4"))
    result = invoke("check", ".", "--format", "json")
    assert findings(result) == [("BCDR502", "ledger.yaml", 10)]
    assert "'contoso/ledger-db' (a database listed in the configuration's database-images)" in \
        json.loads(result.stdout)["findings"][0]["message"]
    write(repo / ".bcdr-lint.yaml", "select: [BCDR502]\n")
    assert findings(invoke("check", ".", "--format", "json")) == []


def test_replicated_storage_classes_quiet_bcdr501_and_bcdr504(repo):
    manifest = """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: portworx-geo}
provisioner: disk.csi.azure.com
parameters: {skuName: Premium_LRS}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ledger, namespace: pay}
spec:
  replicas: 3
  template:
    spec:
      containers: [{name: app, image: contoso/ledger:1}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {storageClassName: portworx-geo}
"""
    write(repo / "ledger.yaml", manifest)
    write(repo / ".bcdr-lint.yaml", "select: [BCDR501, BCDR504]\n")
    assert findings(invoke("check", ".", "--format", "json")) == [
        ("BCDR501", "ledger.yaml", 16), ("BCDR504", "ledger.yaml", 5)]
    write(repo / ".bcdr-lint.yaml", "select: [BCDR501, BCDR504]\nreplicated-storage-classes: [portworx-geo]\n")
    assert findings(invoke("check", ".", "--format", "json")) == []


def test_topology_declares_clusters_for_a_manifests_only_repository(repo):
    write(repo / "pyproject.toml", """\
[project]
name = "shop-manifests"

[tool.bcdr-lint]
select = ["BCDR101", "BCDR103"]

[[tool.bcdr-lint.topology]]
name = "aks-shop-eastus2"
region = "East US 2"
resource-group = "rg-shop-eastus2"

[[tool.bcdr-lint.topology]]
name = "aks-shop-eastus2-b"
region = "eastus2"
""")
    write(repo / "db.yaml", DB_MANIFEST)
    result = invoke("check", ".", "--format", "json")
    # Both declared clusters are in eastus2 ("East US 2" normalized): a single-region deployment,
    # reported at each cluster's region in the configuration file.
    assert findings(result) == [("BCDR101", "pyproject.toml", 9), ("BCDR101", "pyproject.toml", 14)]
    write(repo / "pyproject.toml", """\
[tool.bcdr-lint]
select = ["BCDR101", "BCDR103"]
topology = [
  { name = "aks-east", region = "eastus2" },
  { name = "aks-west", region = "westus3x" },
]
""")
    assert findings(invoke("check", ".", "--format", "json")) == [("BCDR103", "pyproject.toml", 5)]


def test_topology_in_yaml_is_located_at_its_entries(repo):
    write(repo / ".bcdr-lint.yaml", """\
select: [BCDR103]
topology:
  - name: aks-east
    region: eastus2
  - name: aks-west
    region: west-us-2
""")
    assert findings(invoke("check", ".", "--format", "json")) == [("BCDR103", ".bcdr-lint.yaml", 6)]
    # Only name and region are declared: the SKU tier is unknown, not the Free default.
    write(repo / ".bcdr-lint.yaml", "select: [BCDR802, BCDR002]\ntopology:\n  - {name: aks-east, region: eastus2}\n")
    assert findings(invoke("check", ".", "--format", "json")) == [("BCDR002", ".bcdr-lint.yaml", 3)]


def test_parameter_files_and_var_files_feed_the_loaders(repo):
    basic = ROOT / "fixtures/BCDR302/bad/arm-parameter-files"
    shutil.copytree(basic, repo / "stamps")
    write(repo / ".bcdr-lint.yaml", """\
select: [BCDR101, BCDR302]
parameter-files:
  stamps/cluster-stamp.json: [stamps/azuredeploy.parameters.eastus2.json]
""")
    # One deployment (eastus2) instead of the two paired by name: a single region as well.
    assert findings(invoke("check", "stamps", "--format", "json")) == [
        ("BCDR101", "stamps/cluster-stamp.json", 13), ("BCDR302", "stamps/cluster-stamp.json", 20)]

    write(repo / "tf/main.tf", """\
variable "location" {}
resource "azurerm_kubernetes_cluster" "aks" {
  name                = "aks-one"
  location            = var.location
  resource_group_name = "rg"
  dns_prefix          = "one"
  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }
}
""")
    write(repo / "env/prod.tfvars", 'location = "westeurope"\n')
    write(repo / ".bcdr-lint.yaml", "select: [BCDR101, BCDR002]\nvar-files: [env/prod.tfvars]\n")
    assert findings(invoke("check", "tf", "--format", "json")) == [("BCDR101", "tf/main.tf", 4)]
    write(repo / ".bcdr-lint.yaml", "select: [BCDR101, BCDR002]\n")
    assert [f[0] for f in findings(invoke("check", "tf", "--format", "json"))] == ["BCDR002"]


# --- mistakes: exit 2, naming file, line and key ---------------------------------------------------------


@pytest.mark.parametrize("name, text, expected", [
    (".bcdr-lint.yaml", "select: [BCDR5]\nfail_on: error\n",
     ".bcdr-lint.yaml:2: unknown key 'fail_on' (did you mean 'fail-on'?)"),
    (".bcdr-lint.yaml", "fail-on: warn\n",
     ".bcdr-lint.yaml:1: 'fail-on': 'warn' is not one of ['error', 'warning', 'note', 'never']"),
    (".bcdr-lint.yaml", "select: BCDR5\n", ".bcdr-lint.yaml:1: 'select': 'BCDR5' is not of type 'array'"),
    (".bcdr-lint.yaml", "topology:\n  - name: aks-east\n    zone: 1\n",
     ".bcdr-lint.yaml:3: unknown key 'topology[0].zone'"),
    (".bcdr-lint.yaml", "ignore: [BCDR5, BCDR4O2]\n",
     ".bcdr-lint.yaml:1: 'ignore': unknown rule id, prefix or name 'BCDR4O2'"),
    (".bcdr-lint.yaml", "severity:\n  BCDR4: error\n", ".bcdr-lint.yaml:2: 'severity.BCDR4': unknown rule 'BCDR4'"),
    (".bcdr-lint.yaml", "select: [BCDR5\n", ".bcdr-lint.yaml:2: invalid YAML"),
    (".bcdr-lint.yaml", "- select\n", ".bcdr-lint.yaml:1: the configuration must be a mapping of options"),
    ("pyproject.toml", '[project]\nname = "x"\n\n[tool.bcdr-lint]\nselect = ["BCDR5"]\nexlude = ["a/"]\n',
     "pyproject.toml:6: unknown key 'exlude' (did you mean 'exclude'?)"),
    ("pyproject.toml", '[tool.bcdr-lint]\n\n[tool.bcdr-lint.severity]\nBCDR502 = "fatal"\n',
     "pyproject.toml:4: 'severity.BCDR502': 'fatal' is not one of ['error', 'warning', 'note']"),
    ("pyproject.toml", '[tool.bcdr-lint]\nselect = [\n', "pyproject.toml:3: invalid TOML: Invalid value"),
    ("pyproject.toml", '[tool.bcdr-lint]\nselect = ["BCDR5"]\n[broken x\n',
     "pyproject.toml:3: invalid TOML: Expected ']' at the end of a table declaration"),
    # YAML keys that are numbers or null: a glob or rule must be text.
    (".bcdr-lint.yaml", "per-file-ignores:\n  123: [BCDR5]\n",
     ".bcdr-lint.yaml:2: 'per-file-ignores.123': a key must be text: quote it"),
    (".bcdr-lint.yaml", "select: [BCDR5]\n1: [x]\n", ".bcdr-lint.yaml:2: '1': a key must be text: quote it"),
    # The table written inline under [tool]: the line of the key is still found.
    ("pyproject.toml", '[project]\nname = "x"\n\n[tool]\nbcdr-lint = { select = ["BCDR5"], fail-on = 3 }\n',
     "pyproject.toml:5: 'fail-on': 3 is not one of ['error', 'warning', 'note', 'never']"),
    # YAML reads yes/no/on/off as booleans: the message says so, not only "False is not one of".
    (".bcdr-lint.yaml", "fail-on: no\n", ".bcdr-lint.yaml:1: 'fail-on': False is not one of ['error', 'warning', "
     "'note', 'never'] (YAML reads an unquoted no as false: write 'never', or quote the value)"),
    (".bcdr-lint.yaml", "select: [BCDR5]\nseverity:\n  BCDR502: off\n",
     ".bcdr-lint.yaml:3: 'severity.BCDR502': False is not one of ['error', 'warning', 'note'] (YAML reads an "
     "unquoted off as false"),
    # A key written twice: YAML parsers keep the last one silently; a configuration must not.
    (".bcdr-lint.yaml", "select: [BCDR502]\nignore: [BCDR002]\nselect: [BCDR503]\n",
     ".bcdr-lint.yaml:3: 'select' is given twice (first on line 1)"),
    (".bcdr-lint.yaml", "severity:\n  BCDR502: error\n  BCDR804: warning\n  BCDR502: note\n",
     ".bcdr-lint.yaml:4: 'severity.BCDR502' is given twice (first on line 2)"),
    # One rule, once by id and once by name: which level would win?
    ("pyproject.toml", '[tool.bcdr-lint.severity]\nBCDR502 = "error"\ndatabase-in-cluster = "note"\n',
     "pyproject.toml:3: 'severity.database-in-cluster': BCDR502 is already given a level as 'BCDR502'"),
    ("pyproject.toml", '[tool.bcdr-lint]\nvar-files = ["env/missing.tfvars"]\n',
     "pyproject.toml:2: 'var-files': no such file or directory: env/missing.tfvars"),
])
def test_mistakes_are_exit_2_naming_file_line_and_key(repo, name, text, expected):
    write(repo / name, text)
    write(repo / "db.yaml", DB_MANIFEST)
    result = CliRunner().invoke(main, ["check", "."])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert expected in result.stderr, result.stderr
    assert "Traceback" not in result.output


def test_the_published_schema_is_a_valid_json_schema_and_documented():
    document = schema()
    jsonschema.Draft202012Validator.check_schema(document)
    on_disk = json.loads((ROOT / "bcdr_lint/config_schema.json").read_text(encoding="utf-8"))
    assert on_disk == document
    docs = (ROOT / "docs/configuration.md").read_text(encoding="utf-8")
    for key in document["properties"]:
        assert f"`{key}`" in docs, f"docs/configuration.md does not document {key}"
    assert "../bcdr_lint/config_schema.json" in docs
