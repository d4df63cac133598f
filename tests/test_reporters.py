"""The text and JSON reporters, and how the command line picks colour."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from pathlib import Path

from click.testing import CliRunner

from bcdr_lint import cli
from bcdr_lint.findings import Finding, Related
from bcdr_lint.model.location import Location
from bcdr_lint.reporters import Report, json_report, render, text
from bcdr_lint.rules import RULES

ESC = "\033["

WARNING = Finding(
    rule_id="BCDR402", level="warning",
    message="container registry 'acr' has no replica in centralus",
    location=Location("infra/main.tf", 5, 1, 12, 2),
    related=(Related(Location("infra/clusters.tf", 30, 3, 30, 28), "AKS cluster 'aks-central' runs in centralus"),
             Related(Location("arm/aks.json", 9, 7), "AKS cluster 'aks-west' runs in westus")),
    identity="terraform:infra:azurerm_container_registry.acr|",
)
ERROR = Finding(rule_id="BCDR001", level="error", message="mapping values are not allowed here",
                location=Location("k8s/web.yaml", 5, 11), identity="parse|mapping")
NOTE = Finding(rule_id="BCDR002", level="note", message="AKS cluster 'aks': region is unresolved: `var.location`",
               location=Location("infra/main.tf", 20, 15, 20, 27), identity="k|region|var.location",
               needed_by=("BCDR101", "BCDR402"))


def report(findings, files=("infra/main.tf", "infra/clusters.tf", "k8s/web.yaml"), resources=4) -> Report:
    return Report(findings=list(findings), rules=sorted(RULES, key=lambda r: r.id), files=list(files),
                  resource_count=resources, tool_version="0.1.0")


# --- text -------------------------------------------------------------------------------------------

def test_text_lines_are_path_line_col_rule_level_message():
    lines = text.render(report([ERROR, WARNING, NOTE])).splitlines()
    assert lines == [
        "k8s/web.yaml:5:11: BCDR001 error: mapping values are not allowed here",
        "infra/main.tf:5:1: BCDR402 warning: container registry 'acr' has no replica in centralus",
        "    infra/clusters.tf:30:3: AKS cluster 'aks-central' runs in centralus",
        "    arm/aks.json:9:7: AKS cluster 'aks-west' runs in westus",
        "infra/main.tf:20:15: BCDR002 note: AKS cluster 'aks': region is unresolved: `var.location` (needed by BCDR101, BCDR402)",
        "Found 3 findings (1 error, 1 warning, 1 note) in 3 files, 4 resources.",
    ]


def test_text_summary_counts_and_plurals():
    assert text.summary(report([])) == "No findings (3 files, 4 resources checked)."
    assert text.summary(report([], files=["a.tf"], resources=1)) == "No findings (1 file, 1 resource checked)."
    assert text.summary(report([WARNING], files=["a.tf"], resources=1)) == (
        "Found 1 finding (1 warning) in 1 file, 1 resource."
    )


def test_text_has_no_colour_unless_asked():
    plain = text.render(report([ERROR, WARNING]))
    assert ESC not in plain
    coloured = text.render(report([ERROR, WARNING]), color=True)
    assert f"{ESC}31merror{ESC}0m" in coloured and f"{ESC}33mwarning{ESC}0m" in coloured
    assert f"{ESC}1mk8s/web.yaml:5:11{ESC}0m" in coloured
    assert f"{ESC}2m    infra/clusters.tf:30:3: AKS cluster 'aks-central' runs in centralus{ESC}0m" in coloured
    # Without the escape codes, the coloured report is the plain one.
    assert re.sub(r"\033\[\d+m", "", coloured) == plain


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_choice_honours_no_color_and_the_flag(monkeypatch):
    monkeypatch.setattr(cli.sys, "stdout", _Terminal())
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert cli._use_color("auto", None) is True
    assert cli._use_color("auto", "report.txt") is False  # a file is not a terminal
    assert cli._use_color("never", None) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert cli._use_color("auto", None) is False
    # An explicit flag outranks the environment (no-color.org).
    assert cli._use_color("always", None) is True
    monkeypatch.setenv("NO_COLOR", "")  # empty means unset
    assert cli._use_color("auto", None) is True
    monkeypatch.setattr(cli.sys, "stdout", io.StringIO())
    monkeypatch.delenv("NO_COLOR")
    assert cli._use_color("auto", None) is False


ARM_SINGLE_CLUSTER = """\
{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {
      "type": "Microsoft.ContainerService/managedClusters",
      "apiVersion": "2024-02-01",
      "name": "aks-only",
      "location": "westeurope",
      "properties": { "dnsPrefix": "only" }
    }
  ]
}
"""


def _check(tmp_path: Path, monkeypatch, *args: str, env: dict[str, str] | None = None):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "azuredeploy.json").write_text(ARM_SINGLE_CLUSTER, encoding="utf-8")
    return CliRunner().invoke(cli.main, ["check", *args, "."], env=env)


def test_cli_colours_only_with_color_always(tmp_path, monkeypatch):
    plain = _check(tmp_path, monkeypatch, "--select", "BCDR1")
    assert plain.exit_code == 1 and ESC not in plain.stdout
    assert plain.stdout.startswith("azuredeploy.json:9:7: BCDR101 warning: AKS cluster 'aks-only' is in westeurope")
    coloured = _check(tmp_path, monkeypatch, "--select", "BCDR1", "--color", "always", env={"NO_COLOR": "1"})
    assert coloured.stdout.startswith(f"{ESC}1mazuredeploy.json:9:7{ESC}0m: BCDR101 {ESC}33mwarning{ESC}0m: ")
    assert ESC not in _check(tmp_path, monkeypatch, "--color", "never").stdout
    assert ESC not in _check(tmp_path, monkeypatch, "--format", "json", "--color", "always").stdout


# --- JSON -------------------------------------------------------------------------------------------

def test_json_document_structure():
    document = json.loads(json_report.render(report([ERROR, WARNING, NOTE])))
    assert list(document) == ["schema_version", "tool", "summary", "findings"]
    assert document["schema_version"] == json_report.SCHEMA_VERSION == 1
    assert document["tool"] == {"name": "bcdr-lint", "version": "0.1.0"}
    assert document["summary"] == {
        "files": 3, "resources": 4, "findings": 3, "by_level": {"error": 1, "warning": 1, "note": 1},
        "suppressed": 0,
    }
    first, second, third = document["findings"]
    assert first == {
        "rule_id": "BCDR001",
        "rule_name": "parse-error",
        "level": "error",
        "message": "mapping values are not allowed here",
        "subject": "",
        "location": {"path": "k8s/web.yaml", "start_line": 5, "start_column": 11, "end_line": 5, "end_column": 12},
        "related": [],
        "fingerprint": ERROR.fingerprint,
    }
    assert second["related"] == [
        {"message": "AKS cluster 'aks-central' runs in centralus",
         "location": {"path": "infra/clusters.tf", "start_line": 30, "start_column": 3, "end_line": 30, "end_column": 28}},
        {"message": "AKS cluster 'aks-west' runs in westus",
         "location": {"path": "arm/aks.json", "start_line": 9, "start_column": 7, "end_line": 9, "end_column": 8}},
    ]
    assert third["message"].endswith("(needed by BCDR101, BCDR402)")
    assert third["rule_name"] == "unresolved-value"


def test_json_is_deterministic_and_empty_reports_have_empty_lists():
    assert json_report.render(report([WARNING])) == json_report.render(report([WARNING]))
    document = json.loads(render(report([]), "json"))
    assert document["findings"] == [] and document["summary"]["findings"] == 0


def test_json_fingerprint_ignores_lines():
    moved = dataclasses.replace(WARNING, location=Location("infra/main.tf", 40, 1))
    assert json.loads(json_report.render(report([moved])))["findings"][0]["fingerprint"] == WARNING.fingerprint


def test_documented_fields_match_the_output():
    doc = (Path(__file__).resolve().parent.parent / "docs/json-format.md").read_text(encoding="utf-8")
    document = json.loads(json_report.render(report([WARNING])))
    finding = document["findings"][0]
    fields = [*document, *document["tool"], *document["summary"], *document["summary"]["by_level"], *finding,
              *finding["location"], *finding["related"][0]]
    for field in fields:
        assert f"`{field}`" in doc, f"docs/json-format.md does not describe `{field}`"
