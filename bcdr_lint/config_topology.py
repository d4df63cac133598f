"""The clusters a configuration declares (``topology``), located at their entries in the file:
their findings point there, and a suppression comment there covers them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bcdr_lint.model import Location

if TYPE_CHECKING:
    from bcdr_lint.config import Config


@dataclass(frozen=True)
class DeclaredCluster:
    """An AKS cluster of the configuration's ``topology``, located at its entry."""

    name: str
    region: str
    resource_group: str | None
    location: Location
    region_location: Location


def declared_clusters(config: "Config") -> tuple[DeclaredCluster, ...]:
    clusters = []
    for index, entry in enumerate(config.values.get("topology", ())):
        line, col = _entry_position(config, index, entry["name"])
        region_line = _region_position(config, index, line) or (line, col)
        clusters.append(DeclaredCluster(
            name=entry["name"],
            region=entry["region"],
            resource_group=entry.get("resource-group"),
            location=Location(config.shown, line, col),
            region_location=Location(config.shown, region_line[0], region_line[1]),
        ))
    return tuple(clusters)


def _entry_position(config: "Config", index: int, name: str) -> tuple[int, int]:
    """The line of a topology entry; in TOML, the line naming it (inline arrays of tables keep
    several entries under one key)."""
    found = config.position(("topology", index)) or (1, 1)
    if config.path.suffix.lower() in (".yaml", ".yml"):
        return found
    lines = config.text.splitlines()
    for number in range(found[0] - 1, len(lines)):
        if f'"{name}"' in lines[number] or f"'{name}'" in lines[number]:
            return number + 1, 1
    return found


def _region_position(config: "Config", index: int, entry_line: int) -> tuple[int, int] | None:
    if config.path.suffix.lower() in (".yaml", ".yml"):
        return config.position(("topology", index, "region"))
    pattern = re.compile(r"(?:^|[{,\s])(?:region|\"region\"|'region')[ \t]*=")
    lines = config.text.splitlines()
    return next(((n + 1, 1) for n in range(entry_line - 1, len(lines)) if pattern.search(lines[n])), None)
