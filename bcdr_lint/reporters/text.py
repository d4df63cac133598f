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
    if report.show_suppressed and report.suppressed:
        # Indented, so problem matchers that read `path:line:col:` lines do not take them for findings.
        lines.append(f"Suppressed ({len(report.suppressed)}):")
        for finding in report.suppressed:
            lines.append(paint(f"  {finding.location}: {finding.rule_id} {finding.level}: {finding.text}", _DIM))
            lines.append(paint(f"      {suppression_text(finding.suppression)}", _DIM))
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def suppression_text(suppression) -> str:
    """``suppressed in source (main.tf:4:3): reason`` / ``suppressed: per-file-ignores ...``."""
    if suppression is None:
        return ""
    if suppression.kind == "inSource" and suppression.location is not None:
        return f"suppressed in source ({suppression.location}): {suppression.justification}"
    return f"suppressed: {suppression.justification}"


def summary(report: Report) -> str:
    files = len(report.files)
    checked = f"{files} file{'s' if files != 1 else ''}, {report.resource_count} resource{'s' if report.resource_count != 1 else ''}"
    suppressed = f"; {len(report.suppressed)} suppressed" if report.suppressed else ""
    if not report.findings:
        return f"No findings ({checked} checked{suppressed})."
    levels = Counter(f.level for f in report.findings)
    parts = [f"{levels[lvl]} {lvl}{'s' if levels[lvl] != 1 else ''}" for lvl in ("error", "warning", "note") if levels[lvl]]
    total = len(report.findings)
    return f"Found {total} finding{'s' if total != 1 else ''} ({', '.join(parts)}) in {checked}{suppressed}."
