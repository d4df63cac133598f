"""A Markdown summary for pull-request comments and ``$GITHUB_STEP_SUMMARY``: counts by rule, a
table of findings linking to their lines, and the topology as a Mermaid diagram.

Links point at the commit being checked when the GitHub Actions variables say which
(``GITHUB_SERVER_URL``, ``GITHUB_REPOSITORY``, ``GITHUB_SHA``), else they are relative paths.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from typing import Mapping
from urllib.parse import quote

from bcdr_lint.reporters import Report
from bcdr_lint.reporters.text import summary

MAX_ROWS = 200  # GitHub truncates step summaries at 1 MiB; a table this long is unread anyway
_ICONS = {"error": "🔴", "warning": "🟠", "note": "🔵"}


# Characters with a meaning in GitHub Markdown (links, emphasis, code, HTML, entities, strikethrough,
# table cells). Messages quote names from the checked files: they are shown as written, so every
# one is backslash-escaped (CommonMark prints an escaped ASCII punctuation character as itself).
_MARKUP = re.compile(r"([\\`*_\[\]<>|~&])")


def _cell(text: str) -> str:
    return _MARKUP.sub(r"\\\1", " ".join(text.splitlines()))


def _link_base(env: Mapping[str, str]) -> str | None:
    server, repo, sha = env.get("GITHUB_SERVER_URL"), env.get("GITHUB_REPOSITORY"), env.get("GITHUB_SHA")
    if server and repo and sha:
        return f"{server.rstrip('/')}/{repo}/blob/{sha}/"
    return None


def _link(path: str, line: int, base: str | None) -> str:
    target = f"{quote(path)}#L{line}"
    if base is not None and not path.startswith("/") and not path.startswith(".."):
        target = base + target
    return f"[{_cell(path)}:{line}]({target})"


def render(report: Report, env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    base = _link_base(env)
    out = ["## bcdr-lint", "", summary(report), ""]
    if report.findings:
        names = {r.id: r.name for r in report.rules}
        counts = Counter((f.rule_id, f.level) for f in report.findings)
        out += ["| Rule | Level | Findings |", "|---|---|---:|"]
        for (rule_id, level), count in sorted(counts.items()):
            name = f" `{names[rule_id]}`" if names.get(rule_id) else ""
            out.append(f"| {rule_id}{name} | {_ICONS.get(level, '')} {level} | {count} |")
        out += ["", "| Location | Rule | Message |", "|---|---|---|"]
        for finding in report.findings[:MAX_ROWS]:
            where = _link(finding.location.path, finding.location.start_line, base)
            out.append(f"| {where} | {finding.rule_id} | {_cell(finding.text)} |")
        if len(report.findings) > MAX_ROWS:
            out.append(f"\n{len(report.findings) - MAX_ROWS} more findings not listed; see the SARIF or JSON report.")
        out.append("")
    if report.topology is not None:
        from bcdr_lint.topology import mermaid

        out += ["<details><summary>Topology</summary>", "", "```mermaid", mermaid(report.topology), "```", "",
                "</details>", ""]
    return "\n".join(out)
