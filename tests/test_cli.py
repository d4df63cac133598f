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
        assert result.exit_code == 0 and result.stdout.startswith("No findings (0 files"), result.output
        assert "warning: no file in a format bcdr-lint reads" in result.stderr


# -- help and the messages for common mistakes: exit 2, the thing named, no traceback -----------------


def test_help_names_every_input_format_and_lists_commands_untruncated():
    result = invoke("--help")
    assert result.exit_code == 0
    for fmt in ("Kubernetes", "Terraform", "ARM", "Bicep", "subscription exports", "pipelines"):
        assert fmt in result.output, fmt
    commands = result.output.split("Commands:")[1].splitlines()
    listed = {line.split()[0]: line for line in commands if line.strip()}
    assert set(listed) == {"check", "rule", "rules", "topology"}
    assert not any(line.rstrip().endswith("...") for line in listed.values()), listed


def test_check_help_lists_every_option_with_its_meaning():
    result = invoke("check", "--help")
    assert result.exit_code == 0
    for option in ("--format", "--output", "--select", "--ignore", "--param-file", "--var-file", "--config",
                   "--fail-on", "--exit-zero", "--baseline", "--write-baseline", "--show-suppressed", "--color",
                   "--verbose"):
        assert option in result.output, option
    assert "[text|json|sarif|markdown|github]" in result.output
    assert "1 such findings, 2 usage or configuration error" in " ".join(result.output.split())


def _usage_error(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    return " ".join(result.stderr.split())


def test_a_misspelt_format_names_it_and_the_choices(at_root):
    message = _usage_error("check", "examples/multi-region", "--format", "sarf")
    assert "Invalid value for '--format': 'sarf' is not one of 'text', 'json', 'sarif', 'markdown', 'github'" in message


def test_a_selector_that_matches_no_rule_is_named(at_root):
    assert "unknown rule id, prefix or name: 'BCDR9' (see `bcdr-lint rules`)" in _usage_error(
        "check", "examples/multi-region", "--select", "BCDR9")
    assert "unknown rule id, prefix or name: 'BCDR9'" in _usage_error("check", "examples/multi-region", "--ignore", "BCDR9")


def test_an_unknown_rule_for_rule_is_named():
    assert "unknown rule 'BCDR999' (see `bcdr-lint rules`)" in _usage_error("rule", "BCDR999")


def test_output_into_a_missing_folder_fails_before_the_run(at_root, monkeypatch):
    from bcdr_lint import engine

    def must_not_run(*args, **kwargs):
        raise AssertionError("the run started although the report could not be written")

    monkeypatch.setattr(engine, "check", must_not_run)
    assert ("Invalid value for '--output' / '-o': the folder 'no/such' of 'no/such/bcdr.sarif' does not exist"
            in _usage_error("check", "examples/multi-region", "--format", "sarif", "--output", "no/such/bcdr.sarif"))
    assert ("Invalid value for '--write-baseline': the folder 'gone' of 'gone/baseline.json' does not exist"
            in _usage_error("check", "examples/multi-region", "--write-baseline", "gone/baseline.json"))
    assert ("Invalid value for '--output' / '-o': the folder 'no' of 'no/topology.md' does not exist"
            in _usage_error("topology", "examples/multi-region", "--output", "no/topology.md"))


def test_a_missing_var_file_is_a_usage_error_like_a_missing_param_file(at_root):
    assert "Invalid value for '--var-file': File 'env/prod.tfvars' does not exist" in _usage_error(
        "check", "examples/multi-region", "--var-file", "env/prod.tfvars")
    assert "--param-file: no such file or directory: infra/stamp.bicep" in _usage_error(
        "check", "examples/multi-region", "--param-file", "infra/stamp.bicep=infra/stamp.eastus2.bicepparam")


def _unprivileged(folder, *args: str) -> subprocess.CompletedProcess:
    """Run bcdr-lint as a user who cannot read a file of mode 000 (root can read anything)."""
    import pytest
    import shutil

    prefix: list[str] = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: no user to lack read permission")
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    return subprocess.run([*prefix, sys.executable, "-m", "bcdr_lint", *args], capture_output=True, text=True,
                          cwd=folder, env={**os.environ, "NO_COLOR": "1", "PYTHONDONTWRITEBYTECODE": "1"})


def test_an_unreadable_file_named_is_a_usage_error_and_in_a_folder_is_bcdr001():
    import tempfile

    folder = tempfile.mkdtemp(prefix="bcdr-unreadable-")
    try:
        os.chmod(folder, 0o755)  # the unprivileged user must reach the folder, not the one file
        pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: a, image: nginx}]}\n"
        for name in ("pod.yaml", "secret.yaml"):
            with open(os.path.join(folder, name), "w", encoding="utf-8") as handle:
                handle.write(pod)
        os.chmod(os.path.join(folder, "secret.yaml"), 0)

        named = _unprivileged(folder, "check", "secret.yaml")
        assert named.returncode == 2, named.stderr
        assert "Path 'secret.yaml' is not readable" in named.stderr
        assert "Traceback" not in named.stderr

        whole = _unprivileged(folder, "check", ".")
        assert whole.returncode == 1, whole.stderr
        lines = whole.stdout.splitlines()
        assert "secret.yaml:1:1: BCDR001 error: cannot read file: Permission denied" in lines
        assert any(line.startswith("pod.yaml:") for line in lines)  # the other file is still checked
    finally:
        import shutil

        shutil.rmtree(folder)


def test_a_folder_without_any_input_warns_on_stderr(tmp_path):
    (tmp_path / "notes.txt").write_text("nothing to lint\n")
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 0
    assert "warning: no file in a format bcdr-lint reads under" in result.stderr
    assert "No findings (0 files" in result.stdout
