"""Baselines: today's findings recorded in a file, so that a run reports only new ones.

``check --write-baseline FILE`` records the findings; ``check --baseline FILE`` sets aside every
finding whose fingerprint (``Finding.fingerprint``, the SARIF ``partialFingerprints`` value:
rule, file and what the finding is about, never a line number) is recorded. Entries no finding
matches any more are *stale*: the run names them, and ``--baseline FILE --write-baseline FILE``
(a refresh) drops them without recording new findings, so the file only shrinks as findings are
fixed. Entries of rules that did not run, or of files outside the checked paths, are out of the
run's scope: neither stale nor dropped. The format is documented in docs/configuration.md.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from bcdr_lint.findings import Finding, Suppression

SCHEMA_VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be read or written (exit status 2)."""


@dataclass(frozen=True)
class Entry:
    """One recorded finding. Only ``fingerprint`` matches; the rest is for the people reading
    the file (and its diffs in review)."""

    fingerprint: str
    rule_id: str
    path: str
    line: int
    message: str

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class BaselineStatus:
    """What applying a baseline did: for the report and the note on stderr."""

    path: str
    matched: int
    stale: tuple[Entry, ...]


@dataclass(frozen=True)
class Applied:
    findings: list[Finding]  # not in the baseline: still active
    baselined: list[Finding]  # in the baseline: suppressed (external)
    status: BaselineStatus
    # What a refresh writes: the entries still matched (with today's line and message) and those
    # out of the run's scope, as they were. Never a new finding.
    kept: tuple[Entry, ...] = ()


@dataclass(frozen=True)
class Scope:
    """What a run checked: the rules that ran and the paths given. An entry outside it says
    nothing about whether its finding was fixed."""

    rule_ids: frozenset[str]
    paths: tuple[str, ...]

    def covers(self, entry: Entry) -> bool:
        if entry.rule_id and entry.rule_id not in self.rule_ids:
            return False
        if not entry.path:
            return True
        target = os.path.abspath(entry.path)
        for path in self.paths:
            root = os.path.abspath(path)
            if target == root or target.startswith(root.rstrip(os.sep) + os.sep):
                return True
        return False


def entry_of(finding: Finding) -> Entry:
    return Entry(fingerprint=finding.fingerprint, rule_id=finding.rule_id, path=finding.location.path,
                 line=finding.location.start_line, message=finding.text)


def write(path: str, findings: Sequence[Finding], tool_version: str) -> None:
    write_entries(path, [entry_of(f) for f in findings], tool_version)


def write_entries(path: str, entries: Sequence[Entry], tool_version: str) -> None:
    entries = sorted(entries, key=lambda e: (e.path, e.line, e.rule_id, e.fingerprint))
    document = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "bcdr-lint", "version": tool_version},
        "findings": [e.as_dict() for e in entries],
    }
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(document, indent=2) + "\n")
    except OSError as exc:
        raise BaselineError(f"cannot write baseline {path}: {exc.strerror or exc}") from exc


def read(path: str) -> list[Entry]:
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except FileNotFoundError as exc:
        raise BaselineError(f"baseline {path} does not exist (create it with --write-baseline {path})") from exc
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc.strerror or exc}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BaselineError(f"baseline {path} is not valid JSON: {exc}") from exc
    found = document.get("schema_version") if isinstance(document, dict) else None
    if found is None:
        raise BaselineError(f"baseline {path}: no schema_version: not a bcdr-lint baseline (write one with "
                            f"--write-baseline {path})")
    if isinstance(found, int) and not isinstance(found, bool) and found > SCHEMA_VERSION:
        # Rewriting it with this version would lose what the newer one recorded.
        raise BaselineError(f"baseline {path} was written by a newer bcdr-lint (schema_version {found}; this "
                            f"version reads {SCHEMA_VERSION}): upgrade bcdr-lint")
    if found != SCHEMA_VERSION:
        raise BaselineError(f"baseline {path}: schema_version {found!r} is not {SCHEMA_VERSION}: not a bcdr-lint "
                            f"baseline (write one with --write-baseline {path})")
    items = document.get("findings")
    if not isinstance(items, list):
        raise BaselineError(f"baseline {path}: 'findings' must be a list")
    entries = []
    for number, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("fingerprint"), str):
            raise BaselineError(f"baseline {path}: findings[{number}] has no 'fingerprint'")
        entries.append(Entry(
            fingerprint=item["fingerprint"],
            rule_id=str(item.get("rule_id", "")),
            path=str(item.get("path", "")),
            line=item.get("line") if isinstance(item.get("line"), int) else 0,
            message=str(item.get("message", "")),
        ))
    return entries


def apply(findings: Sequence[Finding], entries: Sequence[Entry], path: str, scope: Scope | None = None) -> Applied:
    """Set aside the findings the baseline records. A fingerprint recorded twice matches two
    findings (fingerprints are unique within a run, so that only happens in an edited file).
    Unmatched entries are stale when ``scope`` (default: everything) covers them."""
    available = Counter(e.fingerprint for e in entries)
    active: list[Finding] = []
    baselined: list[Finding] = []
    justification = f"recorded in the baseline {path}"
    for finding in findings:
        if available[finding.fingerprint] > 0:
            available[finding.fingerprint] -= 1
            baselined.append(dataclasses.replace(finding, suppression=Suppression("external", justification)))
        else:
            active.append(finding)
    stale = []
    kept = [entry_of(f) for f in baselined]
    for entry in entries:
        if available[entry.fingerprint] > 0:
            available[entry.fingerprint] -= 1
            (stale if scope is None or scope.covers(entry) else kept).append(entry)
    return Applied(active, baselined, BaselineStatus(path=path, matched=len(baselined), stale=tuple(stale)),
                   kept=tuple(kept))
