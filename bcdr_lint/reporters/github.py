"""GitHub Actions workflow commands: one annotation per finding, shown on the pull request's diff.

``::warning file=F,line=L,col=C,endLine=E,endColumn=K,title=BCDR402::message``. Property values
and messages are escaped as the runner expects (``%``, CR, LF everywhere; ``:`` and ``,`` in
properties), so a message can never end the command early or inject another one.
"""

from __future__ import annotations

from bcdr_lint.reporters import Report

# SARIF/bcdr-lint levels -> workflow command names.
_COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    lines = []
    for finding in report.findings:
        loc = finding.location
        props = [
            f"file={_property(loc.path)}",
            f"line={loc.start_line}",
            f"col={loc.start_col}",
            f"endLine={loc.end_line}",
        ]
        if loc.end_line == loc.start_line:
            props.append(f"endColumn={loc.end_col}")
        props.append(f"title={_property(finding.rule_id)}")
        message = finding.text
        if finding.related:
            shown = "; ".join(f"{r.location.path}:{r.location.start_line} {r.message}" for r in finding.related)
            message = f"{message}\nRelated: {shown}"
        lines.append(f"::{_COMMANDS[finding.level]} {','.join(props)}::{_data(message)}")
    return "\n".join(lines) + ("\n" if lines else "")
