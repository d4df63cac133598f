"""The command line: exit codes, selection, rule listing and documentation."""

import json
import os
import subprocess
import sys

from click.testing import CliRunner

from bcdr_lint import __version__
from bcdr_lint.cli import main
from tests.helpers import ROOT


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"bcdr-lint {__version__}"


def test_exit_1_on_warnings_and_errors(at_root):
    result = invoke("check", "fixtures/BCDR402/bad/terraform")
    assert result.exit_code == 1
    assert "fixtures/BCDR402/bad/terraform/main.tf:5:1: BCDR402 warning:" in result.output


def test_exit_0_when_clean(at_root):
    result = invoke("check", "fixtures/BCDR001/good/terraform", "--select", "BCDR001,BCDR3")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("No findings")


def test_notes_alone_exit_0(at_root):
    result = invoke("check", "fixtures/BCDR101/unresolved/arm", "--select", "BCDR101", "--select", "BCDR002")
    assert result.exit_code == 0
    assert "BCDR002 note:" in result.output
    assert "1 note" in result.output


def test_ignore_by_prefix_and_name(at_root):
    everything = invoke("check", "examples/multi-region", "--format", "json")
    all_ids = {f["rule_id"] for f in json.loads(everything.output)["findings"]}
    assert {"BCDR102", "BCDR302", "BCDR402"} <= all_ids
    result = invoke("check", "examples/multi-region", "--format", "json", "--ignore", "BCDR1", "--ignore", "registry-missing-replica")
    ids = {f["rule_id"] for f in json.loads(result.output)["findings"]}
    assert ids == all_ids - {"BCDR102", "BCDR402"} - {i for i in all_ids if i.startswith("BCDR1")}
    assert "BCDR302" in ids


def test_select_bcdr002_alone_collects_every_unresolved_value(at_root):
    result = invoke("check", "fixtures/BCDR101/unresolved/terraform", "--select", "BCDR002", "--format", "json")
    (note,) = json.loads(result.output)["findings"]
    assert note["rule_id"] == "BCDR002"
    assert note["message"].endswith("(needed by BCDR101, BCDR102, BCDR801)")
    assert result.exit_code == 0


def test_unknown_selector_is_a_usage_error(at_root):
    result = CliRunner().invoke(main, ["check", "fixtures", "--select", "BCDX9"])
    assert result.exit_code == 2
    assert "unknown rule id, prefix or name: 'BCDX9'" in result.output


def test_missing_path_is_a_usage_error(at_root):
    result = CliRunner().invoke(main, ["check", "does/not/exist"])
    assert result.exit_code == 2
    assert "no such file or directory: does/not/exist" in result.output


def test_output_file(at_root, tmp_path):
    out = tmp_path / "report.json"
    result = invoke("check", "fixtures/BCDR302/bad/arm", "--format", "json", "--output", str(out))
    assert result.exit_code == 1
    data = json.loads(out.read_text())
    assert [f["rule_id"] for f in data["findings"]] == ["BCDR302", "BCDR101"] or data["findings"]
    assert any(f["rule_id"] == "BCDR302" and f["location"]["start_line"] == 13 for f in data["findings"])


def test_rules_lists_every_rule():
    from bcdr_lint.rules import RULES

    result = invoke("rules")
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert len(lines) == len(RULES)
    assert any(line.startswith("BCDR402  registry-missing-replica") and "warning" in line for line in lines)


def test_rule_prints_documentation():
    result = invoke("rule", "BCDR402")
    assert result.exit_code == 0
    for section in ("# BCDR402 registry-missing-replica", "## What it checks", "## Why it matters",
                    "## Example", "## Use instead", "## References"):
        assert section in result.output
    assert invoke("rule", "registry-missing-replica").output == result.output


def test_unknown_rule_doc_is_a_usage_error():
    result = CliRunner().invoke(main, ["rule", "BCDR999"])
    assert result.exit_code == 2


def test_parse_errors_do_not_stop_other_files(at_root):
    result = invoke("check", "fixtures/BCDR001/bad", "fixtures/BCDR302/bad/terraform", "--format", "json")
    data = json.loads(result.output)
    ids = [f["rule_id"] for f in data["findings"]]
    assert "BCDR001" in ids and "BCDR302" in ids
    assert result.exit_code == 1
    assert "Traceback" not in result.output


def _imported_modules(*args: str) -> set[str]:
    code = (
        "import sys\nfrom bcdr_lint.cli import main\n"
        "try:\n    main(%r)\nexcept SystemExit:\n    pass\n"
        "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n" % (list(args),)
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "NO_COLOR": "1"})
    return set(done.stderr.split())


def test_version_imports_no_parser_or_reporter():
    loaded = _imported_modules("--version")
    for heavy in ("yaml", "tree_sitter", "lark", "sarif_om", "jsonschema", "pathspec", "bcdr_lint.rules", "bcdr_lint.engine"):
        assert heavy not in loaded, heavy


def test_checking_one_yaml_file_imports_no_terraform_or_sarif_code():
    loaded = _imported_modules("check", "fixtures/BCDR001/good/k8s/deployment.yaml")
    assert "yaml" in loaded and "bcdr_lint.loaders.kubernetes" in loaded
    for unused in ("tree_sitter", "tree_sitter_hcl", "lark", "sarif_om", "jsonschema",
                   "bcdr_lint.loaders.terraform", "bcdr_lint.loaders.arm"):
        assert unused not in loaded, unused


def test_verbose_lists_what_each_file_gave(at_root):
    result = CliRunner().invoke(main, ["check", "fixtures/BCDR001", "--select", "BCDR001", "-v"])
    lines = result.stderr.splitlines()
    assert "fixtures/BCDR001/bad/main.tf: not read: parse error (BCDR001)" in lines
    assert "fixtures/BCDR001/good/k8s/deployment.yaml: 1 resource" in lines
    assert any(line.startswith("fixtures/BCDR001/good/other/docker-compose.yml: nothing") for line in lines)
    # Helm templates are not read at all.
    assert not any("templates/deployment.yaml" in line for line in lines)


def test_internal_errors_exit_2_without_traceback(at_root, monkeypatch):
    from bcdr_lint import engine

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(engine, "check", broken)
    result = CliRunner().invoke(main, ["check", "fixtures/BCDR001/good"])
    assert result.exit_code == 2
    assert "bcdr-lint: internal error: RuntimeError: boom" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_parse_errors_stay_reported_whatever_is_selected(at_root):
    result = invoke("check", "fixtures/BCDR001/bad", "--select", "BCDR5", "--format", "json")
    assert {f["rule_id"] for f in json.loads(result.output)["findings"]} == {"BCDR001"}
    result = invoke("check", "fixtures/BCDR001/bad", "--select", "BCDR5", "--ignore", "BCDR001")
    assert result.exit_code == 0


def test_select_meta_prefix_still_collects_unresolved_values(at_root):
    result = invoke("check", "fixtures/BCDR101/unresolved/terraform", "--select", "BCDR0", "--format", "json")
    assert [f["rule_id"] for f in json.loads(result.output)["findings"]] == ["BCDR002"]


def test_utf16_template_from_windows_powershell_is_read(at_root, tmp_path, monkeypatch):
    template = (ROOT / "fixtures/BCDR302/bad/arm/azuredeploy.json").read_text(encoding="utf-8")
    (tmp_path / "export.json").write_bytes(template.encode("utf-16"))
    monkeypatch.chdir(tmp_path)
    result = invoke("check", ".", "--select", "BCDR302", "--format", "json")
    (finding,) = json.loads(result.output)["findings"]
    assert (finding["rule_id"], finding["location"]["start_line"]) == ("BCDR302", 13)


def test_a_charts_templates_folder_named_explicitly_is_skipped(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "chart/templates/sub").mkdir(parents=True)
    (tmp_path / "chart/Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    (tmp_path / "chart/templates/sub/d.yaml").write_text("metadata:\n  name: {{ .Values.x }\n")
    for path in ("chart/templates", "chart/templates/sub"):
        result = invoke("check", path)
        assert result.exit_code == 0 and result.output.startswith("No findings (0 files"), result.output
