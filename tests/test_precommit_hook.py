"""The pre-commit hook, run for real: `pre-commit try-repo <this checkout> bcdr-lint --all-files`
in a fresh git repository, once with a failing example and once with a passing one.

try-repo builds the hook's environment from this checkout (including uncommitted changes), so
this is what a user of the hook gets. It is the slowest test (a virtualenv is created once and
shared through PRE_COMMIT_HOME).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT


def _pre_commit() -> list[str]:
    exe = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")
    if exe is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pre-commit is not installed (pip install -e '.[test]')")
        pytest.skip("pre-commit is not installed")
    return [exe]


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory):
    return tmp_path_factory.mktemp("pre-commit-home")


def _repo(path: Path, fixture: str) -> Path:
    shutil.copytree(ROOT / fixture, path / "infra")
    # The repository's configuration is honoured by the hook: here it narrows the check to the
    # registry rules the fixtures are about.
    (path / ".bcdr-lint.yaml").write_text("select: [BCDR4]\n", encoding="utf-8")
    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q", str(path)], check=True)
    subprocess.run([*git, "add", "-A"], cwd=path, check=True)
    subprocess.run([*git, "commit", "-qm", "example"], cwd=path, check=True)
    return path


def _try_repo(repo: Path, home: Path) -> subprocess.CompletedProcess:
    if not (ROOT / ".git").exists():
        pytest.skip("try-repo needs this project to be a git checkout")
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    env.pop("BCDR_LINT_DEBUG", None)
    return subprocess.run([*_pre_commit(), "try-repo", str(ROOT), "bcdr-lint", "--all-files", "--color", "never"],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=600)


def test_hook_fails_on_a_repository_with_findings(tmp_path, pre_commit_home):
    result = _try_repo(_repo(tmp_path / "bad", "fixtures/BCDR402/bad/terraform"), pre_commit_home)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BCDR402" in result.stdout
    assert "infra/main.tf" in result.stdout


def test_hook_passes_on_a_clean_repository(tmp_path, pre_commit_home):
    result = _try_repo(_repo(tmp_path / "good", "fixtures/BCDR402/good/terraform"), pre_commit_home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout
