"""Findings: what rules report and reporters print."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from bcdr_lint.model.location import Location

LEVELS = ("error", "warning", "note")
LEVEL_RANK = {"note": 0, "warning": 1, "error": 2}


@dataclass(frozen=True, slots=True)
class Related:
    location: Location
    message: str


@dataclass(frozen=True, slots=True)
class Suppression:
    """Why a finding does not count: ``kind`` is SARIF's ``inSource`` (a comment, annotation or
    tag in the file) or ``external`` (configuration, baseline); ``location`` is where an in-source
    suppression is written."""

    kind: str
    justification: str
    location: Location | None = None


@dataclass(frozen=True)
class Finding:
    """One problem at one place.

    ``identity`` names what the finding is about without line numbers (a resource key and
    attribute): the fingerprint hashes it with the rule id and file, so it survives edits that
    only move lines. ``needed_by`` lists, for BCDR002, the rules that could not check a value.
    """

    rule_id: str
    level: str
    message: str
    location: Location
    related: tuple[Related, ...] = ()
    identity: str = ""
    needed_by: tuple[str, ...] = field(default=())
    # The parameter file of the deployment the finding is about (merged away by the engine).
    deployment: Location | None = None
    # What the finding is about, as messages name it (``AKS cluster 'aks-east'``); empty for a file.
    subject: str = ""
    # Set on findings a suppression or the baseline covers; they do not count for the exit status.
    suppression: Suppression | None = None

    @property
    def text(self) -> str:
        if self.needed_by:
            return f"{self.message} (needed by {', '.join(self.needed_by)})"
        return self.message

    @property
    def fingerprint(self) -> str:
        seed = "\x1f".join((self.rule_id, self.location.path, self.identity or self.message))
        return hashlib.sha256(seed.encode("utf-8")).hexdigest()[:32]

    def sort_key(self) -> tuple:
        return (self.location.path, self.location.start_line, self.location.start_col, self.rule_id, self.message)
