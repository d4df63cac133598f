"""Shared test helpers: run the engine on fixtures and reduce findings to (rule, path, line)."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from bcdr_lint import engine
from bcdr_lint.findings import Finding

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def run(paths: Sequence[str | Path], select: Sequence[str] = (), ignore: Sequence[str] = ()) -> list[Finding]:
    """Findings of a check over ``paths`` (relative paths are taken from the repository root)."""
    resolved = [str(p) for p in paths]
    return engine.check(resolved, select=list(select), ignore=list(ignore)).findings


def findings_for(paths: Sequence[str | Path], select: Sequence[str] = ()) -> list[tuple[str, str, int]]:
    """``[(rule_id, path, line), ...]`` sorted; run with the working directory at the repo root."""
    return sorted((f.rule_id, f.location.path, f.location.start_line) for f in run(paths, select))
