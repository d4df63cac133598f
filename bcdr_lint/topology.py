"""What the tool understood, as a reviewer wants to see it: regions with their clusters and
pairs, traffic routers and their endpoints, registries and their replicas, peerings, pipelines
and the clusters they deploy to, and the gaps the correlation rules found.

The topology reads the model like a rule does; the gaps are the findings of the rules that
correlate resources, so the picture and the report never disagree.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Sequence

from bcdr_lint import data
from bcdr_lint.findings import Finding
from bcdr_lint.model import Kind, Model, Resource, Unresolved

# Rules whose findings are gaps between resources (shown with the picture).
GAP_RULES = ("BCDR101", "BCDR102", "BCDR201", "BCDR202", "BCDR204", "BCDR301", "BCDR402", "BCDR602", "BCDR701")
UNKNOWN = "(unresolved)"


@dataclass(frozen=True)
class Place:
    name: str
    region: str
    where: str  # path:line


@dataclass(frozen=True)
class Region:
    name: str
    pair: str | None
    pair_has_clusters: bool
    clusters: tuple[Place, ...]


@dataclass(frozen=True)
class Router:
    name: str
    kind: str
    where: str
    endpoints: tuple[Place, ...]


@dataclass(frozen=True)
class Registry:
    name: str
    sku: str
    region: str
    where: str
    replicas: tuple[str, ...]
    missing: tuple[str, ...]  # cluster regions with neither the home region nor a replica


@dataclass(frozen=True)
class Peering:
    name: str
    where: str
    local: str
    remote: str


@dataclass(frozen=True)
class Pipeline:
    path: str
    targets: tuple[str, ...]
    missed: tuple[str, ...]


@dataclass(frozen=True)
class Topology:
    regions: tuple[Region, ...] = ()
    routers: tuple[Router, ...] = ()
    registries: tuple[Registry, ...] = ()
    peerings: tuple[Peering, ...] = ()
    pipelines: tuple[Pipeline, ...] = ()
    gaps: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _text(value: Any) -> str:
    if value is None:
        return UNKNOWN
    if isinstance(value, Unresolved):
        return f"{UNKNOWN} {value.expression}"
    return str(value)


def _where(resource: Resource) -> str:
    return f"{resource.location.path}:{resource.location.start_line}"


def _region(resource: Resource | None) -> str:
    if resource is None or resource.region is None or isinstance(resource.region, Unresolved):
        return UNKNOWN
    return resource.region


def build(model: Model, findings: Iterable[Finding] = ()) -> Topology:
    findings = list(findings)
    clusters = model.of_kind(Kind.AKS_CLUSTER)
    by_region: dict[str, list[Place]] = {}
    for cluster in clusters:
        by_region.setdefault(_region(cluster), []).append(Place(_text(cluster.name), _region(cluster), _where(cluster)))
    regions = []
    for name in sorted(by_region):
        info = data.region(name) if name != UNKNOWN else None
        pair = info.pair if info is not None else None
        regions.append(Region(name, pair, bool(pair and pair in by_region), tuple(by_region[name])))
    cluster_regions = {r for r in by_region if r != UNKNOWN}
    gaps = tuple(
        f"{f.rule_id} {f.location.path}:{f.location.start_line}: {f.message}"
        for f in findings if f.rule_id in GAP_RULES
    )
    return Topology(
        regions=tuple(regions),
        routers=tuple(_routers(model)),
        registries=tuple(_registries(model, cluster_regions)),
        peerings=tuple(_peerings(model)),
        pipelines=tuple(_pipelines(model, clusters, findings)),
        gaps=gaps,
    )


def _endpoint_region(model: Model, endpoint: Resource) -> str:
    written = endpoint.get("endpoint_location")
    if isinstance(written, str):
        return written
    # Traffic Manager endpoints name their target; Front Door origins the resource whose address is their host.
    target = model.target(endpoint, "target_resource") or model.target(endpoint, "host_resource")
    return _region(target) if target is not None else UNKNOWN


def _routers(model: Model) -> list[Router]:
    routers = []
    for profile in model.of_kind(Kind.TRAFFIC_MANAGER):
        endpoints = [
            Place(_text(e.name), _endpoint_region(model, e), _where(e))
            for e in model.referrers(profile, "profile") if e.kind is Kind.TRAFFIC_MANAGER_ENDPOINT
        ]
        routers.append(Router(_text(profile.name), "Traffic Manager", _where(profile), tuple(endpoints)))
    for group in model.of_kind(Kind.FRONT_DOOR_ORIGIN_GROUP):
        origins = [
            Place(_text(o.get("host_name") or o.name), _endpoint_region(model, o), _where(o))
            for o in model.referrers(group, "origin_group")
        ]
        front_door = model.target(group, "profile")
        names = group.azure_names  # ARM/Bicep child names already start with the profile's
        if len(names) > 1 and all(isinstance(n, str) for n in names):
            name = "/".join(names)
        else:
            name = f"{_text(front_door.name)}/{_text(group.name)}" if front_door is not None else _text(group.name)
        routers.append(Router(name, "Front Door origin group", _where(group), tuple(origins)))
    return routers


def _registries(model: Model, cluster_regions: set[str]) -> list[Registry]:
    out = []
    for registry in model.of_kind(Kind.CONTAINER_REGISTRY):
        replicas = sorted(_region(r) for r in model.referrers(registry, "registry"))
        served = {_region(registry), *replicas}
        missing = tuple(sorted(cluster_regions - served))
        out.append(Registry(_text(registry.name), _text(registry.get("sku")), _region(registry), _where(registry),
                            tuple(replicas), missing))
    return out


def _peerings(model: Model) -> list[Peering]:
    out = []
    for peering in model.of_kind(Kind.VNET_PEERING):
        local = model.target(peering, "local_vnet")
        remote = model.target(peering, "remote_vnet")
        out.append(Peering(
            _text(peering.name), _where(peering),
            f"{_text(local.name)} ({_region(local)})" if local else _text(peering.refs.get("local_vnet")),
            f"{_text(remote.name)} ({_region(remote)})" if remote else _text(peering.refs.get("remote_vnet")),
        ))
    return out


def _pipelines(model: Model, clusters: Sequence[Resource], findings: Sequence[Finding]) -> list[Pipeline]:
    """Each pipeline's targets as written, and the clusters BCDR701 says it misses (the rule knows
    environments and workloads; the picture must not claim misses the report does not)."""
    by_place = {c.loc("name"): c for c in clusters}
    missed_by: dict[str, list[str]] = {}
    for finding in findings:
        if finding.rule_id == "BCDR701":
            names = [_text(by_place[r.location].name) for r in finding.related if r.location in by_place]
            missed_by.setdefault(finding.identity.split("|", 1)[0], []).extend(names)
    out = []
    for pipeline in model.of_kind(Kind.PIPELINE):
        targets = []
        for step in pipeline.get("deploy_steps") or ():
            if getattr(step, "template", None):
                targets.append(f"template {step.template}")
            else:
                targets.append(_text(getattr(step, "cluster", None)))
        missed = tuple(sorted(set(missed_by.get(pipeline.base_key, ()))))
        out.append(Pipeline(pipeline.location.path, tuple(dict.fromkeys(targets)), missed))
    return out


# -- rendering ------------------------------------------------------------------------------


def render(topology: Topology, fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"schema_version": 1, **topology.to_dict()}, indent=2) + "\n"
    if fmt == "mermaid":
        return mermaid(topology) + "\n"
    return text(topology)


def text(topology: Topology) -> str:
    lines = ["Regions:"]
    if not topology.regions:
        lines.append("  (no AKS clusters found)")
    for region in topology.regions:
        pair = "no pair" if region.pair is None else f"pair {region.pair}" + (
            " (has clusters)" if region.pair_has_clusters else " (no clusters)")
        lines.append(f"  {region.name} [{pair}]")
        lines.extend(f"    cluster {c.name}  {c.where}" for c in region.clusters)
    if topology.routers:
        lines.append("Traffic routers:")
        for router in topology.routers:
            lines.append(f"  {router.kind} {router.name}  {router.where}")
            lines.extend(f"    -> {e.name} ({e.region})" for e in router.endpoints)
            if not router.endpoints:
                lines.append("    (no endpoints)")
    if topology.registries:
        lines.append("Registries:")
        for reg in topology.registries:
            replicas = ", ".join(reg.replicas) or "none"
            gap = f"; no replica in {', '.join(reg.missing)}" if reg.missing else ""
            lines.append(f"  {reg.name} ({reg.sku}) in {reg.region}, replicas: {replicas}{gap}  {reg.where}")
    if topology.peerings:
        lines.append("Peerings:")
        lines.extend(f"  {p.name}: {p.local} -> {p.remote}  {p.where}" for p in topology.peerings)
    if topology.pipelines:
        lines.append("Pipelines:")
        for pipe in topology.pipelines:
            targets = ", ".join(pipe.targets) or "no cluster"
            missed = f"; misses {', '.join(pipe.missed)}" if pipe.missed else ""
            lines.append(f"  {pipe.path}: deploys to {targets}{missed}")
    lines.append("Gaps:" if topology.gaps else "Gaps: none found")
    lines.extend(f"  {gap}" for gap in topology.gaps)
    return "\n".join(lines) + "\n"


def _id(prefix: str, index: int) -> str:
    return f"{prefix}{index}"


def _label(text: str) -> str:
    """A quoted Mermaid label showing ``text`` as written. Inside quotes Mermaid reads ``#name;``
    entity codes (so ``#`` itself is one) and HTML tags; a backtick fence would end the
    Markdown report's ```mermaid block."""
    escaped = (text.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
               .replace("`", "'"))
    return f'"{escaped}"'


def mermaid(topology: Topology) -> str:
    """A flowchart GitHub renders: a subgraph per region, routers and registries pointing at
    the regions they serve, and dashed arrows for a registry's missing replicas."""
    out = ["flowchart LR"]
    region_ids: dict[str, str] = {}
    for r_index, region in enumerate(topology.regions):
        rid = _id("region", r_index)
        region_ids[region.name] = rid
        out.append(f"  subgraph {rid}[{_label(region.name)}]")
        for c_index, cluster in enumerate(region.clusters):
            out.append(f"    {rid}c{c_index}[{_label('AKS ' + cluster.name)}]")
        out.append("  end")
    for region in topology.regions:
        if region.pair_has_clusters and region.pair in region_ids and region.name < region.pair:
            out.append(f"  {region_ids[region.name]} <-. paired .-> {region_ids[region.pair]}")
    for index, router in enumerate(topology.routers):
        node = _id("router", index)
        out.append(f"  {node}{{{{{_label(router.kind + ' ' + router.name)}}}}}")
        for endpoint in router.endpoints:
            target = region_ids.get(endpoint.region)
            if target:
                out.append(f"  {node} --> {target}")
    for index, reg in enumerate(topology.registries):
        node = _id("acr", index)
        out.append(f"  {node}[({_label('ACR ' + reg.name + ' ' + reg.sku)})]")
        for region in sorted({reg.region, *reg.replicas}):
            if region in region_ids:
                out.append(f"  {node} --- {region_ids[region]}")
        for region in reg.missing:
            if region in region_ids:
                out.append(f"  {node} -. no replica .-> {region_ids[region]}")
    for index, pipe in enumerate(topology.pipelines):
        node = _id("pipeline", index)
        out.append(f"  {node}>{_label(pipe.path)}]")
        for region in topology.regions:
            for c_index, cluster in enumerate(region.clusters):
                if cluster.name in pipe.targets:
                    out.append(f"  {node} --> {region_ids[region.name]}c{c_index}")
    if len(out) == 1:  # a flowchart without nodes renders as an empty box, or not at all
        out.append(f"  empty[{_label('no AKS clusters, traffic routers or registries found')}]")
    return "\n".join(out)
