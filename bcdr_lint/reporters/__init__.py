"""Reporters turn findings into text, JSON or SARIF. They never read input files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from bcdr_lint.findings import Finding

if TYPE_CHECKING:
    from bcdr_lint.rules.base import Rule

FORMATS = ("text", "json", "sarif")


@dataclass(frozen=True)
class Report:
    findings: Sequence[Finding]
    rules: Sequence["Rule"]  # the enabled rules, in id order
    files: Sequence[str]
    resource_count: int
    tool_version: str


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
    raise ValueError(f"unknown format {fmt!r}")


def location_dict(location) -> dict:
    return {
        "path": location.path,
        "start_line": location.start_line,
        "start_column": location.start_col,
        "end_line": location.end_line,
        "end_column": location.end_col,
    }
