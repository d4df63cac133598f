"""Facts about Azure, kept as data files with their source and date (see each file)."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class RegionInfo:
    name: str
    pair: str | None
    zones: bool | None
    restricted: bool
    cloud: str
    one_way_pair: bool = False


@lru_cache(maxsize=None)
def load_json(name: str) -> dict:
    return json.loads(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def regions() -> dict[str, RegionInfo]:
    data = load_json("regions.json")["regions"]
    return {
        name: RegionInfo(
            name=name,
            pair=info["pair"],
            zones=info["zones"],
            restricted=info["restricted"],
            cloud=info["cloud"],
            one_way_pair=info.get("one_way_pair", False),
        )
        for name, info in data.items()
    }


def region(name: str) -> RegionInfo | None:
    return regions().get(name)


def suggest_regions(name: str, limit: int = 2) -> list[str]:
    """Nearby region names for a typo (``eastus3`` -> ``eastus2``, ``west-europe`` -> ``westeurope``)."""
    cleaned = name.replace("-", "").replace("_", "")
    if cleaned in regions() and cleaned != name:
        return [cleaned]
    return difflib.get_close_matches(cleaned, list(regions()), n=limit, cutoff=0.75)
