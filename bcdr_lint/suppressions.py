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
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from bcdr_lint.findings import Finding, Suppression
from bcdr_lint.model import Location, Model
from bcdr_lint.options import RunOptions
from bcdr_lint.suppressions_comments import comments
from bcdr_lint.suppressions_objects import ObjectSuppression, json_tags, kubernetes_annotations

UNUSED_ID = "BCDR003"
NO_REASON_ID = "BCDR004"
SUPPRESSION_RULES = frozenset({UNUSED_ID, NO_REASON_ID})

_MARKER = "bcdr-lint"
_DIRECTIVE = re.compile(r"^[\s#/*]*bcdr-lint\s*:\s*ignore\b(.*)$", re.IGNORECASE | re.DOTALL)
_RULE_LIST = re.compile(r"^\s*\[([^\]]*)\](.*)$", re.DOTALL)
_ENTRY = re.compile(r"^\s*([\w\s,-]*?)\s*:(.*)$", re.DOTALL)
_REASON_LEAD = ":-\u2013\u2014 \t"


@dataclass(frozen=True)
class Directive:
    """One suppression as written. ``rule_ids``: the rules it names that exist; ``unknown``:
    names that are no rule; ``problem``: why it is not understood (then it suppresses nothing).
    ``scope``: the (line, column) range a finding's start must fall in, end exclusive."""

    location: Location
    rule_ids: tuple[str, ...]
    reason: str
    scope: tuple[tuple[int, int], tuple[int, int]]
    kind: str  # "comment", "annotation" or "tag"
    unknown: tuple[str, ...] = ()
    problem: str | None = None

    def covers(self, finding: Finding) -> bool:
        start = (finding.location.start_line, finding.location.start_col)
        return finding.rule_id in self.rule_ids and self.scope[0] <= start < self.scope[1]


@dataclass(frozen=True)
class Outcome:
    findings: list[Finding]  # active: counted for the exit status
    suppressed: list[Finding]  # each with its ``suppression``


class RuleNames:
    """Resolves the rule ids and names a suppression may use."""

    def __init__(self, ids_and_names: Iterable[tuple[str, str]]) -> None:
        self._by_word: dict[str, str] = {}
        for rule_id, name in ids_and_names:
            self._by_word[rule_id.lower()] = rule_id
            self._by_word[name.lower()] = rule_id

    def resolve(self, word: str) -> str | None:
        return self._by_word.get(word.strip().lower())


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
    for finding in _about_suppressions(directives, used, enabled, unchecked):
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


def _about_suppressions(directives: list[Directive], used: set[tuple[int, str]], enabled: set[str],
                        unchecked: set[str]) -> list[Finding]:
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
            out.append(_meta(UNUSED_ID, f"suppression names '{name}', which is not a bcdr-lint rule (see `bcdr-lint "
                                        "rules`)", directive, f"{identity}|{name}"))
        for rule_id in directive.rule_ids:
            if rule_id in enabled and (id(directive), rule_id) not in used and rule_id not in SUPPRESSION_RULES:
                advice = "remove it, or move it to the line of the finding" if directive.kind == "comment" else (
                    "remove it")
                out.append(_meta(UNUSED_ID, f"unused suppression: no {rule_id} finding {_where(directive)}; {advice}",
                                 directive, f"{identity}|{rule_id}"))
    return out


def _where(directive: Directive) -> str:
    (start_line, _), (end_line, _) = directive.scope
    if directive.kind == "comment":
        return f"on line {start_line}"
    return f"in the object it annotates (lines {start_line}-{end_line})"


def _meta(rule_id: str, message: str, directive: Directive, identity: str) -> Finding:
    return Finding(rule_id=rule_id, level="warning", message=message, location=directive.location,
                   identity=identity)


# --- reading suppressions --------------------------------------------------------------------------


def read_directives(path: str, names: RuleNames) -> list[Directive]:
    """The suppressions written in one file (none when the file cannot be read: BCDR001 says so)."""
    from bcdr_lint.loaders.base import LineIndex, UnreadableFile, read_text

    try:
        text = read_text(path)  # as the loaders read it, so columns agree with theirs
    except UnreadableFile:
        return []
    if _MARKER not in text:  # most files: one substring search, no scanning
        return []

    lines = LineIndex(text)
    found = _comment_directives(path, text, lines, names)
    lowered = path.lower()
    if lowered.endswith((".yaml", ".yml")) and "bcdr-lint.io/ignore" in text:
        found.extend(_object_directives(path, kubernetes_annotations(text), names))
    elif lowered.endswith(".json") and "bcdr-lint-ignore" in text:
        found.extend(_object_directives(path, json_tags(path, text), names))
    return found


def _comment_directives(path: str, text: str, lines, names: RuleNames) -> list[Directive]:
    all_comments = comments(path, text)
    # Lines holding nothing but comments: a suppression above other comments skips them.
    comment_only: set[int] = set()
    own_line: dict[int, bool] = {}
    for comment in all_comments:
        line, col = lines.line_col(comment.start)
        line_start = comment.start - (col - 1)
        alone = not text[line_start:comment.start].strip()
        own_line[comment.start] = alone
        end_line, _ = lines.line_col(comment.end)
        if alone and not text[comment.end:_line_end(text, comment.end)].strip():
            comment_only.update(range(line, end_line + 1))
    out = []
    for comment in all_comments:
        match = _DIRECTIVE.match(comment.body)
        if match is None:
            continue
        start_line, start_col = lines.line_col(comment.start)
        end_line, end_col = lines.line_col(comment.end)
        location = Location(path, start_line, start_col, end_line, end_col)
        if own_line[comment.start]:
            target = end_line + 1
            while target in comment_only:
                target += 1
        else:
            target = start_line
        out.append(_directive(location, match.group(1), ((target, 1), (target + 1, 1)), "comment", names))
    return out


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end == -1 else end


def _directive(location: Location, rest: str, scope, kind: str, names: RuleNames) -> Directive:
    """``rest``: what follows ``bcdr-lint: ignore`` in a comment: ``[RULES] reason``."""
    rule_list = _RULE_LIST.match(rest)
    if rule_list is None:
        return Directive(location, (), "", scope, kind,
                         problem="expected `bcdr-lint: ignore[RULE, ...] reason`, with the rule ids in brackets")
    words = [w.strip() for w in rule_list.group(1).split(",") if w.strip()]
    if not words:
        return Directive(location, (), "", scope, kind, problem="the rule list in brackets is empty")
    reason = " ".join(rule_list.group(2).replace("*/", " ").split()).lstrip(_REASON_LEAD).strip()
    return _resolved(location, words, reason, scope, kind, names)


def _resolved(location: Location, words: list[str], reason: str, scope, kind: str, names: RuleNames) -> Directive:
    ids: list[str] = []
    unknown: list[str] = []
    for word in words:
        rule_id = names.resolve(word)
        if rule_id is None:
            unknown.append(word)
        elif rule_id not in ids:
            ids.append(rule_id)
    return Directive(location, tuple(ids), reason, scope, kind, tuple(unknown))


def _object_directives(path: str, objects: list[ObjectSuppression], names: RuleNames) -> list[Directive]:
    out = []
    for obj in objects:
        location = Location(path, *obj.value_start, *obj.value_end)
        scope = (obj.scope_start, obj.scope_end)
        entries = [e for e in obj.entries if e.strip()]
        if not entries:
            out.append(Directive(location, (), "", scope, obj.source,
                                 problem="the value is empty: write `RULE: reason`, one per line"))
        for entry in entries:
            parts = _ENTRY.match(entry)
            words_text, reason = (parts.group(1), parts.group(2)) if parts else (entry, "")
            words = [w.strip() for w in words_text.split(",") if w.strip()]
            if not words:
                out.append(Directive(location, (), "", scope, obj.source,
                                     problem=f"no rule before the reason in {entry.strip()!r}: write `RULE: reason`"))
                continue
            out.append(_resolved(location, words, " ".join(reason.split()), scope, obj.source, names))
    return out


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
