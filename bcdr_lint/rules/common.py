"""Queries several rules share, written once over the model."""

from __future__ import annotations

from bcdr_lint.model import Kind, Model, Resource, Unresolved

NOT_SET = "(not set)"


def region_of(resource: Resource) -> str | Unresolved:
    """The resource's region; a missing one is as unknown as an unresolved one."""
    if resource.region is None:
        return Unresolved(NOT_SET, "the resource declares no location", resource.location)
    return resource.region


def clusters(model: Model) -> list[Resource]:
    return model.of_kind(Kind.AKS_CLUSTER)


def split_by_region(resources: list[Resource]) -> tuple[dict[str, list[Resource]], list[tuple[Resource, Unresolved]]]:
    """``({region: [resources]}, [(resource, unresolved region)])``."""
    by_region: dict[str, list[Resource]] = {}
    unknown: list[tuple[Resource, Unresolved]] = []
    for resource in resources:
        region = region_of(resource)
        if isinstance(region, Unresolved):
            unknown.append((resource, region))
        else:
            by_region.setdefault(region, []).append(resource)
    return by_region, unknown


def names(resources: list[Resource]) -> str:
    return ", ".join(f"'{r.name}'" for r in resources)


def node_pools(model: Model, cluster: Resource) -> list[Resource]:
    return model.referrers(cluster, "cluster")


def load_balancer_sku(cluster: Resource) -> str | Unresolved:
    """The cluster's load balancer SKU; unset means the AKS default, Standard."""
    value = cluster.get("load_balancer_sku")
    return "standard" if value is None else value
