"""The GitHub Action (action.yml) and the README's example workflow.

actionlint checks the example workflow and, through a workflow that uses the action locally
(`uses: ./`), the action's own metadata. The action's check script is then run for real with
bash, with inputs that would inject shell code if they were ever interpolated.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import ROOT

ACTION = ROOT / "action.yml"
EXAMPLE_WORKFLOW = ROOT / "docs/examples/github-workflow.yml"


def _actionlint() -> str:
    found = shutil.which("actionlint") or shutil.which("actionlint", path=str(Path(sys.executable).parent))
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("actionlint is not installed (pip install -e '.[test]')")
        pytest.skip("actionlint is not installed")
    return found


def _run_actionlint(cwd: Path, *files: str) -> subprocess.CompletedProcess:
    # actionlint finds workflows from the root of a git repository.
    subprocess.run(["git", "init", "-q", str(cwd)], check=True, capture_output=True)
    return subprocess.run([_actionlint(), "-no-color", *files], cwd=cwd, capture_output=True, text=True, timeout=60)


def _action() -> dict:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def test_example_workflow_passes_actionlint(tmp_path):
    (tmp_path / ".github/workflows").mkdir(parents=True)
    shutil.copy(EXAMPLE_WORKFLOW, tmp_path / ".github/workflows/bcdr-lint.yml")
    result = _run_actionlint(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def _local_use(tmp_path: Path, inputs: dict[str, str]) -> subprocess.CompletedProcess:
    (tmp_path / ".github/workflows").mkdir(parents=True)
    shutil.copy(ACTION, tmp_path / "action.yml")
    workflow = {
        "name": "local",
        "on": ["push"],
        "permissions": {"contents": "read", "security-events": "write"},
        "jobs": {"lint": {"runs-on": "ubuntu-latest", "steps": [
            {"uses": "actions/checkout@v5"},
            {"uses": "./", "with": inputs},
        ]}},
    }
    (tmp_path / ".github/workflows/local.yml").write_text(yaml.safe_dump(workflow, sort_keys=False), encoding="utf-8")
    return _run_actionlint(tmp_path)


def test_action_metadata_passes_actionlint_with_every_input(tmp_path):
    inputs = {name: str(spec.get("default", "x")) for name, spec in _action()["inputs"].items()}
    result = _local_use(tmp_path, inputs)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_would_catch_a_wrong_input(tmp_path):
    # Proves the previous test exercises the metadata: an undeclared input is reported.
    result = _local_use(tmp_path, {"paths": ".", "not-an-input": "1"})
    assert result.returncode == 1
    assert "not-an-input" in result.stdout


def test_no_input_is_interpolated_into_a_script():
    for step in _action()["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), f"step {step.get('name')!r} interpolates an expression into shell code"


def test_action_uploads_sarif_with_a_fixed_category():
    steps = _action()["runs"]["steps"]
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["category"] == "${{ inputs.category }}"
    assert _action()["inputs"]["category"]["default"] == "bcdr-lint"
    assert "inputs.upload == 'true'" in upload["if"]


def _check_script() -> str:
    return next(s for s in _action()["runs"]["steps"] if s.get("id") == "check")["run"]


def _run_check_step(tmp_path: Path, workspace: Path, **inputs: str) -> tuple[subprocess.CompletedProcess, dict]:
    runner_temp = tmp_path / "runner"
    bin_dir = runner_temp / "bcdr-lint-venv/bin"
    bin_dir.mkdir(parents=True)
    installed = shutil.which("bcdr-lint", path=str(Path(sys.executable).parent))
    assert installed, "bcdr-lint is not installed in the test environment"
    (bin_dir / "bcdr-lint").symlink_to(installed)
    output, summary = tmp_path / "output", tmp_path / "summary.md"
    env = {
        **os.environ,
        "RUNNER_TEMP": str(runner_temp), "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary),
        "BCDR_PATHS": inputs.get("paths", "."), "BCDR_ARGS": inputs.get("args", ""),
        "BCDR_FAIL_ON": inputs.get("fail_on", "warning"), "BCDR_SARIF": inputs.get("sarif", "report.sarif"),
        "BCDR_SUMMARY": inputs.get("summary", "true"),
    }
    result = subprocess.run(["bash", "-eo", "pipefail", "-c", _check_script()], cwd=workspace, env=env,
                            capture_output=True, text=True, timeout=120)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines()) if output.exists() else {}
    return result, outputs


def test_check_step_runs_on_paths_with_spaces_and_never_executes_inputs(tmp_path):
    workspace = tmp_path / "repo"
    shutil.copytree(ROOT / "fixtures/BCDR401/bad", workspace / "infra dir")
    shutil.copytree(ROOT / "fixtures/BCDR401/good", workspace / "other")
    canary = tmp_path / "pwned"
    result, outputs = _run_check_step(
        tmp_path, workspace,
        paths=f"infra\\ dir\nother $(touch {canary})",
        args=f"--select BCDR401 `touch {canary}`",
    )
    assert not canary.exists()
    # The tricky words reached bcdr-lint as plain arguments: it reports them as missing paths or
    # bad options (exit 2) instead of a shell running them.
    assert outputs["exit-code"] == "2"


def test_check_step_writes_sarif_outputs_and_summary(tmp_path):
    workspace = tmp_path / "repo"
    shutil.copytree(ROOT / "fixtures/BCDR401/bad", workspace / "infra")
    result, outputs = _run_check_step(tmp_path, workspace, paths="infra", args="--select BCDR401", sarif="out.sarif")
    assert result.returncode == 0, result.stderr
    assert outputs["exit-code"] == "1"
    assert outputs["sarif-file"] == "out.sarif"
    sarif = json.loads((workspace / "out.sarif").read_text())
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == {"BCDR401"}
    summary = (tmp_path / "summary.md").read_text()
    assert summary.startswith("## bcdr-lint") and "BCDR401" in summary


def test_check_step_fail_on_never_reports_success(tmp_path):
    workspace = tmp_path / "repo"
    shutil.copytree(ROOT / "fixtures/BCDR401/bad", workspace / "infra")
    result, outputs = _run_check_step(tmp_path, workspace, paths="infra", fail_on="never", summary="false")
    assert outputs["exit-code"] == "0"
    assert not (tmp_path / "summary.md").exists()
    assert (workspace / "report.sarif").is_file()
