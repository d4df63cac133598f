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


def suggest_regions(name: str, limit: int = 3) -> list[str]:
    """Nearby region names for a typo (``eastus3`` -> ``eastus2``, ``west-europe`` -> ``westeurope``)."""
    cleaned = name.replace("-", "").replace("_", "")
    if cleaned in regions() and cleaned != name:
        return [cleaned]
    scored = []
    for candidate in regions():
        score = difflib.SequenceMatcher(None, cleaned, candidate).ratio()
        if score >= 0.8:
            scored.append((-score, candidate))
    return [candidate for _, candidate in sorted(scored)[:limit]]


# Kubernetes facts (kubernetes.json): image names of databases and brokers, node-local
# provisioners, the storage classes AKS creates in every cluster.


@dataclass(frozen=True, slots=True)
class DatabaseImage:
    """A well-known database or broker image and the managed Azure service to use instead."""

    name: str
    what: str
    managed_service: str


@lru_cache(maxsize=None)
def database_images() -> dict[str, DatabaseImage]:
    """Image repository last segment or ``/``-joined suffix (lower case) -> what it is."""
    data = load_json("kubernetes.json")
    services = data["managed_services"]
    return {
        name: DatabaseImage(name=name, what=services[group]["what"], managed_service=services[group]["use"])
        for name, group in data["database_images"].items()
    }


@lru_cache(maxsize=None)
def node_local_provisioners() -> dict[str, str]:
    """StorageClass provisioner (lower case) -> what it is, for provisioners whose volumes live on one node."""
    return {name.lower(): what for name, what in load_json("kubernetes.json")["node_local_provisioners"].items()}


@lru_cache(maxsize=None)
def aks_builtin_storage_class_skus() -> dict[str, str]:
    """Name of a StorageClass AKS creates in every cluster -> its SKU as Azure spells it (``Premium_LRS``)."""
    return {
        name: info["sku"]
        for name, info in load_json("kubernetes.json")["aks_builtin_storage_classes"].items()
    }
