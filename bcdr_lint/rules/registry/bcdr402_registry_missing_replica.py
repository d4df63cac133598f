"""
## What it checks
For each Premium container registry, the regions of all AKS clusters in the model must be
covered by the registry's home region or one of its geo-replicas — whether the replicas are
declared inline (Terraform `georeplications` blocks) or as separate resources (ARM/Bicep
`registries/replications`), in the same file or another. One finding per registry, naming the
regions without a replica, with the clusters there as related locations. A registry whose home
or replica region cannot be resolved is reported as unresolved (BCDR002), never guessed.

## Why it matters
A cluster pulls images from the registry's nearest replica. Without a replica in its region,
every pull crosses regions, and when the registry's region fails the surviving cluster cannot
start new pods: the failover stalls on `ImagePullBackOff` in the one region that is still up.

## Example
```hcl
resource "azurerm_container_registry" "acr" {
  location = "eastus2"
  sku      = "Premium"
  # clusters run in eastus2 and centralus, but there is no replica in centralus
}
```

## Use instead
```hcl
resource "azurerm_container_registry" "acr" {
  location = "eastus2"
  sku      = "Premium"
  georeplications {
    location                = "centralus"
    zone_redundancy_enabled = true
  }
}
```
```bicep
resource replica 'Microsoft.ContainerRegistry/registries/replications@2023-07-01' = {
  parent: acr
  name: 'centralus'
  location: 'centralus'
}
```

## References
- https://learn.microsoft.com/azure/container-registry/container-registry-geo-replication
- https://learn.microsoft.com/azure/aks/operator-best-practices-multi-region
"""

from __future__ import annotations

from typing import Iterator

from bcdr_lint.findings import Finding
from bcdr_lint.model import Kind, Model, Unresolved
from bcdr_lint.rules.base import capped, related, rule
from bcdr_lint.rules.common import clusters, ref_target, region_of, some_names, split_by_region


@rule(
    id="BCDR402",
    name="registry-missing-replica",
    level="warning",
    summary="A Premium registry has no replica in a region where an AKS cluster runs.",
    help_uri="https://learn.microsoft.com/azure/container-registry/container-registry-geo-replication",
    tags=("registry", "multi-region"),
)
def check(model: Model) -> Iterator[Finding]:
    premium = [r for r in model.of_kind(Kind.CONTAINER_REGISTRY) if r.get("sku") == "premium"]
    if not premium:
        return  # BCDR401 reports registries that cannot replicate at all
    by_region, unknown_clusters = split_by_region(clusters(model))
    for place in unknown_clusters:
        yield place.note(RULE)
    if not by_region:
        return
    # Replicas whose registry the model cannot tell: each may be the replica a registry lacks.
    unplaced = [
        (replica, owner) for replica in model.of_kind(Kind.REGISTRY_REPLICA)
        if isinstance(owner := ref_target(model, replica, "registry"), Unresolved)
    ]
    for registry in premium:
        home = region_of(registry)
        if isinstance(home, Unresolved):
            yield RULE.unresolved(registry, "region", home)
            continue
        replicas = model.referrers(registry, "registry")
        certain, uncertain = split_by_region(replicas)
        covered = {home, *certain}
        missing = sorted(set(by_region) - covered)
        if not missing:
            continue
        # A replica that may exist, or whose region is unknown, may be the one that is missing.
        maybe = [u for u in uncertain if not isinstance(u.resource.region, str) or u.resource.region in missing]
        if maybe or any(not isinstance(r.region, str) or r.region in missing for r, _ in unplaced):
            for place in maybe:
                yield place.note(RULE)
            for replica, owner in unplaced:
                if not isinstance(replica.region, str) or replica.region in missing:
                    yield RULE.unresolved(replica, "registry", owner, "registry")
            continue
        where = "; ".join(f"{region} ({some_names(by_region[region])})" for region in missing)
        shown = sorted({r.region for r in replicas if isinstance(r.region, str)})
        # Only the related locations shown are built: thousands of registries and clusters stay linear.
        cluster_related, more = capped((c for region in missing for c in by_region[region]),
                                       lambda c: related(c, f"{c.label} runs in {c.region}", "region"))
        yield RULE.at(
            registry,
            f"{registry.label} (home {home}"
            + (f", replicas in {', '.join(shown)}" if shown else ", no replicas")
            + f") has no replica in {', '.join(missing)}, where AKS clusters run: {where}",
            related=cluster_related,
            more=more,
        )


RULE = check
