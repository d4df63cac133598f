"""The suppression step: after the rules ran, findings covered by a suppression written in the
source (a comment, a Kubernetes annotation, a JSON tag) or by the configuration's
``per-file-ignores`` are set aside, and the suppressions themselves are checked:

- BCDR004: a suppression gives no reason. It still suppresses (the run fails on the BCDR004
  warning instead of the finding, so the fix is to write the reason, not to repeat the finding).
- BCDR003: a suppression (or one rule it names) matches no finding, though that rule ran; or it
  names no rule at all, or is not understood.

Comment suppressions cover the comment's own line when it follows code, else the first line
after the block of comments it stands in; object suppressions cover the whole object.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import Sequence

from bcdr_lint.findings import Finding, Suppression
from bcdr_lint.model import Location, Model
from bcdr_lint.options import RunOptions
from bcdr_lint.suppressions_read import Directive, RuleNames, read_directives

__all__ = ["Outcome", "RuleNames", "apply", "read_directives", "PerFileIgnores"]

UNUSED_ID = "BCDR003"
NO_REASON_ID = "BCDR004"
SUPPRESSION_RULES = frozenset({UNUSED_ID, NO_REASON_ID})


@dataclass(frozen=True)
class Outcome:
    findings: list[Finding]  # active: counted for the exit status
    suppressed: list[Finding]  # each with its ``suppression``


def apply(findings: Sequence[Finding], model: Model, enabled: set[str], names: RuleNames,
          options: RunOptions) -> Outcome:
    """Split ``findings`` into active and suppressed ones and add BCDR003/BCDR004 findings
    (when enabled) about the suppressions of every file of ``model`` and every file a finding
    points at."""
    paths = list(dict.fromkeys([*model.files, *(f.location.path for f in findings)]))
    directives = [d for path in paths for d in read_directives(path, names)]
    by_path: dict[str, list[Directive]] = {}
    for directive in directives:
        by_path.setdefault(directive.location.path, []).append(directive)
    used: set[tuple[int, str]] = set()  # (id of a directive, rule id it matched)
    active: list[Finding] = []
    suppressed: list[Finding] = []
    ignores = PerFileIgnores(options)
    for finding in findings:
        covering = [d for d in by_path.get(finding.location.path, ()) if d.covers(finding)]
        if not covering:
            _route(finding, ignores, active, suppressed)
            continue
        used.update((id(d), finding.rule_id) for d in covering)
        # A comment names the very line: its reason is more specific than an object's.
        chosen = min(covering, key=lambda d: d.kind != "comment")
        suppression = Suppression("inSource", chosen.reason or "(no reason given)", chosen.location)
        suppressed.append(dataclasses.replace(finding, suppression=suppression))
    levels = dict(options.severity)
    seen: dict[tuple[str, str, str], int] = {}
    # A file that does not parse was not checked: its suppressions cannot be judged unused.
    unchecked = {error.location.path for error in model.parse_errors}
    for finding in _about_suppressions(directives, used, enabled, unchecked, names, _RelatedLines(findings)):
        # Two alike suppressions in one file must not share a fingerprint.
        key = (finding.rule_id, finding.location.path, finding.identity)
        seen[key] = seen.get(key, 0) + 1
        identity = finding.identity if seen[key] == 1 else f"{finding.identity}#{seen[key]}"
        finding = dataclasses.replace(finding, identity=identity, level=levels.get(finding.rule_id, finding.level))
        _route(finding, ignores, active, suppressed)
    return Outcome(active, suppressed)


def _route(finding: Finding, ignores: "PerFileIgnores", active: list[Finding], suppressed: list[Finding]) -> None:
    external = ignores.suppression(finding)
    if external is None:
        active.append(finding)
    else:
        suppressed.append(dataclasses.replace(finding, suppression=external))


class _RelatedLines:
    """Where the finding is that a line of another place relates to: a suppression written at a
    cluster for the registry's finding must be told where to go."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self._by_line: dict[tuple[str, str, int], Location] = {}
        for finding in findings:
            for related in finding.related:
                key = (finding.rule_id, related.location.path, related.location.start_line)
                self._by_line.setdefault(key, finding.location)

    def finding_for(self, rule_id: str, directive: Directive) -> Location | None:
        (start_line, _), (end_line, end_col) = directive.scope
        last = end_line if end_col > 1 else end_line - 1
        for line in range(start_line, max(start_line, last) + 1):
            found = self._by_line.get((rule_id, directive.location.path, line))
            if found is not None:
                return found
        return None


def _about_suppressions(directives: list[Directive], used: set[tuple[int, str]], enabled: set[str],
                        unchecked: set[str], names: RuleNames, related: _RelatedLines) -> list[Finding]:
    out: list[Finding] = []
    for directive in directives:
        written = ", ".join((*directive.rule_ids, *directive.unknown)) or "no rule"
        identity = f"suppression|{directive.kind}|{written}|{directive.reason}"
        if directive.problem is not None:
            if UNUSED_ID in enabled:
                out.append(_meta(UNUSED_ID, f"bcdr-lint suppression not understood: {directive.problem}",
                                 directive, identity))
            continue
        if NO_REASON_ID in enabled and not directive.reason:
            out.append(_meta(
                NO_REASON_ID,
                f"suppression of {written} gives no reason: write why the finding is accepted after the rule "
                f"list (it still suppresses)", directive, identity))
        if UNUSED_ID not in enabled or directive.location.path in unchecked:
            continue
        for name in directive.unknown:
            meant = names.closest(name)
            hint = f"did you mean {meant}?" if meant else "see `bcdr-lint rules`"
            out.append(_meta(UNUSED_ID, f"suppression names '{name}', which is not a bcdr-lint rule ({hint})",
                             directive, f"{identity}|{name}"))
        for rule_id in directive.rule_ids:
            if rule_id in SUPPRESSION_RULES:
                out.append(_meta(UNUSED_ID, f"{rule_id} cannot be suppressed in the source (a suppression would hide "
                                            "its own problems): use `ignore` or `per-file-ignores` in the "
                                            "configuration", directive, f"{identity}|{rule_id}"))
            elif rule_id in enabled and (id(directive), rule_id) not in used:
                out.append(_meta(UNUSED_ID, f"unused suppression: no {rule_id} finding {_where(directive)}; "
                                            f"{_advice(directive, rule_id, related)}", directive, f"{identity}|{rule_id}"))
    return out


def _advice(directive: Directive, rule_id: str, related: _RelatedLines) -> str:
    elsewhere = related.finding_for(rule_id, directive)
    if elsewhere is not None:
        this = "line" if directive.kind == "comment" else "object"
        return f"the {rule_id} finding this {this} relates to is at {elsewhere.path}:{elsewhere.start_line}: suppress it there"
    return "remove it, or move it to the line of the finding" if directive.kind == "comment" else "remove it"


def _where(directive: Directive) -> str:
    (start_line, _), (end_line, end_col) = directive.scope
    if directive.kind == "comment":
        return f"on line {start_line}"
    # A block's extent ends at the start of the line after it.
    last = end_line - 1 if end_col == 1 and end_line > start_line else end_line
    return f"in the object it annotates (lines {start_line}-{last})"


def _meta(rule_id: str, message: str, directive: Directive, identity: str) -> Finding:
    return Finding(rule_id=rule_id, level="warning", message=message, location=directive.location,
                   identity=identity)


# --- per-file-ignores ------------------------------------------------------------------------------


class PerFileIgnores:
    """The configuration's ``per-file-ignores``: globs relative to the configuration file's folder."""

    def __init__(self, options: RunOptions) -> None:
        self._entries = []
        self._root = options.config_root
        self._config = options.config_file or "the configuration"
        self._cache: dict[str, list[tuple[str, frozenset[str]]]] = {}
        if options.per_file_ignores and self._root:
            import pathspec

            self._entries = [(glob, pathspec.GitIgnoreSpec.from_lines([glob]), frozenset(ids))
                             for glob, ids in options.per_file_ignores]

    def suppression(self, finding: Finding) -> Suppression | None:
        if not self._entries:
            return None
        path = finding.location.path
        if path not in self._cache:
            relative = os.path.relpath(os.path.abspath(path), self._root).replace(os.sep, "/")
            self._cache[path] = [] if relative.startswith("../") else [
                (glob, ids) for glob, spec, ids in self._entries if spec.match_file(relative)
            ]
        for glob, ids in self._cache[path]:
            if finding.rule_id in ids:
                return Suppression("external", f"per-file-ignores '{glob}' in {self._config}", None)
        return None
