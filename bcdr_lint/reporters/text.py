"""Human-readable report: ``path:line:col: RULE message``, one finding per line."""

from __future__ import annotations

from collections import Counter

from bcdr_lint.reporters import Report

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "note": "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def render(report: Report, *, color: bool = False) -> str:
    def paint(text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    lines = []
    for finding in report.findings:
        where = paint(str(finding.location), _BOLD)
        level = paint(finding.level, _COLORS.get(finding.level, ""))
        lines.append(f"{where}: {finding.rule_id} {level}: {finding.text}")
        for rel in finding.related:
            lines.append(paint(f"    {rel.location}: {rel.message}", _DIM))
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def summary(report: Report) -> str:
    files = len(report.files)
    checked = f"{files} file{'s' if files != 1 else ''}, {report.resource_count} resource{'s' if report.resource_count != 1 else ''}"
    if not report.findings:
        return f"No findings ({checked} checked)."
    levels = Counter(f.level for f in report.findings)
    parts = [f"{levels[lvl]} {lvl}{'s' if levels[lvl] != 1 else ''}" for lvl in ("error", "warning", "note") if levels[lvl]]
    total = len(report.findings)
    return f"Found {total} finding{'s' if total != 1 else ''} ({', '.join(parts)}) in {checked}."
