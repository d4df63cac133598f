"""Which environment (dev, test, prod, ...) an AKS cluster belongs to, as its names say.

Repositories commonly hold the clusters of several environments, with one pipeline per
environment: a dev pipeline does not miss the production clusters. The environment is read from
the words of the cluster's name (``aks-orders-dev``, ``aks-prod-eastus2``), else of its resource
group (``rg-shop-uat``), else of the folders and file names it is declared in that set it apart
from the other clusters (``environments/staging/main.tf``, ``main.prod.bicepparam``). A cluster
whose names say none is a production cluster: teams name the others, and production is what a
failover needs.
"""

from __future__ import annotations

import re
from typing import Iterable

from bcdr_lint.model import Resource

PRODUCTION = "prod"

# Words teams use for an environment, by the environment they name.
_WORDS = {
    "dev": "dev", "develop": "dev", "development": "dev",
    "test": "test", "tst": "test", "testing": "test",
    "qa": "qa", "uat": "uat",
    "stg": "staging", "stage": "staging", "staging": "staging",
    "preprod": "preprod", "pprd": "preprod",
    "prod": PRODUCTION, "prd": PRODUCTION, "production": PRODUCTION,
    "nonprod": "nonprod", "nonproduction": "nonprod", "preproduction": "preprod",
    "sandbox": "sandbox", "sbx": "sandbox",
    "perf": "perf", "demo": "demo", "int": "int", "integration": "int",
    "ci": "ci", "poc": "poc", "lab": "lab", "preview": "preview",
}
_JOINED = {"pre": "preprod", "non": "nonprod"}  # pre-prod, non-prod, non-production
_SPLIT = re.compile(r"[^a-z0-9]+")


def environments_in(text: str) -> frozenset[str]:
    """The environments the words of ``text`` name (``dev01`` is ``dev``)."""
    words = [w.rstrip("0123456789") for w in _SPLIT.split(text.lower()) if w]
    found: set[str] = set()
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if word in _JOINED and _WORDS.get(following) == PRODUCTION:
            found.add(_JOINED[word])
        elif word in _WORDS and not (_WORDS[word] == PRODUCTION and index and words[index - 1] in _JOINED):
            found.add(_WORDS[word])
    return frozenset(found)


class Environments:
    """The environment of each cluster of the model, read once."""

    def __init__(self, clusters: Iterable[Resource]) -> None:
        clusters = list(clusters)
        paths = {c.key: _path_words(c) for c in clusters}
        # A folder every cluster is declared under (`infra/`, the checkout's own path) sets none apart.
        shared = frozenset.intersection(*paths.values()) if paths else frozenset()
        self._of: dict[str, frozenset[str]] = {}
        for cluster in clusters:
            found = frozenset()
            for text in (cluster.name, cluster.resource_group):
                if isinstance(text, str) and not found:
                    found = environments_in(text)
            if not found:
                found = paths[cluster.key] - shared
            self._of[cluster.key] = found or frozenset({PRODUCTION})

    def of(self, cluster: Resource) -> frozenset[str]:
        return self._of.get(cluster.key, frozenset({PRODUCTION}))


def _path_words(cluster: Resource) -> frozenset[str]:
    """Environments named by the files a cluster comes from: where it is declared, the root that
    deploys it (a Terraform root calling a module), the parameter file of its deployment."""
    texts = [cluster.location.path]
    parts = cluster.key.split(":", 2)
    if len(parts) == 3:
        texts.append(parts[1])
    if cluster.deployment is not None:
        texts.append(cluster.deployment.path)
    return frozenset().union(*(environments_in(text) for text in texts))
