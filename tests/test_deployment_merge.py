"""The engine's merge of findings across the deployments of one template: one finding per
template line and rule, each parameter file a related location, fingerprints that survive a new
parameter file, and no related location repeated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bcdr_lint import engine
from bcdr_lint.findings import Finding

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
PARAMS_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"

CLUSTERS = {
    "type": "Microsoft.ContainerService/managedClusters",
    "apiVersion": "2024-02-01",
    "name": "[concat('aks-', parameters('regions')[copyIndex()])]",
    "location": "[parameters('regions')[copyIndex()]]",
    "copy": {"name": "clusters", "count": "[length(parameters('regions'))]", "mode": "serial", "batchSize": 1},
    "sku": {"name": "Base", "tier": "Standard"},
    "properties": {
        "dnsPrefix": "[concat('aks-', copyIndex())]",
        "agentPoolProfiles": [{"name": "system", "mode": "System", "count": 3, "vmSize": "Standard_D4ds_v5",
                               "availabilityZones": ["1", "2", "3"]}],
    },
}
REGISTRY = {
    "type": "Microsoft.ContainerRegistry/registries",
    "apiVersion": "2023-07-01",
    "name": "[parameters('acr')]",
    "location": "eastus2",
    "sku": {"name": "Premium"},
    "properties": {"zoneRedundancy": "Enabled"},
}
REPLICAS = {
    "type": "Microsoft.ContainerRegistry/registries/replications",
    "apiVersion": "2023-07-01",
    "name": "[concat(parameters('acr'), '/', parameters('replicaRegions')[copyIndex()])]",
    "location": "[parameters('replicaRegions')[copyIndex()]]",
    "dependsOn": ["[resourceId('Microsoft.ContainerRegistry/registries', parameters('acr'))]"],
    "copy": {"name": "replicas", "count": "[length(parameters('replicaRegions'))]"},
    "properties": {"zoneRedundancy": "Enabled"},
}
REGIONS = ["eastus2", "centralus", "westus3"]
# Each deployment misses a different region's replica.
REPLICA_SETS = {"a": ["westus3"], "b": ["centralus"]}


@pytest.fixture
def stamp(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    template = {"$schema": SCHEMA, "contentVersion": "1.0.0.0",
                "parameters": {"regions": {"type": "array"}, "replicaRegions": {"type": "array"},
                               "acr": {"type": "string", "defaultValue": "acrshared"}},
                "resources": [CLUSTERS, REGISTRY, REPLICAS]}
    Path("main.json").write_text(json.dumps(template, indent=2), encoding="utf-8")
    for name, replicas in REPLICA_SETS.items():
        write_parameters(name, replicas)
    return tmp_path


def write_parameters(name: str, replicas: list[str]) -> None:
    body = {"$schema": PARAMS_SCHEMA, "contentVersion": "1.0.0.0",
            "parameters": {"regions": {"value": REGIONS}, "replicaRegions": {"value": replicas}}}
    Path(f"main.parameters.{name}.json").write_text(json.dumps(body, indent=2), encoding="utf-8")


def line_of(path: str, needle: str) -> int:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


def of_rule(findings: list[Finding], rule_id: str) -> list[Finding]:
    return [f for f in findings if f.rule_id == rule_id]


def test_a_replica_in_a_copy_loop_belongs_to_the_registry_of_its_own_deployment(stamp):
    findings = engine.check(["."]).findings
    assert of_rule(findings, "BCDR002") == []
    missing = of_rule(findings, "BCDR402")
    # At the registry's declaration: its opening brace, the line above its type.
    registry_line = line_of("main.json", '"Microsoft.ContainerRegistry/registries"') - 1
    assert [(f.location.path, f.location.start_line) for f in missing] == [("main.json", registry_line)]
    deployments = {r.location.path: r.message for r in missing[0].related if r.location.path.startswith("main.parameters")}
    assert sorted(deployments) == ["main.parameters.a.json", "main.parameters.b.json"]
    # Each parameter file with its own message: a misses centralus, b misses westus3.
    assert "centralus" in deployments["main.parameters.a.json"].split("no replica in ")[1].split(",")[0]
    assert "westus3" in deployments["main.parameters.b.json"].split("no replica in ")[1].split(",")[0]


def test_related_locations_are_never_repeated(stamp):
    findings = engine.check(["."]).findings
    assert findings
    for finding in findings:
        places = [(r.location, r.message) for r in finding.related]
        assert len(places) == len(set(places)), finding


def test_fingerprints_of_merged_findings_survive_a_new_parameter_file(stamp):
    before = {(f.rule_id, f.location.start_line): f.fingerprint for f in engine.check(["."]).findings}
    write_parameters("c", [])
    after = {(f.rule_id, f.location.start_line): f.fingerprint for f in engine.check(["."]).findings}
    assert before
    for place, fingerprint in before.items():
        assert after.get(place) == fingerprint, place


def test_the_sarif_log_of_merged_findings_is_valid_and_relates_every_parameter_file(stamp):
    from tests.test_sarif import assert_valid, cli_sarif

    log = assert_valid(cli_sarif("."), stamp)
    results = [r for r in log["runs"][0]["results"] if r["ruleId"] == "BCDR402"]
    assert len(results) == 1
    related = {loc["physicalLocation"]["artifactLocation"]["uri"] for loc in results[0]["relatedLocations"]}
    assert {"main.parameters.a.json", "main.parameters.b.json"} <= related
    ids = [loc["id"] for loc in results[0]["relatedLocations"]]
    assert len(ids) == len(set(ids))


def test_one_unresolved_value_at_one_template_line_is_one_bcdr002_relating_both_parameter_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    clusters = {**CLUSTERS, "copy": {"name": "clusters", "count": "[parameters('clusterCount')]"},
                "location": "eastus2", "name": "[concat('aks-', copyIndex())]"}
    template = {"$schema": SCHEMA, "contentVersion": "1.0.0.0",
                "parameters": {"clusterCount": {"type": "int"}}, "resources": [clusters]}
    Path("main.json").write_text(json.dumps(template, indent=2), encoding="utf-8")
    secret = {"reference": {"keyVault": {"id": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"},
                            "secretName": "cluster-count"}}
    for name in ("dev", "prod"):
        body = {"$schema": PARAMS_SCHEMA, "contentVersion": "1.0.0.0", "parameters": {"clusterCount": secret}}
        Path(f"main.parameters.{name}.json").write_text(json.dumps(body, indent=2), encoding="utf-8")
    unresolved = of_rule(engine.check(["."]).findings, "BCDR002")
    assert [(f.location.path, f.location.start_line) for f in unresolved] == [("main.json", line_of("main.json", '"count"'))]
    related = [r.location.path for r in unresolved[0].related]
    assert related == ["main.parameters.dev.json", "main.parameters.prod.json"]
    assert "@" not in unresolved[0].identity


def test_cluster_names_are_listed_once_however_many_deployments_declare_them():
    from bcdr_lint.model import Kind, Location, Resource
    from bcdr_lint.rules.common import some_names

    def cluster(name: str, params: str) -> Resource:
        return Resource(kind=Kind.AKS_CLUSTER, key=f"arm:main.json:aks@{params}", name=name,
                        location=Location("main.json", 9), source_type="Microsoft.ContainerService/managedClusters",
                        deployment=Location(params, 1))

    same = [cluster("aks-centralus", f"main.parameters.{env}.json") for env in ("a", "b", "c")]
    assert some_names(same) == "'aks-centralus'"
    many = same + [cluster(f"aks-{n}", "p.json") for n in ("w", "x", "y")]
    assert some_names(many) == "'aks-centralus', 'aks-w', 'aks-x' and 1 more"
