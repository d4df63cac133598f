"""Machine-readable report. The structure is documented in docs/json-format.md and versioned."""

from __future__ import annotations

import json
from collections import Counter

from bcdr_lint.reporters import Report, location_dict

SCHEMA_VERSION = 1


def render(report: Report) -> str:
    names = {r.id: r.name for r in report.rules}
    levels = Counter(f.level for f in report.findings)

    def entry(f) -> dict:
        return {
            "rule_id": f.rule_id,
            "rule_name": names.get(f.rule_id, ""),
            "level": f.level,
            "message": f.text,
            "subject": f.subject,
            "location": location_dict(f.location),
            "related": [{"message": r.message, "location": location_dict(r.location)} for r in f.related],
            "fingerprint": f.fingerprint,
        }

    document = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "bcdr-lint", "version": report.tool_version},
        "summary": {
            "files": len(report.files),
            "resources": report.resource_count,
            "findings": len(report.findings),
            "by_level": {lvl: levels.get(lvl, 0) for lvl in ("error", "warning", "note")},
            "suppressed": len(report.suppressed),
        },
        "findings": [entry(f) for f in report.findings],
    }
    if report.show_suppressed:
        document["suppressed"] = [{**entry(f), "suppression": _suppression(f.suppression)} for f in report.suppressed]
    if report.baseline is not None:
        document["baseline"] = {
            "path": report.baseline.path,
            "matched": report.baseline.matched,
            "stale": [stale.as_dict() for stale in report.baseline.stale],
        }
    return json.dumps(document, indent=2) + "\n"


def _suppression(suppression) -> dict:
    return {
        "kind": suppression.kind,
        "justification": suppression.justification,
        "location": location_dict(suppression.location) if suppression.location is not None else None,
    }
