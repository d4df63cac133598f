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


@dataclass(frozen=True, slots=True)
class DriverDefaultSku:
    """The SKU a CSI driver provisions when its StorageClass names none."""

    provisioner: str
    sku: str
    # parameter (lower case) -> value (lower case, "*" for any) under which the default does not apply
    unknown_when: tuple[tuple[str, str], ...]

    def applies(self, parameters: dict) -> bool:
        """False when a parameter makes the SKU something the default does not decide; a
        parameter left to deploy time (not text) may be such a value, so it counts as one."""
        for key, value in self.unknown_when:
            given = parameters.get(key)
            if given is None or given == "":  # the drivers read an empty parameter as unset
                continue
            if value == "*" or not isinstance(given, str) or given.strip().lower() == value:
                return False
        return True


@lru_cache(maxsize=None)
def csi_default_skus() -> dict[str, DriverDefaultSku]:
    """CSI provisioner (lower case) -> the SKU it uses when a StorageClass sets no skuName."""
    data = load_json("kubernetes.json")["csi_default_skus"]["provisioners"]
    return {
        name.lower(): DriverDefaultSku(
            provisioner=name, sku=info["sku"], unknown_when=tuple(sorted(info["unknown_when"].items())),
        )
        for name, info in data.items()
    }
