"""Baselines: record today's findings, report only new ones, survive lines moving, name the
entries that no longer match."""

from __future__ import annotations

import json
import shutil

import jsonschema
import pytest
from click.testing import CliRunner

from bcdr_lint.cli import main
from tests.helpers import ROOT
from tests.test_sarif import SCHEMA, multitool_problems

SELECT = "BCDR402,BCDR502"
DB = """\
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


def report(*args: str) -> tuple[int, dict, str]:
    result = invoke("check", ".", "--select", SELECT, "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout), result.stderr


@pytest.fixture
def repo(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    shutil.copytree(ROOT / "fixtures/BCDR402/bad/terraform", tmp_path / "infra")
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s/db.yaml").write_text(DB, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_write_baseline_records_every_finding_with_its_fingerprint(repo):
    code, before, _ = report()
    assert code == 1 and len(before["findings"]) == 2
    result = invoke("check", ".", "--select", SELECT, "--write-baseline", "bcdr-baseline.json")
    assert result.exit_code == 0  # the run reports against the baseline it wrote
    assert result.stderr == "bcdr-lint: recorded 2 findings in bcdr-baseline.json\n"
    written = json.loads((repo / "bcdr-baseline.json").read_text(encoding="utf-8"))
    assert written["schema_version"] == 1 and written["tool"]["name"] == "bcdr-lint"
    assert [(e["rule_id"], e["path"], e["line"]) for e in written["findings"]] == [
        ("BCDR402", "infra/main.tf", 5), ("BCDR502", "k8s/db.yaml", 10)]
    assert sorted(e["fingerprint"] for e in written["findings"]) == sorted(f["fingerprint"] for f in before["findings"])
    sarif = json.loads(invoke("check", ".", "--select", SELECT, "--format", "sarif").stdout)
    assert sorted(r["partialFingerprints"]["bcdrLint/v1"] for r in sarif["runs"][0]["results"]) == sorted(
        e["fingerprint"] for e in written["findings"])


def test_baseline_hides_recorded_findings_even_after_lines_move(repo):
    invoke("check", ".", "--select", SELECT, "--write-baseline", "baseline.json")
    code, document, _ = report("--baseline", "baseline.json")
    assert (code, document["findings"], document["summary"]["suppressed"]) == (0, [], 2)
    # Lines move: a header comment and a variable above the registry, the database one container down.
    main_tf = repo / "infra/main.tf"
    main_tf.write_text("# Shared registry of the Contoso platform.\n# Owner: platform team.\n\n"
                       'variable "owner" {\n  default = "platform"\n}\n\n' + main_tf.read_text(), encoding="utf-8")
    (repo / "k8s/db.yaml").write_text(DB.replace("      containers:\n",
                                                 "      containers:\n        - name: exporter\n"
                                                 "          image: prometheuscommunity/postgres-exporter:v0.15.0\n"),
                                      encoding="utf-8")
    moved, _, _ = report()
    assert moved == 1
    code, document, stderr = report("--baseline", "baseline.json")
    assert (code, document["findings"], document["baseline"]["stale"]) == (0, [], [])
    assert document["baseline"] == {"path": "baseline.json", "matched": 2, "stale": []}
    assert "baseline" not in stderr


def test_only_new_findings_are_reported_and_fixed_ones_are_stale(repo):
    invoke("check", ".", "--select", SELECT, "--write-baseline", "baseline.json")
    recorded = json.loads((repo / "baseline.json").read_text(encoding="utf-8"))["findings"]
    (repo / "k8s/db.yaml").unlink()  # fixed: the database moved to a managed service
    (repo / "k8s/cache.yaml").write_text(DB.replace("orders-db", "cart-cache").replace("postgres:16", "redis:7.2"),
                                         encoding="utf-8")
    code, document, stderr = report("--baseline", "baseline.json")
    assert code == 1
    assert [(f["rule_id"], f["location"]["path"]) for f in document["findings"]] == [("BCDR502", "k8s/cache.yaml")]
    stale_entry = next(e for e in recorded if e["path"] == "k8s/db.yaml")
    assert document["baseline"] == {"path": "baseline.json", "matched": 1, "stale": [stale_entry]}
    assert ("1 baseline entry in baseline.json matches no finding any more (fixed, or changed); drop it with "
            "--baseline baseline.json --write-baseline baseline.json") in stderr
    # Refreshing (both options) drops the stale entry and does not record the new finding: the
    # file only shrinks, and the new finding still fails the run.
    refreshed = invoke("check", ".", "--select", SELECT, "--baseline", "baseline.json", "--write-baseline",
                       "baseline.json")
    assert refreshed.exit_code == 1
    assert "k8s/cache.yaml:10:11: BCDR502" in refreshed.stdout
    assert ("bcdr-lint: kept 1 of 2 entries in baseline.json (1 matches no finding any more); 1 new finding "
            "is not recorded (--write-baseline alone records every finding)") in refreshed.stderr
    rewritten = json.loads((repo / "baseline.json").read_text(encoding="utf-8"))["findings"]
    assert [(e["rule_id"], e["path"]) for e in rewritten] == [("BCDR402", "infra/main.tf")]
    # --write-baseline alone records every finding, the new one too.
    invoke("check", ".", "--select", SELECT, "--write-baseline", "baseline.json")
    rewritten = json.loads((repo / "baseline.json").read_text(encoding="utf-8"))["findings"]
    assert [(e["rule_id"], e["path"]) for e in rewritten] == [("BCDR402", "infra/main.tf"), ("BCDR502", "k8s/cache.yaml")]


def test_refreshing_updates_the_lines_of_moved_entries(repo):
    invoke("check", ".", "--select", SELECT, "--write-baseline", "baseline.json")
    (repo / "k8s/db.yaml").write_text("# Orders database (migrating to a flexible server).\n\n" + DB, encoding="utf-8")
    invoke("check", ".", "--select", SELECT, "--baseline", "baseline.json", "--write-baseline", "baseline.json")
    rewritten = json.loads((repo / "baseline.json").read_text(encoding="utf-8"))["findings"]
    assert [(e["rule_id"], e["path"], e["line"]) for e in rewritten] == [
        ("BCDR402", "infra/main.tf", 5), ("BCDR502", "k8s/db.yaml", 12)]


def test_entries_this_run_did_not_check_are_neither_stale_nor_dropped(repo):
    invoke("check", ".", "--select", SELECT, "--write-baseline", "baseline.json")
    # A rule that did not run (--select) and a file outside the checked paths: not "fixed".
    for args in (["check", ".", "--select", "BCDR402"], ["check", "infra", "--select", SELECT]):
        result = invoke(*args, "--baseline", "baseline.json", "--format", "json")
        assert result.exit_code == 0, result.output
        document = json.loads(result.stdout)
        assert document["baseline"] == {"path": "baseline.json", "matched": 1, "stale": []}, args
        assert "match" not in result.stderr
        refreshed = invoke(*args, "--baseline", "baseline.json", "--write-baseline", "baseline.json")
        assert refreshed.exit_code == 0
        kept = json.loads((repo / "baseline.json").read_text(encoding="utf-8"))["findings"]
        assert [(e["rule_id"], e["path"]) for e in kept] == [("BCDR402", "infra/main.tf"), ("BCDR502", "k8s/db.yaml")]


def test_baselined_findings_are_external_suppressions(repo):
    invoke("check", ".", "--select", SELECT, "--write-baseline", "baseline.json")
    text = invoke("check", ".", "--select", SELECT, "--baseline", "baseline.json", "--show-suppressed")
    assert text.exit_code == 0
    assert "      suppressed: recorded in the baseline baseline.json" in text.stdout
    sarif = invoke("check", ".", "--select", SELECT, "--baseline", "baseline.json", "--format", "sarif").stdout
    log = json.loads(sarif)
    assert [r["suppressions"] for r in log["runs"][0]["results"]] == [
        [{"kind": "external", "status": "accepted", "justification": "recorded in the baseline baseline.json"}]] * 2
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    work = repo / "multitool"
    work.mkdir()
    (work / "baselined.sarif").write_text(sarif, encoding="utf-8")
    assert multitool_problems(work / "baselined.sarif", work) == []


@pytest.mark.parametrize("content, message", [
    (None, "baseline baseline.json does not exist (create it with --write-baseline baseline.json)"),
    ("{not json", "baseline baseline.json is not valid JSON"),
    # A newer format: rewriting it with this version would lose what the newer one recorded.
    ('{"schema_version": 7, "findings": []}', "baseline baseline.json was written by a newer bcdr-lint "
     "(schema_version 7; this version reads 1): upgrade bcdr-lint"),
    ('{"schema_version": "1", "findings": []}', "baseline baseline.json: schema_version '1' is not 1: not a "
     "bcdr-lint baseline"),
    ('[{"fingerprint": "ab"}]', "baseline baseline.json: no schema_version: not a bcdr-lint baseline"),
    ('{"schema_version": 1, "findings": {}}', "baseline baseline.json: 'findings' must be a list"),
    ('{"schema_version": 1, "findings": [{"rule_id": "BCDR402"}]}', "findings[0] has no 'fingerprint'"),
])
def test_an_unusable_baseline_is_exit_2(repo, content, message):
    if content is not None:
        (repo / "baseline.json").write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", ".", "--baseline", "baseline.json"])
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_renaming_the_resource_is_a_new_finding_and_its_old_entry_stale(repo):
    invoke("check", ".", "--select", SELECT, "--write-baseline", "baseline.json")
    main_tf = repo / "infra/main.tf"
    main_tf.write_text(main_tf.read_text(encoding="utf-8").replace('"shared"', '"platform"'), encoding="utf-8")
    code, document, stderr = report("--baseline", "baseline.json")
    assert code == 1
    assert [(f["rule_id"], f["location"]["path"]) for f in document["findings"]] == [("BCDR402", "infra/main.tf")]
    assert [e["rule_id"] for e in document["baseline"]["stale"]] == ["BCDR402"]
    assert "1 baseline entry in baseline.json matches no finding any more" in stderr


def test_a_baseline_inside_the_checked_tree_is_not_read_as_an_input(repo):
    first = invoke("check", ".", "--select", SELECT, "--write-baseline", "infra/bcdr-baseline.json")
    assert first.exit_code == 0
    code, document, stderr = report("--baseline", "infra/bcdr-baseline.json")
    assert (code, document["findings"], document["baseline"]["matched"], stderr) == (0, [], 2, "")
    # Written again from a run that now also reads it: the same file.
    before = (repo / "infra/bcdr-baseline.json").read_text(encoding="utf-8")
    invoke("check", ".", "--select", SELECT, "--write-baseline", "infra/bcdr-baseline.json")
    assert (repo / "infra/bcdr-baseline.json").read_text(encoding="utf-8") == before
