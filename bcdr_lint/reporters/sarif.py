"""SARIF 2.1.0 report, for GitHub code scanning, Azure DevOps and IDE viewers.

The log is built from the ``sarif_om`` object model and serialized by walking its attrs fields
under their schema names. Paths are written relative to the
``%SRCROOT%`` base (the current directory), so a log produced in a checkout is portable;
other paths become absolute ``file:`` URIs.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence
from urllib.parse import quote

import attr
import sarif_om as om

from bcdr_lint.findings import Finding, Related
from bcdr_lint.model.location import Location
from bcdr_lint.reporters import Report

if TYPE_CHECKING:
    from bcdr_lint.rules.base import Rule

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "bcdr-lint"
INFORMATION_URI = "https://github.com/bcdr-lint/bcdr-lint/blob/main/README.md"
SRCROOT = "%SRCROOT%"
# Versioned so that a future change of Finding.fingerprint can be told apart by consumers.
FINGERPRINT_KEY = "bcdrLint/v1"

# Fields written even when they equal the sarif_om default. An absent ``results`` means "the
# tool did not run" (not "no findings"), and an absent result ``level`` would be inherited
# from the rule's configuration: both must be explicit.
_ALWAYS_WRITTEN = frozenset({(om.Run, "results"), (om.Result, "level"), (om.ReportingConfiguration, "level")})


def render(report: Report, *, cwd: Path | None = None) -> str:
    """The SARIF log of ``report`` as deterministic JSON. ``cwd`` defaults to the current
    directory: the base that relative finding paths are taken from."""
    base = (cwd or Path.cwd()).resolve()
    document = to_json(build_log(report, base))
    # Readers (and people) look for the schema and version first.
    head = {key: document.pop(key) for key in ("$schema", "version")}
    return json.dumps({**head, **document}, indent=2) + "\n"


def build_log(report: Report, base: Path) -> om.SarifLog:
    rules = list(report.rules)
    rule_index = {rule.id: index for index, rule in enumerate(rules)}
    driver = om.ToolComponent(
        name=TOOL_NAME,
        version=report.tool_version,
        semantic_version=report.tool_version,
        information_uri=INFORMATION_URI,
        rules=[_descriptor(rule) for rule in rules],
    )
    run = om.Run(
        tool=om.Tool(driver=driver),
        original_uri_base_ids={SRCROOT: om.ArtifactLocation(uri=_directory_uri(base))},
        column_kind="unicodeCodePoints",
        # Suppressed findings are results too, marked as such: viewers show them as dismissed.
        results=[_result(finding, rule_index, base) for finding in (*report.findings, *report.suppressed)],
    )
    return om.SarifLog(version=SARIF_VERSION, schema_uri=SCHEMA_URI, runs=[run])


def _descriptor(rule: "Rule") -> om.ReportingDescriptor:
    return om.ReportingDescriptor(
        id=rule.id,
        name=rule.name,
        short_description=om.MultiformatMessageString(text=_sentence(rule.summary)),
        full_description=om.MultiformatMessageString(text=_sentence(what_it_checks(rule.doc) or rule.summary)),
        help=om.MultiformatMessageString(text=rule.doc or rule.summary, markdown=rule.doc or rule.summary),
        help_uri=rule.help_uri or None,
        default_configuration=om.ReportingConfiguration(level=rule.level),
        properties=om.PropertyBag(tags=list(rule.tags)) if rule.tags else None,
    )


def what_it_checks(doc: str) -> str:
    """The first paragraph under the ``What it checks`` heading, joined to one line."""
    lines = doc.splitlines()
    for index, line in enumerate(lines):
        if re.fullmatch(r"#+\s*what it checks\s*#*", line.strip(), flags=re.IGNORECASE):
            paragraph: list[str] = []
            for body in lines[index + 1:]:
                stripped = body.strip()
                if stripped.startswith("#") or (not stripped and paragraph):
                    break
                if stripped:
                    paragraph.append(stripped)
            return " ".join(paragraph)
    return ""


def _result(finding: Finding, rule_index: dict[str, int], base: Path) -> om.Result:
    return om.Result(
        rule_id=finding.rule_id,
        # A finding of a rule that is not in the log's rule list (only possible when the
        # reporter is called directly) keeps its ruleId and simply has no index.
        rule_index=rule_index.get(finding.rule_id, -1),
        level=finding.level,
        message=om.Message(text=message_text(finding.text, finding.related)),
        locations=[om.Location(physical_location=_physical(finding.location, base))],
        related_locations=[
            om.Location(id=number, message=om.Message(text=_sentence(rel.message)),
                        physical_location=_physical(rel.location, base))
            for number, rel in enumerate(finding.related, start=1)
        ] or None,
        partial_fingerprints={FINGERPRINT_KEY: finding.fingerprint},
        suppressions=[_suppression(finding.suppression, base)] if finding.suppression is not None else None,
    )


@attr.s
class _Suppression(om.Suppression):
    """sarif_om predates the 2.1.0 errata: its ``state`` is the schema's ``status``."""

    status = attr.ib(default=None, metadata={"schema_property_name": "status"})


def _suppression(suppression, base: Path) -> om.Suppression:
    location = None
    if suppression.location is not None:
        location = om.Location(physical_location=_physical(suppression.location, base))
    # Written by the repository's owners (a reasoned comment, the configuration, a baseline):
    # accepted, not waiting for review.
    return _Suppression(kind=suppression.kind, status="accepted", justification=suppression.justification,
                        location=location)


def message_text(text: str, related: Sequence[Related]) -> str:
    """The result message, with the first mention of each related location turned into an
    embedded link ``[text](id)`` (SARIF 3.11.6) so viewers can jump to it. A related location
    is mentioned by its whole message or, failing that, by the first quoted name in it
    (rules name resources as ``'aks-west'``).

    Only a message that gets a link has its literal brackets escaped: a message without links
    is shown as written by every viewer, and escaping it would print the backslashes.
    """
    spans: list[tuple[int, int, int]] = []
    for number, rel in enumerate(related, start=1):
        for needle in _mentions(rel.message):
            start = _free_occurrence(text, needle, spans)
            if start != -1:
                spans.append((start, start + len(needle), number))
                break
    if not spans:
        return _sentence(text)
    pieces: list[str] = []
    position = 0
    for begin, end, number in sorted(spans):
        pieces.append(_escape_brackets(text[position:begin]))
        pieces.append(f"[{_escape_brackets(text[begin:end])}]({number})")
        position = end
    pieces.append(_escape_brackets(text[position:]))
    return _sentence("".join(pieces))


def _mentions(message: str) -> list[str]:
    whole = message.strip()
    quoted = re.search(r"'[^']+'", whole)
    return [m for m in (whole, quoted.group(0) if quoted else "") if m]


def _free_occurrence(text: str, needle: str, taken: Sequence[tuple[int, int, int]]) -> int:
    """The first position of ``needle`` in ``text`` that overlaps no link made already."""
    start = text.find(needle)
    while start != -1 and any(start < end and start + len(needle) > begin for begin, end, _ in taken):
        start = text.find(needle, start + 1)
    return start


def _escape_brackets(text: str) -> str:
    return text.replace("[", "\\[").replace("]", "\\]")


def _sentence(text: str) -> str:
    """SARIF asks for messages that are complete sentences (viewers show them one after the
    other; the Multitool's SARIF2001 checks the final period of rule texts)."""
    text = text.strip()
    return text if text.endswith(".") else f"{text}."


def _physical(location: Location, base: Path) -> om.PhysicalLocation:
    uri, uri_base_id = artifact_uri(location.path, base)
    return om.PhysicalLocation(
        artifact_location=om.ArtifactLocation(uri=uri, uri_base_id=uri_base_id),
        region=om.Region(
            start_line=location.start_line,
            start_column=location.start_col,
            end_line=location.end_line,
            end_column=location.end_col,
        ),
    )


def artifact_uri(path: str, base: Path) -> tuple[str, str | None]:
    """``(uri, uriBaseId)``: relative to ``%SRCROOT%`` (with ``../`` for files beside the
    checked folder, which code scanning can still place when the root is the repository),
    else — on another drive — an absolute file URI."""
    absolute = Path(os.path.normpath(base / path))
    try:
        relative = Path(os.path.relpath(absolute, base))
    except ValueError:
        return absolute.as_uri(), None
    # quote() keeps "/" and the unreserved characters; everything else is percent-encoded.
    return quote(relative.as_posix(), safe="/"), SRCROOT


def _directory_uri(directory: Path) -> str:
    uri = directory.as_uri()
    return uri if uri.endswith("/") else uri + "/"


def to_json(value: Any) -> Any:
    """A sarif_om object as JSON data: schema property names, no unset or default values."""
    if attr.has(type(value)):
        data: dict[str, Any] = {}
        for field in attr.fields(type(value)):
            item = getattr(value, field.name)
            if (type(value), field.name) not in _ALWAYS_WRITTEN and _is_unset(item, field):
                continue
            data[field.metadata.get("schema_property_name", field.name)] = to_json(item)
        return data
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return {key: to_json(item) for key, item in value.items()}
    return value


def _is_unset(value: Any, field: "attr.Attribute[Any]") -> bool:
    if value is None:
        return True
    if isinstance(value, (list, tuple, dict)) and not value:
        return True
    default = field.default
    if isinstance(default, attr.Factory):  # type: ignore[arg-type]
        default = default.factory()  # type: ignore[call-arg]
    # sarif_om's defaults are the schema's defaults (or -1 for "no index"): writing them adds
    # nothing a consumer does not already assume.
    return default is not attr.NOTHING and value == default
