"""What the traffic routing rules share: the routers of a model, their members (Traffic Manager
endpoints, Front Door origins), whether each member takes traffic, and the regions it sends
traffic to.

Where a member sends traffic, in this order (the first that is known decides):

1. its target resource (``targetResourceId``, ``azureOrigin``, private link target) when the
   model holds it: that resource's region; a nested Traffic Manager profile: the regions of its
   own enabled endpoints; else, for a private link origin, the private link location written;
2. for external and nested Traffic Manager endpoints, the ``endpoint_location`` written (Azure
   endpoints take their location from their target, so a written one is not used);
3. its host name (``target``, ``hostName``, a classic backend's ``address``): the region of the
   public IP address whose DNS name it is — written as a reference to that address, or as the
   name ``<label>.<region>.cloudapp.azure.com`` of a public IP with that label in the model.

A member that leads to a storage account (its static website or blob host) serves that account,
not a cluster: it places traffic in no cluster region, and is no doubt either.

Otherwise its region is unknown, and the first cause found is what rules report (BCDR002).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from bcdr_lint.findings import Finding
from bcdr_lint.model import Kind, Model, Resource, Unresolved
from bcdr_lint.rules.common import NOT_SET, Unknown, ref_target, region_of

if TYPE_CHECKING:
    from bcdr_lint.rules.base import Rule

# The note on a router listed without its endpoints: the same words in every rule, merged into one.
UNLISTED_ENDPOINTS = "the list of its endpoints"

# Members that lead to one of these serve that resource's own content (a storage account's static
# website or blobs), not a cluster's ingress: they place no traffic in a cluster region.
SERVES_ITSELF = frozenset({Kind.STORAGE_ACCOUNT})

# Any of these in the model means global routing is set up (perhaps partly elsewhere).
ROUTING_KINDS = (
    Kind.TRAFFIC_MANAGER,
    Kind.TRAFFIC_MANAGER_ENDPOINT,
    Kind.FRONT_DOOR,
    Kind.FRONT_DOOR_ORIGIN_GROUP,
    Kind.FRONT_DOOR_ORIGIN,
)


@dataclass(frozen=True)
class Router:
    """A Traffic Manager profile or a Front Door origin group, with the endpoints or origins
    whose parent reference leads to it."""

    resource: Resource
    members: tuple[Resource, ...]

    @property
    def member_noun(self) -> str:
        return "endpoint" if self.resource.kind is Kind.TRAFFIC_MANAGER else "origin"


def _member_kind_and_ref(router_kind: Kind) -> tuple[Kind, str]:
    if router_kind is Kind.TRAFFIC_MANAGER:
        return Kind.TRAFFIC_MANAGER_ENDPOINT, "profile"
    return Kind.FRONT_DOOR_ORIGIN, "origin_group"


def routers(model: Model, *, include_disabled: bool = False) -> list[Router]:
    """Traffic Manager profiles (those switched off answer no query: left out unless asked for)
    and Front Door origin groups, each with its members."""
    found = []
    for resource in model.of_kind(Kind.TRAFFIC_MANAGER, Kind.FRONT_DOOR_ORIGIN_GROUP):
        if resource.get("enabled") is False and not include_disabled:
            continue
        member_kind, ref_name = _member_kind_and_ref(resource.kind)
        members = tuple(m for m in model.referrers(resource, ref_name) if m.kind is member_kind)
        found.append(Router(resource, members))
    return found


def members_elsewhere(router: Router) -> Unknown | None:
    """Why the router's members are unknown when the checked files declare none of them at all —
    not even a disabled one: nobody deploys a router with nothing behind it, so they are declared
    elsewhere (another Terraform state or repository, a regional pipeline) and cannot be judged."""
    if router.members:
        return None
    noun = f"{router.member_noun}s"
    return Unknown(router.resource, noun, Unresolved(
        "(none in the checked files)",
        "they are declared elsewhere: another Terraform state, repository or deployment",
        router.resource.location))


def unplaced_members(model: Model, router_kind: Kind) -> list[Unknown]:
    """Endpoints (or origins) whose profile (origin group) the model cannot tell — unresolved,
    or fitting several: each may belong to any router of that kind."""
    member_kind, ref_name = _member_kind_and_ref(router_kind)
    unplaced = []
    for member in model.of_kind(member_kind):
        owner = ref_target(model, member, ref_name)
        if isinstance(owner, Unresolved):
            unplaced.append(Unknown(member, ref_name, owner))
    return unplaced


def nested_children(model: Model, *, failed_over: bool = False) -> set[str]:
    """Keys of the Traffic Manager profiles that a nested endpoint of the model points at: each
    covers only its part of the parent's traffic.

    With ``failed_over``, only those whose parent fails over between its endpoints: a Geographic
    parent sends a geography to its one child whatever its health, so that child must fail over
    on its own. A parent that cannot be told (not in the model, method unknown) counts as failing
    over: no finding is made on a guess."""
    children = set()
    for endpoint in model.of_kind(Kind.TRAFFIC_MANAGER_ENDPOINT):
        target = model.target(endpoint, "target_resource")
        if target is None or target.kind is not Kind.TRAFFIC_MANAGER:
            continue
        parent = model.target(endpoint, "profile")
        if failed_over and parent is not None and parent.get("routing_method") == "geographic":
            continue
        children.add(target.key)
    return children


def activity(member: Resource) -> bool | Unknown:
    """True when the member certainly exists and takes traffic, False when it is switched off,
    else what is unknown about it (whether it is deployed, or whether it is enabled)."""
    enabled = member.get("enabled")
    if enabled is False:
        return False
    deployed = member.get("deployed")
    if isinstance(deployed, Unresolved):
        return Unknown(member, "deployed", deployed)
    if isinstance(enabled, Unresolved):
        return Unknown(member, "enabled", enabled)
    return True


def most_members(active: int, doubts: Iterable[Unknown]) -> int:
    """How many members may take traffic, at most as far as "two or more" goes: the active ones,
    and each doubtful one once — or twice when it may stand for several, because its existence
    is unknown (a ``count``, ``for_each`` or copy count) or its name is (an ARM resource copy loop,
    which the model holds as one resource)."""
    return active + sum(2 if d.attr == "deployed" or isinstance(d.resource.name, Unresolved) else 1 for d in doubts)


@dataclass(frozen=True)
class Doubt:
    """Something unknown that may add regions: ``regions`` it would add, None for any region."""

    unknown: Unknown
    regions: frozenset[str] | None


@dataclass(frozen=True)
class Reach:
    """The regions traffic certainly goes to, and what may send it elsewhere too."""

    regions: frozenset[str] = frozenset()
    doubts: tuple[Doubt, ...] = ()

    def doubts_about(self, regions: Iterable[str]) -> list[Doubt]:
        """The doubts that could put traffic in one of ``regions``."""
        wanted = set(regions)
        return [d for d in self.doubts if d.regions is None or d.regions & wanted]


def combine(reaches: Iterable[Reach]) -> Reach:
    regions: set[str] = set()
    doubts: list[Doubt] = []
    for reach in reaches:
        regions |= reach.regions
        doubts.extend(reach.doubts)
    return Reach(frozenset(regions), tuple(doubts))


class Placer:
    """Answers where routers and their members send traffic, over one model (indexes built once)."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self._by_fqdn: dict[str, list[Resource]] | None = None
        self._reach: dict[str, Reach] = {}

    def router(self, router: Router) -> Reach:
        """Where the router's active members send traffic."""
        return self._members(router.resource, router.members, frozenset())

    def unplaced(self, members: Iterable[Unknown]) -> Reach:
        """Where members that may belong to any router would send traffic: all doubts."""
        return combine(self._maybe(unknown.resource, unknown, frozenset()) for unknown in members)

    def member(self, member: Resource, seen: frozenset[str] = frozenset()) -> Reach:
        """Where one member sends traffic if it takes any (its activity aside)."""
        if seen:
            return self._member(member, seen)
        known = self._reach.get(member.key)
        if known is None:
            known = self._reach[member.key] = self._member(member, seen)
        return known

    def _member(self, member: Resource, seen: frozenset[str]) -> Reach:
        target = ref_target(self.model, member, "target_resource")
        causes: list[Unknown] = []
        if isinstance(target, Resource):
            if target.kind is Kind.TRAFFIC_MANAGER:
                return self._profile(target, seen)
            if target.kind in SERVES_ITSELF:
                return Reach()
            region = target.region
            if isinstance(region, str) and region != "global":
                return Reach(frozenset({region}))
            causes.append(_no_region(member, "target_resource", target))
        elif isinstance(target, Unresolved):
            causes.append(Unknown(member, "target_resource", target))
        elif member.refs.get("target_resource") is not None:
            causes.append(Unknown(member, "target_resource", Unresolved(
                str(member.refs["target_resource"]),
                "the target resource is not in the checked files (or is of a type bcdr-lint does not model)",
                member.loc("target_resource"))))
        if not isinstance(target, Resource):
            # A private link origin writes where its target is (Front Door connects to that region).
            written = member.get("target_location")
            if isinstance(written, str):
                return Reach(frozenset({written}))
            if isinstance(written, Unresolved):
                causes.insert(0, Unknown(member, "target_location", written))
        if member.get("endpoint_type") != "azure":
            location = member.get("endpoint_location")
            if isinstance(location, str):
                return Reach(frozenset({location}))
            if isinstance(location, Unresolved):
                causes.append(Unknown(member, "endpoint_location", location))
        host = self._host(member)
        if isinstance(host, str):
            return Reach(frozenset({host}))
        if isinstance(host, Reach):
            return host
        if host is not None:
            causes.append(host)
        if not causes:
            causes.append(Unknown(member, "region", Unresolved(
                NOT_SET, "it names no target resource, location or host name that places it in a region",
                member.location)))
        return Reach(doubts=(Doubt(causes[0], None),))

    def _profile(self, profile: Resource, seen: frozenset[str]) -> Reach:
        """A nested profile: where its own active endpoints send traffic."""
        if profile.key in seen or profile.get("enabled") is False:
            return Reach()  # a cycle adds nothing; a disabled child takes no traffic
        endpoints = [m for m in self.model.referrers(profile, "profile") if m.kind is Kind.TRAFFIC_MANAGER_ENDPOINT]
        reach = self._members(profile, endpoints, seen | {profile.key})
        status = profile.get("enabled")
        if isinstance(status, Unresolved):
            return Reach(doubts=(Doubt(Unknown(profile, "enabled", status), reach.regions), *reach.doubts))
        return reach

    def _members(self, owner: Resource, members: Iterable[Resource], seen: frozenset[str]) -> Reach:
        reaches = []
        for member in members:
            active = activity(member)
            if active is True:
                reaches.append(self.member(member, seen))
            elif active is not False:
                reaches.append(self._maybe(member, active, seen))
        return combine(reaches)

    def _maybe(self, member: Resource, why: Unknown, seen: frozenset[str]) -> Reach:
        """A member that may take traffic: wherever it would send it is only possible."""
        reach = self.member(member, seen)
        return Reach(doubts=(Doubt(why, None if reach.doubts else reach.regions), *reach.doubts))

    def _host(self, member: Resource) -> str | Reach | Unknown | None:
        """The region of the public IP address the member's host name is, or why it is unknown
        (an empty Reach: the host is a resource that serves itself)."""
        if member.refs.get("host_resource") is not None:
            target = ref_target(self.model, member, "host_resource")
            if isinstance(target, Resource):
                if target.kind in SERVES_ITSELF:
                    return Reach()
                region = target.region
                if isinstance(region, str) and region != "global":
                    return region
                return _no_region(member, "host_resource", target)
            if isinstance(target, Unresolved):
                return Unknown(member, "host_resource", target)
            return Unknown(member, "host_resource", Unresolved(
                str(member.refs["host_resource"]),
                "the resource it reads the address of is not in the checked files "
                "(or of a type bcdr-lint does not model)",
                member.loc("host_resource")))
        attr = "target" if member.kind is Kind.TRAFFIC_MANAGER_ENDPOINT else "host_name"
        name = member.get(attr)
        if name is None:
            return None
        if isinstance(name, Unresolved):
            return Unknown(member, attr, name)
        if not isinstance(name, str):
            return Unknown(member, attr, Unresolved(str(name), "not a host name", member.loc(attr)))
        addresses = self._fqdns().get(name.strip().rstrip(".").lower(), [])
        if len(addresses) == 1:
            region = addresses[0].region
            return region if isinstance(region, str) else _no_region(member, attr, addresses[0])
        reason = (
            f"it is the DNS name of {len(addresses)} public IP addresses of the model" if addresses
            else "no public IP address in the checked files has this DNS name"
        )
        return Unknown(member, attr, Unresolved(name, reason, member.loc(attr)))

    def _fqdns(self) -> dict[str, list[Resource]]:
        if self._by_fqdn is None:
            self._by_fqdn = {}
            for address in self.model.of_kind(Kind.PUBLIC_IP):
                fqdn = address.get("fqdn")
                if isinstance(fqdn, str):
                    self._by_fqdn.setdefault(fqdn, []).append(address)
        return self._by_fqdn


def _no_region(member: Resource, attr: str, target: Resource) -> Unknown:
    """Why the resource a member leads to gives no region. An unknown region is the target's own
    unknown (one note however many members lead to it); a global resource is the member's."""
    region = target.region
    if region is None or isinstance(region, Unresolved):
        return Unknown(target, "region", region_of(target))  # type: ignore[arg-type]
    return Unknown(member, attr, Unresolved(region, f"{target.label} is global, not in one region", member.loc(attr)))


# How notes name what a rule needed and could not know.
_WHAT = {
    "target_resource": "the region of its target",
    "host_resource": "the region of its host",
    "target": "the region of its target host name",
    "host_name": "the region of its host name",
    "endpoint_location": "its endpoint location",
    "target_location": "the location of its private link target",
    "endpoints": "the list of its endpoints",
    "origins": "the list of its origins",
    "enabled": "whether it is enabled",
    "deployed": "whether it is deployed",
    "profile": "its Traffic Manager profile",
    "origin_group": "its origin group",
}


def note(rule: "Rule", unknown: Unknown) -> Finding:
    """BCDR002 for what ``rule`` needed to know about a router or member."""
    return rule.unresolved(unknown.resource, unknown.attr, unknown.value, _WHAT.get(unknown.attr))
