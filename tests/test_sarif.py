"""The SARIF reporter: valid SARIF 2.1.0 (OASIS schema and Microsoft's SARIF Multitool, with the
GitHub code-scanning rules switched on), every enabled rule described, stable fingerprints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from bcdr_lint.cli import main
from bcdr_lint.findings import Finding, Related
from bcdr_lint.model.location import Location
from bcdr_lint.reporters import Report
from bcdr_lint.reporters import sarif
from bcdr_lint.rules import RULES
from tests.helpers import ROOT

SCHEMA = json.loads((ROOT / "tests/data/sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
MULTITOOL_DEFAULT = ROOT / ".tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
# The Multitool ships the GitHub rules GH1001-GH1007 disabled; switch them on. SARIF2006 would
# fetch every URI in the log over HTTP, and tests do not use the network.
GITHUB_RULES = {
    "GH1001": "ProvideRequiredLocationProperties",
    "GH1002": "InlineThreadFlowLocations",
    "GH1003": "ProvideRequiredRegionProperties",
    "GH1004": "ReviewArraysThatExceedConfigurableDefaults",
    "GH1005": "LocationsMustBeRelativeUrisOrFilePaths",
    "GH1006": "ProvideCheckoutPath",
    "GH1007": "ProvideFullyFormattedMessageStrings",
}


def multitool_config() -> str:
    entries = ['  <Properties Key="SARIF2006.UrisShouldBeReachable.Options">\n'
               '    <Property Key="RuleEnabled" Value="Disabled" />\n  </Properties>']
    entries += [f'  <Properties Key="{rule_id}.{name}.Options">\n'
                '    <Property Key="RuleEnabled" Value="Error" />\n  </Properties>'
                for rule_id, name in GITHUB_RULES.items()]
    return '<?xml version="1.0" encoding="utf-8"?>\n<Properties>\n' + "\n".join(entries) + "\n</Properties>\n"


def find_multitool() -> Path:
    """The Multitool binary; skipped when absent, except in CI where its absence is a failure."""
    configured = os.environ.get("SARIF_MULTITOOL")
    candidate = Path(configured) if configured else MULTITOOL_DEFAULT
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return candidate
    why = f"SARIF Multitool not found at {candidate} (run scripts/test.sh, or set SARIF_MULTITOOL)"
    if configured or os.environ.get("CI") == "true":
        pytest.fail(why)
    pytest.skip(why)


def multitool_problems(log_path: Path, work: Path) -> list[str]:
    """Errors and warnings of ``Sarif.Multitool validate`` on ``log_path``, as readable lines."""
    binary = find_multitool()
    config = work / "multitool.xml"
    config.write_text(multitool_config(), encoding="utf-8")
    report = work / "multitool-report.sarif"
    completed = subprocess.run(
        [str(binary), "validate", "--rule-kind", "Sarif;Gh", "--level", "Error;Warning",
         "--config", str(config), "--output", str(report), "--log", "ForceOverwrite;PrettyPrint",
         str(log_path)],
        capture_output=True, text=True, timeout=120, cwd=work,
    )
    assert completed.returncode == 0 and report.is_file(), completed.stdout + completed.stderr
    run = json.loads(report.read_text(encoding="utf-8-sig"))["runs"][0]
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"], invocation
    problems = [f"tool {n.get('level', 'error')}: {n['message'].get('text')}"
                for n in invocation.get("toolExecutionNotifications", []) if n.get("level", "error") != "note"]
    for result in run.get("results", []):
        message = result["message"]
        problems.append(f"{result['ruleId']} {result.get('level')}: {message.get('text') or message.get('arguments')}")
    return problems


def assert_valid(log_text: str, work: Path) -> dict:
    """Parse, validate against the schema and the Multitool; return the log."""
    log = json.loads(log_text)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    path = work / "bcdr-lint.sarif"
    path.write_text(log_text, encoding="utf-8")
    assert multitool_problems(path, work) == []
    return log


def rule(rule_id: str):
    return next(r for r in RULES if r.id == rule_id)


def report(findings, rule_ids=("BCDR001", "BCDR101", "BCDR402")) -> Report:
    return Report(findings=findings, rules=[rule(i) for i in rule_ids], files=["infra/main.tf"],
                  resource_count=3, tool_version="0.1.0")


REGISTRY_FINDING = Finding(
    rule_id="BCDR402", level="warning",
    message="container registry 'acr-main' [premium] has no replica in centralus, where AKS clusters run: centralus ('aks-central')",
    location=Location("infra/main.tf", 5, 1, 15, 2),
    related=(Related(Location("infra/clusters.tf", 30, 3, 30, 28), "AKS cluster 'aks-central' runs in centralus"),),
    identity="terraform:infra:azurerm_container_registry.main|",
)
PARSE_FINDING = Finding(rule_id="BCDR001", level="error", message="mapping values are not allowed here",
                        location=Location("k8s/my app/dé ploy.yaml", 4, 9), identity="parse|x")


# --- the log, built from findings directly -----------------------------------------------------------

def test_direct_log_is_valid_and_complete(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    log = assert_valid(sarif.render(report([PARSE_FINDING, REGISTRY_FINDING])), tmp_path)
    assert list(log)[:2] == ["$schema", "version"] and log["version"] == "2.1.0"
    assert log["$schema"] == sarif.SCHEMA_URI
    (run,) = log["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": tmp_path.resolve().as_uri() + "/"}}
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["semanticVersion"]) == ("bcdr-lint", "0.1.0", "0.1.0")
    assert driver["informationUri"].startswith("https://github.com/")
    assert [r["id"] for r in driver["rules"]] == ["BCDR001", "BCDR101", "BCDR402"]


def test_every_enabled_rule_is_described():
    descriptors = sarif.to_json(sarif.build_log(report([], [r.id for r in RULES]), Path.cwd()))["runs"][0]
    for source, descriptor in zip(RULES, descriptors["tool"]["driver"]["rules"], strict=True):
        assert descriptor["id"] == source.id and descriptor["name"] == source.name
        assert descriptor["shortDescription"]["text"].rstrip(".") == source.summary.rstrip(".")
        assert descriptor["fullDescription"]["text"].rstrip(".") == sarif.what_it_checks(source.doc).rstrip(".")
        assert descriptor["help"] == {"text": source.doc, "markdown": source.doc}
        assert descriptor["helpUri"] == source.help_uri
        assert descriptor["defaultConfiguration"] == {"level": source.level}
        assert descriptor["properties"]["tags"] == list(source.tags)


def test_full_description_is_the_first_paragraph_of_what_it_checks():
    doc = "Intro.\n\n## What it checks\nA registry must be\nPremium.\n\nSecond paragraph.\n\n## Why it matters\nOutage."
    assert sarif.what_it_checks(doc) == "A registry must be Premium."
    assert sarif.what_it_checks("## Why it matters\nno check section") == ""


def test_results_point_at_their_rule_and_place(tmp_path):
    findings = [REGISTRY_FINDING, PARSE_FINDING]  # not in rule order: ruleIndex must not assume it
    run = json.loads(sarif.render(report(findings), cwd=tmp_path))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for finding, result in zip(findings, run["results"], strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding.rule_id
        assert result["level"] == finding.level
        (location,) = result["locations"]
        region = location["physicalLocation"]["region"]
        loc = finding.location
        assert region == {"startLine": loc.start_line, "startColumn": loc.start_col,
                          "endLine": loc.end_line, "endColumn": loc.end_col}
        assert result["partialFingerprints"] == {"bcdrLint/v1": finding.fingerprint}
    assert [r["ruleIndex"] for r in run["results"]] == [2, 0]


def test_uris_are_relative_to_the_current_directory_and_percent_encoded(tmp_path):
    run = json.loads(sarif.render(report([PARSE_FINDING, REGISTRY_FINDING]), cwd=tmp_path))["runs"][0]
    artifact = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "k8s/my%20app/d%C3%A9%20ploy.yaml", "uriBaseId": "%SRCROOT%"}
    related = run["results"][1]["relatedLocations"][0]["physicalLocation"]["artifactLocation"]
    assert related == {"uri": "infra/clusters.tf", "uriBaseId": "%SRCROOT%"}


def test_paths_outside_the_current_directory_are_relative_with_parent_steps(tmp_path):
    inside = tmp_path / "work"
    inside.mkdir()
    assert sarif.artifact_uri("../shared/acr.tf", inside) == ("../shared/acr.tf", "%SRCROOT%")
    assert sarif.artifact_uri(str(tmp_path / "shared" / "a b.tf"), inside) == ("../shared/a%20b.tf", "%SRCROOT%")
    assert sarif.artifact_uri(str(inside / "x.tf"), inside) == ("x.tf", "%SRCROOT%")


def test_a_path_outside_the_current_directory_passes_the_multitool(tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    outside = Finding("BCDR101", "warning", "only one region", Location(str(tmp_path / "infra/main.tf"), 2, 1), identity="x")
    text = sarif.render(report([outside]))
    jsonschema.Draft4Validator(SCHEMA).validate(json.loads(text))
    (tmp_path / "out.sarif").write_text(text, encoding="utf-8")
    assert multitool_problems(tmp_path / "out.sarif", tmp_path) == []


def test_related_locations_are_numbered_and_linked_from_the_message(tmp_path):
    (result,) = json.loads(sarif.render(report([REGISTRY_FINDING]), cwd=tmp_path))["runs"][0]["results"]
    (related,) = result["relatedLocations"]
    assert related["id"] == 1
    assert related["message"]["text"] == "AKS cluster 'aks-central' runs in centralus."
    assert related["physicalLocation"]["region"]["startLine"] == 30
    # The cluster's quoted name becomes a link; literal brackets are escaped once links are used.
    assert result["message"]["text"] == (
        "container registry 'acr-main' \\[premium\\] has no replica in centralus, "
        "where AKS clusters run: centralus (['aks-central'](1))."
    )


def test_message_links_match_whole_related_messages_first_and_never_overlap():
    related = [Related(Location("a.tf", 1), "AKS cluster 'a'"), Related(Location("b.tf", 1), "cluster 'a' again")]
    text = sarif.message_text("AKS cluster 'a' and cluster 'a'", related)
    assert text == "[AKS cluster 'a'](1) and cluster ['a'](2)."
    assert sarif.message_text("no [mention] here", related) == "no [mention] here."


def test_no_findings_is_an_empty_result_list_and_every_rule_descriptor_validates(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    log = assert_valid(sarif.render(report([], [r.id for r in RULES])), tmp_path)
    assert log["runs"][0]["results"] == []
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == len(RULES)


def test_output_is_deterministic(tmp_path):
    first = sarif.render(report([PARSE_FINDING, REGISTRY_FINDING]), cwd=tmp_path)
    assert first == sarif.render(report([PARSE_FINDING, REGISTRY_FINDING]), cwd=tmp_path)
    assert first.startswith('{\n  "$schema": ') and first.endswith("}\n")


def test_the_multitool_check_is_not_vacuous(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    log = json.loads(sarif.render(report([REGISTRY_FINDING])))
    log["runs"][0]["results"][0]["ruleIndex"] = 7
    del log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    (tmp_path / "broken.sarif").write_text(json.dumps(log), encoding="utf-8")
    rule_ids = sorted(p.split()[0] for p in multitool_problems(tmp_path / "broken.sarif", tmp_path))
    assert "SARIF1009" in rule_ids and "GH1003" in rule_ids


def test_missing_multitool_fails_in_ci(monkeypatch, tmp_path):
    monkeypatch.setenv("SARIF_MULTITOOL", str(tmp_path / "absent"))
    with pytest.raises(pytest.fail.Exception):
        find_multitool()
    monkeypatch.delenv("SARIF_MULTITOOL")
    monkeypatch.setattr(sys.modules[__name__], "MULTITOOL_DEFAULT", tmp_path / "absent")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        find_multitool()
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        find_multitool()


# --- through the command line, over real inputs ---------------------------------------------------

TERRAFORM = """\
resource "azurerm_container_registry" "shared" {
  name                = "contosoacr"
  resource_group_name = "rg-shared"
  location            = "eastus2"
  sku                 = "Premium"
}

resource "azurerm_kubernetes_cluster" "east" {
  name                = "aks-east"
  location            = "eastus2"
  resource_group_name = "rg-east"
  dns_prefix          = "east"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }
}

resource "azurerm_kubernetes_cluster" "central" {
  name                = "aks-central"
  location            = "centralus"
  resource_group_name = "rg-central"
  dns_prefix          = "central"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }
}
"""

ARM = """\
{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {
      "type": "Microsoft.ContainerService/managedClusters",
      "apiVersion": "2024-02-01",
      "name": "aks-only",
      "location": "westeurope",
      "properties": {
        "dnsPrefix": "only",
        "agentPoolProfiles": [{ "name": "system", "mode": "System", "count": 3 }]
      }
    }
  ]
}
"""

BROKEN_YAML = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n    labels: {app: web}\n"


def write_inputs(root: Path, blank_lines_above_registry: int = 0) -> None:
    (root / "infra").mkdir()
    (root / "infra/main.tf").write_text("\n" * blank_lines_above_registry + TERRAFORM, encoding="utf-8")
    (root / "arm template").mkdir()
    (root / "arm template/azuredeploy.json").write_text(ARM, encoding="utf-8")
    (root / "k8s").mkdir()
    (root / "k8s/web.yaml").write_text(BROKEN_YAML, encoding="utf-8")


def cli_sarif(*args: str) -> str:
    result = CliRunner().invoke(main, ["check", "--format", "sarif", *args])
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def places(log: dict) -> list[tuple[str, str, int]]:
    return sorted(
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
         r["locations"][0]["physicalLocation"]["region"]["startLine"])
        for r in log["runs"][0]["results"]
    )


def test_cli_log_over_all_three_formats_is_valid(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_inputs(tmp_path)
    log = assert_valid(cli_sarif("."), tmp_path)
    # The other rules' findings on these inputs (tiers, zones, routing) are asserted by their own tests.
    assert [p for p in places(log) if p[0] in {"BCDR001", "BCDR102", "BCDR402"}] == [
        ("BCDR001", "k8s/web.yaml", 5),
        ("BCDR102", "arm%20template/azuredeploy.json", 9),
        ("BCDR402", "infra/main.tf", 1),
    ]
    run = log["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == sorted(r.id for r in RULES)
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    (registry,) = [r for r in run["results"] if r["ruleId"] == "BCDR402"]
    assert [(r["id"], r["physicalLocation"]["artifactLocation"]["uri"], r["physicalLocation"]["region"]["startLine"])
            for r in registry["relatedLocations"]] == [
        (1, "infra/main.tf", 23),
        (2, "arm%20template/azuredeploy.json", 9),
    ]
    assert registry["message"]["text"].endswith("centralus (['aks-central'](1)); westeurope (['aks-only'](2)).")


def test_cli_select_limits_the_described_rules(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_inputs(tmp_path)
    log = assert_valid(cli_sarif("--select", "BCDR4", "infra"), tmp_path)
    # BCDR001 stays on whatever is selected: an unparsed file is a file nothing checked.
    registry_rules = sorted(r.id for r in RULES if r.id.startswith("BCDR4"))
    assert len(registry_rules) >= 2
    assert [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]] == ["BCDR001", *registry_rules]
    assert places(log) == [("BCDR402", "infra/main.tf", 1)]
    log = assert_valid(cli_sarif("--select", "BCDR4", "--ignore", "BCDR001", "infra"), tmp_path)
    assert [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]] == registry_rules


def test_cli_output_file_holds_the_same_log(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_inputs(tmp_path)
    result = CliRunner().invoke(main, ["check", "--format", "sarif", "-o", "report.sarif", "."])
    assert result.exit_code == 1
    assert (tmp_path / "report.sarif").read_text(encoding="utf-8") == cli_sarif(".")


def test_fingerprints_survive_lines_moving(tmp_path, monkeypatch):
    def fingerprints(folder: Path, blank_lines: int) -> dict[tuple[str, str], tuple[str, int]]:
        folder.mkdir()
        monkeypatch.chdir(folder)
        write_inputs(folder, blank_lines)
        run = json.loads(cli_sarif("."))["runs"][0]
        return {
            (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]):
                (r["partialFingerprints"]["bcdrLint/v1"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
            for r in run["results"]
        }

    before = fingerprints(tmp_path / "before", 0)
    after = fingerprints(tmp_path / "after", 4)
    key = ("BCDR402", "infra/main.tf")
    assert before[key][1] + 4 == after[key][1]
    assert {k: fp for k, (fp, _) in before.items()} == {k: fp for k, (fp, _) in after.items()}


def test_every_kind_of_suppression_is_a_valid_sarif_suppression(tmp_path, monkeypatch):
    """In-source (a comment in the configuration file, where a declared cluster's findings point),
    per-file-ignores and baseline suppressions side by side, for the schema and the Multitool."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s/db.yaml").write_text(
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: orders-db, namespace: orders}\nspec:\n"
        "  serviceName: orders-db\n  selector: {matchLabels: {app: orders-db}}\n  replicas: 3\n  template:\n"
        "    metadata: {labels: {app: orders-db}}\n    spec:\n      containers:\n"
        "        - {name: db, image: postgres:16}\n", encoding="utf-8")
    (tmp_path / ".bcdr-lint.yaml").write_text(
        "ignore: [BCDR002]\nper-file-ignores:\n  k8s/**: [BCDR805]\ntopology:\n"
        "  # bcdr-lint: ignore[BCDR101] one region until the FY26 budget (PLAT-77)\n"
        "  - {name: aks-shop-eastus2, region: eastus2}\n", encoding="utf-8")
    runner = CliRunner()
    runner.invoke(main, ["check", ".", "--select", "BCDR404", "--write-baseline", "baseline.json"])
    out = tmp_path / "log.sarif"
    result = runner.invoke(main, ["check", ".", "--baseline", "baseline.json", "--format", "sarif", "-o", str(out)])
    assert result.exit_code == 1, result.output  # BCDR502 is neither suppressed nor baselined
    work = tmp_path / "work"
    work.mkdir()
    log = assert_valid(out.read_text(encoding="utf-8"), work)
    kinds = sorted((r["ruleId"], tuple((s["kind"], s["justification"]) for s in r.get("suppressions", [])))
                   for r in log["runs"][0]["results"])
    assert kinds == [
        ("BCDR101", (("inSource", "one region until the FY26 budget (PLAT-77)"),)),
        ("BCDR404", (("external", "recorded in the baseline baseline.json"),)),
        ("BCDR502", ()),
        ("BCDR805", (("external", "per-file-ignores 'k8s/**' in .bcdr-lint.yaml"),)),
    ]
    in_source = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "BCDR101")["suppressions"][0]
    assert in_source["location"]["physicalLocation"]["artifactLocation"]["uri"] == ".bcdr-lint.yaml"
    assert in_source["location"]["physicalLocation"]["region"]["startLine"] == 5
