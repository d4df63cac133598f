"""Shared vocabulary of the benchmark generator: regions, names, and the file record.

Everything here is driven by a ``random.Random`` passed in, never by the global generator or
hash order, so the same seed writes byte-identical trees.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# Real Azure regions as ``(programmatic name, display name, paired region)``. A monorepo mostly
# deploys pairs (primary + its pair), so pairs are kept together here.
REGIONS: tuple[tuple[str, str, str], ...] = (
    ("eastus", "East US", "westus"),
    ("eastus2", "East US 2", "centralus"),
    ("centralus", "Central US", "eastus2"),
    ("westus", "West US", "eastus"),
    ("westus2", "West US 2", "westcentralus"),
    ("westus3", "West US 3", "eastus"),
    ("southcentralus", "South Central US", "northcentralus"),
    ("northcentralus", "North Central US", "southcentralus"),
    ("canadacentral", "Canada Central", "canadaeast"),
    ("brazilsouth", "Brazil South", "southcentralus"),
    ("northeurope", "North Europe", "westeurope"),
    ("westeurope", "West Europe", "northeurope"),
    ("uksouth", "UK South", "ukwest"),
    ("francecentral", "France Central", "francesouth"),
    ("germanywestcentral", "Germany West Central", "germanynorth"),
    ("swedencentral", "Sweden Central", "swedensouth"),
    ("switzerlandnorth", "Switzerland North", "switzerlandwest"),
    ("norwayeast", "Norway East", "norwaywest"),
    ("southeastasia", "Southeast Asia", "eastasia"),
    ("eastasia", "East Asia", "southeastasia"),
    ("japaneast", "Japan East", "japanwest"),
    ("australiaeast", "Australia East", "australiasoutheast"),
    ("centralindia", "Central India", "southindia"),
    ("koreacentral", "Korea Central", "koreasouth"),
    ("uaenorth", "UAE North", "uaecentral"),
    ("southafricanorth", "South Africa North", "southafricawest"),
)

# Misspellings seen in real repositories; a linter must flag them rather than trust them.
REGION_TYPOS: tuple[str, ...] = ("westeurpoe", "eastus3", "northeruope", "East US2 ", "uk-south", "westus-2")

TEAMS: tuple[str, ...] = (
    "payments", "checkout", "identity", "search", "catalog", "platform", "data", "messaging",
    "risk", "ledger", "notifications", "reporting", "ml", "edge",
)
APP_WORDS: tuple[str, ...] = (
    "api", "worker", "gateway", "frontend", "scheduler", "indexer", "ingest", "auth", "billing",
    "orders", "profile", "events", "export", "import", "sync", "router", "cache", "quotes",
)
ENVS: tuple[str, ...] = ("dev", "test", "staging", "prod")

DATABASE_IMAGES: tuple[str, ...] = (
    "postgres:15.4", "bitnami/postgresql:16.1.0", "mysql:8.0.35", "mariadb:11.2", "mongo:6.0.12",
    "redis:7.2-alpine", "bitnami/kafka:3.6", "docker.elastic.co/elasticsearch/elasticsearch:8.11.1",
    "cassandra:4.1", "rabbitmq:3.12-management", "bitnami/etcd:3.5.10",
)


@dataclass(frozen=True)
class GeneratedFile:
    """One file to write. ``broken`` marks files that are meant not to parse."""

    path: str
    content: bytes
    broken: bool = False


def text_file(path: str, text: str) -> GeneratedFile:
    return GeneratedFile(path, text.encode("utf-8"))


def pick_region(rng: random.Random) -> tuple[str, str, str]:
    return rng.choice(REGIONS)


def region_spelling(rng: random.Random, region: tuple[str, str, str], typo_rate: float = 0.01) -> str:
    """How a region is written: programmatic, display name, or (rarely) a typo."""
    roll = rng.random()
    if roll < typo_rate:
        return rng.choice(REGION_TYPOS)
    return region[1] if roll < 0.3 else region[0]


def short_region(name: str) -> str:
    """``westeurope`` -> ``weurope``: the abbreviations teams put in resource names."""
    for word, letter in (("central", "c"), ("north", "n"), ("south", "s"), ("east", "e"), ("west", "w")):
        name = name.replace(word, letter)
    return name


def app_name(rng: random.Random) -> str:
    return f"{rng.choice(APP_WORDS)}-{rng.choice(APP_WORDS)}" if rng.random() < 0.4 else rng.choice(APP_WORDS)


def version(rng: random.Random) -> str:
    return f"{rng.randint(0, 4)}.{rng.randint(0, 30)}.{rng.randint(0, 20)}"


def hex_id(rng: random.Random, length: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(length))
