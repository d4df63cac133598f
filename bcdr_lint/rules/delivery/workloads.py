"""Which workload an AKS cluster runs, as its name says: the name without what tells the
regional copies of one workload apart.

A monorepo holds the clusters of many teams: the pipeline of the notifications service does not
miss the checkout team's cluster. Regional copies of one workload are named alike, the region,
role, environment or instance number aside (``aks-shop-eastus2`` / ``aks-shop-westus3``,
``aks-ledger-weu`` / ``aks-ledger-swc``, ``aks-api-prod-primary`` / ``aks-api-prod-secondary``):
what is left of the name is the workload. Left out are Azure region names, compass words
(``east``, ``westeu``), short abbreviations of the cluster's own region (``eus2`` for eastus2,
``swc`` for swedencentral), role words (``primary``, ``dr``, ``blue``), environment words,
numbers and single letters.
"""

from __future__ import annotations

import re

from bcdr_lint.data import regions
from bcdr_lint.rules.delivery.environments import environments_in

_SPLIT = re.compile(r"[^a-z0-9]+")
_COMPASS = re.compile(r"^(?:east|west|north|south|central|centre|mid)+(?:us|eu|asia|europe|uk)?\d*$")
_ROLES = frozenset({
    "primary", "secondary", "tertiary", "pri", "sec", "dr", "standby", "failover", "active",
    "passive", "blue", "green", "backup", "replica", "region", "stamp", "instance",
})


def workload(name: str, region: str | None) -> str:
    """The workload part of a cluster's name (lower case, words joined by ``-``)."""
    known = regions()
    kept = []
    for word in _SPLIT.split(name.lower()):
        bare = word.rstrip("0123456789")
        if len(bare) <= 1 or word in known or bare in known or _COMPASS.match(word) or bare in _ROLES:
            continue
        if environments_in(bare) or (region and _abbreviates(word, region)):
            continue
        kept.append(bare)
    return "-".join(kept)


def _abbreviates(word: str, region: str) -> bool:
    """``word`` is a short abbreviation of ``region``: its letters in order, starting alike
    (``weu``: westeurope, ``eus2``: eastus2)."""
    if len(word) > 5 or word[0] != region[0]:
        return False
    rest = iter(region)
    return all(letter in rest for letter in word)
