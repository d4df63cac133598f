"""Rule documentation: printed by `bcdr-lint rule ID`, carried in SARIF help, and written to
the repository's `rules/` folder (one page per rule plus an index) by

    python -m bcdr_lint.rules.docs rules

A test fails when the committed pages differ from what this module generates.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterable

from bcdr_lint.rules.base import Rule


def render_rule_doc(rule: Rule) -> str:
    header = (
        f"# {rule.id} {rule.name}\n\n"
        f"Default level: **{rule.level}**. {rule.summary}\n"
    )
    return f"{header}\n{rule.doc.strip()}\n"


def render_index(rules: Iterable[Rule]) -> str:
    rows = "\n".join(f"| [{r.id}]({r.id}.md) | `{r.name}` | {r.level} | {r.summary} |" for r in rules)
    return (
        "# bcdr-lint rules\n\n"
        "Generated from the rule modules by `python -m bcdr_lint.rules.docs rules`; do not edit by hand.\n"
        "`bcdr-lint rule ID` prints the same page.\n\n"
        "| id | name | level | what it checks |\n|---|---|---|---|\n"
        f"{rows}\n"
    )


def pages(rules: Iterable[Rule]) -> dict[str, str]:
    ordered = sorted(rules, key=lambda r: r.id)
    out = {f"{r.id}.md": render_rule_doc(r) for r in ordered}
    out["README.md"] = render_index(ordered)
    return out


def write(folder: Path) -> list[Path]:
    from bcdr_lint.rules import RULES

    folder.mkdir(parents=True, exist_ok=True)
    wanted = pages(RULES)
    for stale in folder.glob("BCDR*.md"):
        if stale.name not in wanted:
            stale.unlink()
    written = []
    for name, text in wanted.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "rules")
    for written_path in write(target):
        print(written_path)
