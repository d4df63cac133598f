"""Reporters turn findings into text, JSON or SARIF. They never read input files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

from bcdr_lint.findings import Finding

if TYPE_CHECKING:
    from bcdr_lint.rules.base import Rule

FORMATS = ("text", "json", "sarif", "markdown", "github")


@dataclass(frozen=True)
class Report:
    findings: Sequence[Finding]
    rules: Sequence["Rule"]  # the enabled rules, in id order
    files: Sequence[str]
    resource_count: int
    tool_version: str
    topology: Any = None  # a bcdr_lint.topology.Topology, for the formats that draw it
    # Findings a suppression or the baseline covers (``Finding.suppression`` set): SARIF always
    # carries them as suppressed results; text and JSON list them when ``show_suppressed``.
    suppressed: Sequence[Finding] = ()
    show_suppressed: bool = False
    baseline: Any = None  # a bcdr_lint.baseline.BaselineStatus when a baseline was applied


def render(report: Report, fmt: str, *, color: bool = False) -> str:
    if fmt == "text":
        from bcdr_lint.reporters import text

        return text.render(report, color=color)
    if fmt == "json":
        from bcdr_lint.reporters import json_report

        return json_report.render(report)
    if fmt == "sarif":
        from bcdr_lint.reporters import sarif

        return sarif.render(report)
    if fmt == "markdown":
        from bcdr_lint.reporters import markdown

        return markdown.render(report)
    if fmt == "github":
        from bcdr_lint.reporters import github

        return github.render(report)
    raise ValueError(f"unknown format {fmt!r}")


def location_dict(location) -> dict:
    return {
        "path": location.path,
        "start_line": location.start_line,
        "start_column": location.start_col,
        "end_line": location.end_line,
        "end_column": location.end_col,
    }
