"""Queries several rules share, written once over the model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bcdr_lint.findings import Finding
from bcdr_lint.model import Kind, Model, Resource, Unresolved

if TYPE_CHECKING:
    from bcdr_lint.rules.base import Rule

NOT_SET = "(not set)"


def region_of(resource: Resource) -> str | Unresolved:
    """The resource's region; a missing one is as unknown as an unresolved one."""
    if resource.region is None:
        return Unresolved(NOT_SET, "the resource declares no location", resource.location)
    return resource.region


def clusters(model: Model) -> list[Resource]:
    return model.of_kind(Kind.AKS_CLUSTER)


@dataclass(frozen=True, slots=True)
class Unknown:
    """A resource whose place a rule needs and cannot know: its region or whether it exists."""

    resource: Resource
    attr: str  # "region" or "deployed"
    value: Unresolved

    def note(self, rule: "Rule") -> Finding:
        what = "whether it is deployed" if self.attr == "deployed" else None
        return rule.unresolved(self.resource, self.attr, self.value, what)


def placement(resource: Resource) -> str | Unknown:
    """Where the resource certainly runs, or why that is unknown.

    A resource whose ``count``/``condition`` cannot be evaluated may not exist at all: counting it
    as present would hide a single-region deployment, so it is as unknown as a missing region.
    """
    deployed = resource.get("deployed")
    if isinstance(deployed, Unresolved):
        return Unknown(resource, "deployed", deployed)
    region = region_of(resource)
    return Unknown(resource, "region", region) if isinstance(region, Unresolved) else region


def split_by_region(resources: list[Resource]) -> tuple[dict[str, list[Resource]], list[Unknown]]:
    """``({region: [resources certainly there]}, [resources whose place is unknown])``."""
    by_region: dict[str, list[Resource]] = {}
    unknown: list[Unknown] = []
    for resource in resources:
        place = placement(resource)
        if isinstance(place, Unknown):
            unknown.append(place)
        else:
            by_region.setdefault(place, []).append(resource)
    return by_region, unknown


def node_pools(model: Model, cluster: Resource) -> list[Resource]:
    return model.referrers(cluster, "cluster")


def load_balancer_sku(cluster: Resource) -> str | Unresolved:
    """The cluster's load balancer SKU; unset means the AKS default, Standard."""
    value = cluster.get("load_balancer_sku")
    return "standard" if value is None else value


def ref_target(model: Model, resource: Resource, ref_name: str) -> Resource | Unresolved | None:
    """What ``resource.refs[ref_name]`` points at in the model.

    An unresolved reference, or one that fits several resources equally well, is Unresolved
    (located at the reference); None means unset or not in the model.
    """
    value = resource.refs.get(ref_name)
    if value is None or isinstance(value, Unresolved):
        return value
    target = model.target(resource, ref_name)
    if target is not None:
        return target
    several = model.ambiguous(resource, ref_name)
    if several:
        places = ", ".join(sorted({f"{c.location.path}:{c.location.start_line}" for c in several}))
        return Unresolved(str(value), f"it matches {len(several)} resources of the model ({places})", resource.loc(ref_name))
    return None


def unread_deployment_notes(model: Model, rule: "Rule") -> list[Finding]:
    """Notes for module calls and linked templates the model could not read.

    Rules about *all* clusters (one region only, unpaired regions) cannot hold while such a
    deployment may add clusters: they report these notes instead of a guess.
    """
    notes = []
    for deployment in model.of_kind(Kind.UNREAD_DEPLOYMENT):
        source = deployment.get("source")
        value = Unresolved(str(source), deployment.get("reason") or "its resources are not read", deployment.loc("source"))
        notes.append(rule.unresolved(deployment, "source", value, "what it deploys"))
    return notes


def all_cluster_regions(model: Model, rule: "Rule") -> tuple[dict[str, list[Resource]], list[Finding]]:
    """For rules about *all* clusters: ``(clusters by region, [])`` when every cluster's region is
    certain, else ``({}, notes)`` — the notes say what is unknown (a region, whether a cluster is
    deployed, a module or linked template that may add clusters), and the rule holds back."""
    by_region, unknown = split_by_region(clusters(model))
    unread = unread_deployment_notes(model, rule) if by_region or unknown else []
    if unknown or unread:
        return {}, [place.note(rule) for place in unknown] + unread
    return by_region, []


# How the note on a cluster whose node pools the source leaves out names what is missing: the
# same words in every rule that needs the pools, so the engine merges their notes into one.
UNLISTED_POOLS = "the list of its node pools"


def unlisted_pools(model: Model, rule: "Rule") -> list[Finding]:
    """Notes for the clusters whose node pools the source leaves out (``children``: an export
    without ``properties``): their pools cannot be checked, which must not pass as having none."""
    notes = []
    for cluster in clusters(model):
        pools = cluster.get("children")
        if isinstance(pools, Unresolved):
            notes.append(rule.unresolved(cluster, "children", pools, UNLISTED_POOLS))
    return notes


def some_names(resources: list[Resource], shown: int = 3) -> str:
    """``'aks-a', 'aks-b' and 2 more`` — each name once: a template deployed with several
    parameter files declares the same cluster line once per deployment."""
    names = list(dict.fromkeys(str(r.name) for r in resources))
    listed = ", ".join(f"'{name}'" for name in names[:shown])
    rest = len(names) - shown
    return listed + (f" and {rest} more" if rest > 0 else "")
