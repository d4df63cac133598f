"""Reading the suppressions written in one file: comments (``bcdr-lint: ignore[RULES] reason``),
Kubernetes annotations and JSON tags (``RULES: reason`` entries), each a ``Directive`` with the
range of positions it covers, the rules it names, its reason, or why it is not understood.
Judging them against the findings is ``bcdr_lint.suppressions``'s job.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from bcdr_lint.findings import Finding
from bcdr_lint.model import Location
from bcdr_lint.suppressions_comments import comments
from bcdr_lint.suppressions_objects import ObjectSuppression, json_tags, kubernetes_annotations

_MARKER = "bcdr-lint"
_DIRECTIVE = re.compile(r"^[\s#/*]*bcdr-lint\s*:\s*ignore\b(.*)$", re.IGNORECASE | re.DOTALL)
# A comment that starts like a suppression with a misspelt verb or separator (`bcdr-lint: ignroe[`,
# `bcdr-lint ignore[`, `bcdr-lint-ignore[`): reported, or the author believes the finding is handled.
_LOOKALIKE = re.compile(r"^[\s#/*]*bcdr-lint\s*[:-]?\s*([a-z][\w-]*)\s*\[", re.IGNORECASE)
_VERBS = ("ignore", "disable", "suppress", "noqa", "skip", "nolint")
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


_DIGIT_LOOKALIKES = str.maketrans("oilsz", "01152")


class RuleNames:
    """Resolves the rule ids and names a suppression may use."""

    def __init__(self, ids_and_names: Iterable[tuple[str, str]]) -> None:
        self._by_word: dict[str, str] = {}
        for rule_id, name in ids_and_names:
            self._by_word[rule_id.lower()] = rule_id
            self._by_word[name.lower()] = rule_id

    def resolve(self, word: str) -> str | None:
        return self._by_word.get(word.strip().lower())

    def closest(self, word: str) -> str | None:
        """The rule id or name ``word`` is probably a typo of (``BCDR4O1`` -> ``BCDR401``)."""
        wanted = word.strip().lower()
        # Letters typed for the digits they look like: BCDR4O2, BCDR40I.
        lookalike = self._by_word.get(wanted[:4] + wanted[4:].translate(_DIGIT_LOOKALIKES))
        if lookalike is not None:
            return lookalike
        close = difflib.get_close_matches(wanted, list(self._by_word), n=1, cutoff=0.75)
        if not close:
            return None
        return self._by_word[close[0]] if close[0].startswith("bcdr") else close[0]


# --- reading --------------------------------------------------------------------------


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
    elif lowered.endswith(_CODE_SUFFIXES) and "bcdr-lint-ignore" in text:
        found.extend(_tags_not_read(path, text, lines))
    return found


# Formats whose tags are not read for suppressions (only JSON's are): a tag there is reported.
_CODE_SUFFIXES = (".tf", ".bicep")
_TAG_KEY = re.compile(r"(?<![\w.-])([\"']?)bcdr-lint-ignore\1\s*[:=]")


def _tags_not_read(path: str, text: str, lines) -> list[Directive]:
    spans = [(c.start, c.end) for c in comments(path, text)]
    marker = "#" if path.lower().endswith(".tf") else "//"
    problem = (f"a `bcdr-lint-ignore` tag suppresses only in JSON (ARM templates, exports); here write a "
               f"`{marker} bcdr-lint: ignore[RULES] reason` comment on the line of the finding")
    out = []
    for match in _TAG_KEY.finditer(text):
        if any(start <= match.start() < end for start, end in spans):
            continue
        line, col = lines.line_col(match.start())
        end_line, end_col = lines.line_col(match.end())
        out.append(Directive(Location(path, line, col, end_line, end_col), (), "", ((line, 1), (line + 1, 1)),
                             "tag", problem=problem))
    return out


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
        lookalike = None if match is not None else _LOOKALIKE.match(comment.body)
        if match is None and (lookalike is None or not _is_verb(lookalike.group(1))):
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
        scope = ((target, 1), (target + 1, 1))
        if match is None:
            out.append(Directive(location, (), "", scope, "comment", problem=_EXPECTED))
        else:
            out.append(_directive(location, match.group(1), scope, "comment", names))
    return out


_EXPECTED = "expected `bcdr-lint: ignore[RULE, ...] reason`, with the rule ids in brackets"


def _is_verb(word: str) -> bool:
    lowered = word.lower()
    return lowered in _VERBS or bool(difflib.get_close_matches(lowered, _VERBS, n=1, cutoff=0.6))


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end == -1 else end


def _directive(location: Location, rest: str, scope, kind: str, names: RuleNames) -> Directive:
    """``rest``: what follows ``bcdr-lint: ignore`` in a comment: ``[RULES] reason``."""
    rule_list = _RULE_LIST.match(rest)
    if rule_list is None:
        return Directive(location, (), "", scope, kind, problem=_EXPECTED)
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
        if obj.problem is not None:
            out.append(Directive(location, (), "", scope, obj.source, problem=obj.problem))
            continue
        entries = _entries(obj.entries, names)
        if not entries:
            out.append(Directive(location, (), "", scope, obj.source,
                                 problem="the value is empty: write `RULE: reason`, one per line"))
        for words, reason, entry in entries:
            if not words:
                out.append(Directive(location, (), "", scope, obj.source,
                                     problem=f"no rule before the reason in {entry!r}: write `RULE: reason`"))
                continue
            out.append(_resolved(location, words, reason, scope, obj.source, names))
    return out


_RULE_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")
_RULE_ID = re.compile(r"^bcdr\w*$", re.IGNORECASE)


def _entries(lines: Sequence[str], names: RuleNames) -> list[tuple[list[str], str, str]]:
    """(rule words, reason, line) per entry. A line that does not start with a rule list (words
    shaped like rule ids or names before a colon, or a lone rule) continues the reason of the
    entry above it: a long reason may wrap. A rule list with a mistake in it still starts an
    entry, so that the mistake is reported rather than read as more reason."""
    out: list[tuple[list[str], str, str]] = []
    for line in (line.strip() for line in lines):
        if not line:
            continue
        parts = _ENTRY.match(line)
        words_text, reason = (parts.group(1), parts.group(2)) if parts else (line, "")
        words = [w.strip() for w in words_text.split(",") if w.strip()]
        tokens = words_text.replace(",", " ").split()
        if parts is not None:
            starts_entry = bool(tokens) and all(_RULE_WORD.match(token) for token in tokens)
        else:
            starts_entry = bool(words) and all(names.resolve(w) or _RULE_ID.match(w) for w in words)
        if out and not starts_entry:
            previous_words, previous_reason, first = out[-1]
            out[-1] = (previous_words, " ".join(f"{previous_reason} {line}".split()), first)
            continue
        out.append((words, " ".join(reason.split()), line))
    return out
