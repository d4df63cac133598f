"""What a rule is, and the helpers rules use to report findings."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Callable, Iterable

from bcdr_lint.findings import Finding, Related
from bcdr_lint.model import Location, Model, Resource, Unresolved

Check = Callable[[Model], Iterable[Finding]]

UNRESOLVED_ID = "BCDR002"
MAX_RELATED = 10


@dataclass(frozen=True)
class Rule:
    """Metadata and logic of one rule. ``doc`` (Markdown) is the rule module's docstring."""

    id: str
    name: str
    level: str
    summary: str
    help_uri: str
    tags: tuple[str, ...]
    doc: str
    check: Check

    def at(
        self,
        resource: Resource,
        message: str,
        attr: str | None = None,
        related: Iterable[Related] = (),
        location: Location | None = None,
        more: int = 0,
    ) -> Finding:
        """A finding of this rule at ``resource`` (at its property ``attr`` where located).

        Related locations are capped: a registry serving 300 clusters is one finding a reviewer
        can read, not a list that buries the code-scanning alert (and the report's size).
        ``more`` counts related locations a rule did not even build (see ``capped``).
        """
        related = tuple(related)
        more += max(0, len(related) - MAX_RELATED)
        related = related[:MAX_RELATED]
        if more:
            message = f"{message} ({more} more related locations not listed)"
        return Finding(
            rule_id=self.id,
            level=self.level,
            message=message,
            location=location or resource.loc(attr),
            related=related,
            identity=f"{resource.base_key}|{stable_attr(resource, attr)}",
            deployment=resource.deployment,
            subject=resource.label,
        )

    def unresolved(self, resource: Resource, attr: str, value: Unresolved, what: str | None = None) -> Finding:
        """BCDR002: this rule needed ``attr`` of ``resource`` and it cannot be known statically."""
        detail = f" ({value.reason})" if value.reason else ""
        return Finding(
            rule_id=UNRESOLVED_ID,
            level="note",
            message=f"{resource.label}: {what or attr.replace('_', ' ')} is unresolved: `{value.expression}`{detail}",
            location=value.location or resource.loc(attr),
            identity=f"{resource.base_key}|{attr}|{value.expression}",
            needed_by=(self.id,),
            deployment=resource.deployment,
            subject=resource.label,
        )


def rule(*, id: str, name: str, level: str, summary: str, help_uri: str, tags: tuple[str, ...] = ()) -> Callable[[Check], Rule]:
    """Decorate a rule's ``check`` function; its module docstring becomes the documentation."""

    def wrap(check: Check) -> Rule:
        module = sys.modules[check.__module__]
        return Rule(
            id=id,
            name=name,
            level=level,
            summary=summary,
            help_uri=help_uri,
            tags=tags,
            doc=(module.__doc__ or "").strip(),
            check=check,
        )

    return wrap


def related(resource: Resource, message: str | None = None, attr: str | None = None) -> Related:
    return Related(resource.loc(attr), message or resource.label)


_POSITIONAL = re.compile(r"^(\w+)\[(\d+)\](.*)$")


def stable_attr(resource: Resource, attr: str | None) -> str:
    """``volumes[2]`` -> ``volumes[cache]``: a finding's identity must not change when a
    container or volume is added before the one at fault, so list positions become names."""
    if not attr:
        return ""
    match = _POSITIONAL.match(attr)
    if match is None:
        return attr
    items = resource.get(match.group(1))
    index = int(match.group(2))
    if not isinstance(items, list) or index >= len(items):
        return attr
    item = items[index]
    name = item.get("name") if isinstance(item, dict) else item
    return f"{match.group(1)}[{name}]{match.group(3)}" if isinstance(name, str) else attr


def capped(resources: Iterable[Resource], make: Callable[[Resource], Related]) -> tuple[list[Related], int]:
    """The first MAX_RELATED related locations and how many more there are, building only those
    shown: correlation rules over thousands of clusters stay linear."""
    shown: list[Related] = []
    more = 0
    for resource in resources:
        if len(shown) < MAX_RELATED:
            shown.append(make(resource))
        else:
            more += 1
    return shown, more
