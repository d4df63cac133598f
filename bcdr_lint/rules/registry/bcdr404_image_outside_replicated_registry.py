"""
## What it checks
Every container image of a Kubernetes workload (containers and native sidecars; init containers
that run to completion are not checked) must come from an Azure Container Registry that the
checked files declare as geo-replicated: login server `<name>.azurecr.io`, a registry named
`<name>` with the Premium SKU and at least one geo-replica (inline `georeplications`, or
`registries/replications` in any file or format). One finding per image, at the image:

- an image from another registry — Docker Hub (`nginx`, `docker.io/...`), `ghcr.io`, `quay.io`,
  `mcr.microsoft.com` — is outside your registry;
- an image from `<name>.azurecr.io` whose registry is Basic, Standard, or Premium without replicas
  is in a registry that lives in one region (the registry is a related location);
- an image from `<name>.azurecr.io` where no registry `<name>` is in the checked files is reported
  too, saying so: whether that registry replicates cannot be known from here.

The registry host is read as Docker reads it (a first path segment with a dot, a port, or
`localhost`; otherwise Docker Hub). An image whose registry part is a placeholder (`${REGISTRY}/web`,
`{{ .Values.image.repository }}`, `$(acr).azurecr.io/web`) is reported as unresolved (BCDR002), not
guessed; a placeholder in the tag only (`contosoacr.azurecr.io/web:${TAG}`) does not matter. A
registry name, SKU or replica that cannot be resolved is reported the same way where it decides
the verdict.

## Why it matters
When a region fails, the surviving cluster scales out and reschedules the failed region's pods:
every new node pulls its images. Images in a single-region registry are unavailable with that
region, and public registries are outside your control (rate limits, outages, deleted tags) at
the moment you need them most — the failover stalls on `ImagePullBackOff`.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: storefront
spec:
  template:
    spec:
      containers:
        - name: web
          image: contosoacr.azurecr.io/shop/web:2.3.1 # contosoacr is Standard
        - name: proxy
          image: docker.io/library/nginx:1.27
```

## Use instead
Import public images into a Premium registry with a geo-replica in each region where clusters run
(`az acr import`, or an ACR cache rule), and reference them there:
```yaml
      containers:
        - name: web
          image: contosoacr.azurecr.io/shop/web:2.3.1
        - name: proxy
          image: contosoacr.azurecr.io/mirror/nginx:1.27
```
```hcl
resource "azurerm_container_registry" "acr" {
  name     = "contosoacr"
  location = "eastus2"
  sku      = "Premium"
  georeplications {
    location = "centralus"
  }
}
```

## References
- https://learn.microsoft.com/azure/aks/operator-best-practices-multi-region
- https://learn.microsoft.com/azure/container-registry/container-registry-geo-replication
- https://learn.microsoft.com/azure/container-registry/container-registry-import-images
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from bcdr_lint.findings import Finding
from bcdr_lint.model import Kind, Model, Resource, Unresolved
from bcdr_lint.rules.base import related, rule
from bcdr_lint.rules.common import NOT_SET, ref_target

DOCKER_HUB = "docker.io"
ACR_SUFFIXES = (".azurecr.io", ".azurecr.cn", ".azurecr.us")
# What a registry host or a repository path segment may hold: anything else is a placeholder.
_PLAIN = re.compile(r"^[A-Za-z0-9._:\-]+$")


@dataclass(frozen=True)
class Verdict:
    """Whether one registry declaration is geo-replicated: True, False (``why`` says how it falls
    short) or unknown (``notes`` say what would decide it)."""

    replicated: bool | None
    why: str = ""
    notes: tuple[Finding, ...] = ()


@rule(
    id="BCDR404",
    name="image-outside-replicated-registry",
    level="note",
    summary="A workload's container image is not served from a geo-replicated registry declared in the checked files.",
    help_uri="https://learn.microsoft.com/azure/aks/operator-best-practices-multi-region",
    tags=("registry", "multi-region"),
)
def check(model: Model) -> Iterator[Finding]:
    workloads = model.of_kind(Kind.WORKLOAD)
    if not workloads:
        return
    registries = _Registries(model)
    for workload in workloads:
        for position, image in enumerate(workload.get("images") or ()):
            if isinstance(image, str):
                yield from _image(registries, workload, position, image)


def _image(registries: "_Registries", workload: Resource, position: int, image: str) -> Iterator[Finding]:
    attr = f"images[{position}]"
    host = registry_host(image)
    if host is None:
        value = Unresolved(image, "the image's registry is a placeholder filled in at deploy time", workload.loc(attr))
        yield RULE.unresolved(workload, attr, value, f"registry of image '{image}'")
        return
    who = f"{workload.get('workload_kind') or 'workload'} '{workload.name}'"
    acr = acr_name(host)
    if acr is None:
        yield RULE.at(
            workload,
            f"{who} pulls image '{image}' from {host}, not from a geo-replicated registry of your own: during a "
            "regional failover new nodes must pull it from a registry outside your control; import it into a "
            "Premium registry with geo-replicas",
            attr=attr,
        )
        return
    declared = registries.named(acr)
    if not declared:
        if registries.unnamed:
            yield from registries.once(registries.unnamed)
            return
        yield RULE.at(
            workload,
            f"{who} pulls image '{image}' from registry '{acr}', which is not in the checked files: "
            "whether it is geo-replicated cannot be checked",
            attr=attr,
        )
        return
    verdicts = [(registry, registries.verdict(registry)) for registry in declared]
    unknown = [note for _, verdict in verdicts if verdict.replicated is None for note in verdict.notes]
    if unknown:
        yield from registries.once(unknown)
        return
    short = [(registry, verdict) for registry, verdict in verdicts if verdict.replicated is False]
    if not short:
        return
    registry, verdict = short[0]
    yield RULE.at(
        workload,
        f"{who} pulls image '{image}' from {registry.label}, which {verdict.why}: the image is in one region "
        "only, and a failover to another region stalls on pulling it",
        attr=attr,
        related=[related(r, f"{r.label} {v.why}") for r, v in short],
    )


def registry_host(image: str) -> str | None:
    """The registry an image reference names, lower case without port (``docker.io`` when it
    names none), or None when that part is a placeholder."""
    reference = image.strip().split("@", 1)[0]
    first, slash, _rest = reference.partition("/")
    if not slash:
        first = first.split(":", 1)[0]  # a Docker Hub image with a tag: the tag does not matter
    if not first or not _PLAIN.match(first):
        return None
    if slash and ("." in first or ":" in first or first == "localhost"):
        return first.split(":", 1)[0].lower()
    return DOCKER_HUB


def acr_name(host: str) -> str | None:
    """``contosoacr.azurecr.io`` -> ``contosoacr``."""
    for suffix in ACR_SUFFIXES:
        if host.endswith(suffix) and len(host) > len(suffix):
            return host[: -len(suffix)]
    return None


class _Registries:
    """The registries of the model by name, with each one's verdict computed once."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self._by_name: dict[str, list[Resource]] = {}
        self.unnamed: list[Finding] = []
        for registry in model.of_kind(Kind.CONTAINER_REGISTRY):
            if isinstance(registry.name, str):
                self._by_name.setdefault(registry.name.lower(), []).append(registry)
            else:  # it may be the registry an image names
                self.unnamed.append(RULE.unresolved(registry, "name", registry.name))
        # Replicas whose registry the model cannot tell: each may be the replica a registry lacks.
        self._unplaced = [
            RULE.unresolved(replica, "registry", owner, "registry")
            for replica in model.of_kind(Kind.REGISTRY_REPLICA)
            if isinstance(owner := ref_target(model, replica, "registry"), Unresolved)
        ]
        self._verdicts: dict[str, Verdict] = {}
        self._reported: set[int] = set()

    def once(self, notes: list[Finding]) -> Iterator[Finding]:
        """Each note once per run, however many images it holds back: thousands of images from
        one registry whose name is unresolved are one BCDR002, not thousands to merge."""
        for note in notes:
            if id(note) not in self._reported:
                self._reported.add(id(note))
                yield note

    def named(self, name: str) -> list[Resource]:
        return self._by_name.get(name.lower(), [])

    def verdict(self, registry: Resource) -> Verdict:
        known = self._verdicts.get(registry.key)
        if known is None:
            known = self._verdicts[registry.key] = self._judge(registry)
        return known

    def _judge(self, registry: Resource) -> Verdict:
        sku = registry.get("sku")
        if sku is None:
            sku = Unresolved(NOT_SET, "the registry declares no SKU", registry.location)
        if isinstance(sku, Unresolved):
            return Verdict(None, notes=(RULE.unresolved(registry, "sku", sku, "SKU"),))
        if sku != "premium":
            return Verdict(False, f"is {sku.capitalize()} (only Premium registries geo-replicate)")
        replicas = self.model.referrers(registry, "registry")
        if any(not isinstance(r.get("deployed"), Unresolved) for r in replicas):
            return Verdict(True)
        maybe = [
            RULE.unresolved(r, "deployed", r.get("deployed"), "whether it is deployed") for r in replicas
        ] + self._unplaced
        if maybe:
            return Verdict(None, notes=tuple(maybe))
        return Verdict(False, "is Premium but has no geo-replica")


RULE = check
