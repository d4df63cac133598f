"""ARM resource declarations -> normalized ``Resource``s (the contract in ``model/resource.py``).

A child resource reaches a builder the same way whichever of ARM's three spellings declared it
(top level ``A/b`` named ``x/y``, nested in the parent's ``resources``, or inline in the parent's
properties): as a ``Decl`` whose ``parent`` is set when the parent is known by its key.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from bcdr_lint.loaders import arm_copy
from bcdr_lint.loaders.arm_copy import Item
from bcdr_lint.loaders.arm_eval import Scope, located
from bcdr_lint.loaders.arm_expressions import expression_body, is_expression
from bcdr_lint.loaders.jsonpos import JNode, JObject, JScalar, Member
from bcdr_lint.model import Kind, Location, Ref, Resource, Unresolved, lower_or_none, normalize_region, normalize_zones
from bcdr_lint.model import azure_id


@dataclass(frozen=True)
class Parent:
    key: str
    azure_type: str
    source_type: str
    names: tuple[str, ...] | None


@dataclass(frozen=True)
class Decl:
    node: JObject
    source_type: str  # the full ARM type, as written
    key: str
    name: str | Unresolved
    names: tuple[str, ...] | None  # the full name path, when resolved
    parent: Parent | None
    resource_group: str | Unresolved | None
    scope: Scope
    # The condition or copy count of this resource, or of one it is declared in, when unknown.
    deployed: Unresolved | None = None

    @property
    def location(self) -> Location:
        return self.scope.locate(self.node.start, self.node.end)

    def as_parent(self, azure_type: str) -> Parent:
        return Parent(self.key, azure_type, self.source_type, self.names)


class Attrs:
    """Collects a resource's attributes and where each was written (mutable while building)."""

    def __init__(self, decl: Decl) -> None:
        self.decl = decl
        self.values: dict[str, Any] = {}
        self.locations: dict[str, Location] = {}

    def read(self, attr: str, obj: JNode | None, key: str, convert: Callable[[Any], Any] | None = None) -> Any:
        member = obj.member(key) if isinstance(obj, JObject) else None
        if member is None:
            return None
        scope = self.decl.scope
        value = located(scope, member, scope.value(member.node))
        if convert is not None and value is not None and not isinstance(value, Unresolved):
            value = convert(value)
        self.values[attr] = value
        self.locations[attr] = scope.locate(member.start, member.end)
        return value

    def ref(self, attr: str, obj: JNode | None, key: str) -> Ref | Unresolved | None:
        member = obj.member(key) if isinstance(obj, JObject) else None
        if member is None:
            return None
        scope = self.decl.scope
        self.locations[attr] = scope.locate(member.start, member.end)
        return to_ref(located(scope, member, scope.value(member.node)), member)


def to_ref(value: Any, member: Member) -> Ref | Unresolved | None:
    raw = member.node.value if isinstance(member.node, JScalar) else None
    text = expression_body(raw) if isinstance(raw, str) and is_expression(raw) else None
    if isinstance(value, Ref):
        return dataclasses.replace(value, text=text or value.text)
    if isinstance(value, str) and value:
        ref = azure_id.ref_from_azure_id(value)
        if ref is not None and text:
            ref = dataclasses.replace(ref, text=text)
        return ref
    if isinstance(value, Unresolved):
        return value
    return None


def parent_ref(decl: Decl, parent_type: str) -> Ref | Unresolved:
    """The reference from a child to its parent: exact when nested, else by the name path."""
    group = decl.resource_group if isinstance(decl.resource_group, str) else None
    if decl.parent is not None:
        names = decl.parent.names or ()
        return Ref(type=parent_type, names=names, resource_group=group, key=decl.parent.key, text="/".join(names))
    if decl.names is not None and len(decl.names) > 1:
        parent_names = decl.names[:-1]
        return Ref(type=parent_type, names=parent_names, resource_group=group, text="/".join(parent_names))
    if isinstance(decl.name, Unresolved):
        return decl.name
    return Unresolved(str(decl.name), "a child resource's name must be 'parent/child'", decl.location)


def make_resource(decl: Decl, kind: Kind, azure_type: str, attrs: Attrs, refs: dict[str, Any] | None = None) -> Resource:
    name_member = decl.node.member("name")
    if name_member is not None:
        attrs.locations.setdefault("name", decl.scope.locate(name_member.start, name_member.end))
    region = attrs.values.pop("region", None)
    if decl.deployed is not None:
        attrs.values["deployed"] = decl.deployed
        if decl.deployed.location is not None:
            attrs.locations["deployed"] = decl.deployed.location
    return Resource(
        kind=kind,
        key=decl.key,
        name=decl.name,
        location=decl.location,
        source_type=decl.source_type,
        region=region,
        attrs=attrs.values,
        attr_locations=attrs.locations,
        refs=refs or {},
        azure_type=azure_type,
        azure_names=decl.names or (),
        resource_group=decl.resource_group,
    )


def _enabled(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("enabled", "disabled"):
        return value.lower() == "enabled"
    return Unresolved(str(value), "expected Enabled or Disabled")


def _properties(decl: Decl) -> JNode | None:
    return decl.node.get("properties")


def _region(attrs: Attrs) -> None:
    attrs.read("region", attrs.decl.node, "location", normalize_region)


def resource_group(decl: Decl, make_child: "ChildMaker") -> Iterator[Resource]:
    attrs = Attrs(decl)
    _region(attrs)
    yield make_resource(decl, Kind.RESOURCE_GROUP, azure_id.RESOURCE_GROUP, attrs)


def managed_cluster(decl: Decl, make_child: "ChildMaker") -> Iterator[Resource]:
    attrs = Attrs(decl)
    _region(attrs)
    props = _properties(decl)
    network = props.get("networkProfile") if isinstance(props, JObject) else None
    attrs.read("load_balancer_sku", network, "loadBalancerSku", lower_or_none)
    attrs.read("sku_tier", decl.node.get("sku"), "tier", lower_or_none)
    yield make_resource(decl, Kind.AKS_CLUSTER, azure_id.AKS_CLUSTER, attrs)
    parent = decl.as_parent(azure_id.AKS_CLUSTER)
    for pool in arm_copy.items(props, "agentPoolProfiles", decl.scope):
        child = make_child(pool, decl, parent, "agentPools")
        yield _node_pool(child, pool.node)


def agent_pool(decl: Decl, make_child: "ChildMaker") -> Iterator[Resource]:
    yield _node_pool(decl, _properties(decl))


def _node_pool(decl: Decl, props: JNode | None) -> Resource:
    attrs = Attrs(decl)
    pool_name = decl.names[-1] if decl.names else decl.name
    attrs.values["pool_name"] = pool_name
    name_member = decl.node.member("name")
    if name_member is not None:
        attrs.locations["pool_name"] = decl.scope.locate(name_member.start, name_member.end)
    attrs.read("mode", props, "mode", lower_or_none)
    attrs.read("zones", props, "availabilityZones", normalize_zones)
    attrs.read("count", props, "count")
    attrs.read("min_count", props, "minCount")
    attrs.read("max_count", props, "maxCount")
    refs: dict[str, Any] = {"cluster": parent_ref(decl, azure_id.AKS_CLUSTER)}
    subnet = attrs.ref("subnet", props, "vnetSubnetID")
    if subnet is not None:
        refs["subnet"] = subnet
    return make_resource(decl, Kind.NODE_POOL, azure_id.AKS_AGENT_POOL, attrs, refs)


def registry(decl: Decl, make_child: "ChildMaker") -> Iterator[Resource]:
    attrs = Attrs(decl)
    _region(attrs)
    attrs.read("sku", decl.node.get("sku"), "name", lower_or_none)
    attrs.read("zone_redundancy", _properties(decl), "zoneRedundancy", _enabled)
    yield make_resource(decl, Kind.CONTAINER_REGISTRY, azure_id.REGISTRY, attrs)


def replication(decl: Decl, make_child: "ChildMaker") -> Iterator[Resource]:
    attrs = Attrs(decl)
    _region(attrs)
    attrs.read("zone_redundancy", _properties(decl), "zoneRedundancy", _enabled)
    refs = {"registry": parent_ref(decl, azure_id.REGISTRY)}
    yield make_resource(decl, Kind.REGISTRY_REPLICA, azure_id.REGISTRY_REPLICATION, attrs, refs)


def virtual_network(decl: Decl, make_child: "ChildMaker") -> Iterator[Resource]:
    attrs = Attrs(decl)
    _region(attrs)
    props = _properties(decl)
    address_space = props.get("addressSpace") if isinstance(props, JObject) else None
    attrs.read("address_space", address_space, "addressPrefixes")
    yield make_resource(decl, Kind.VIRTUAL_NETWORK, azure_id.VIRTUAL_NETWORK, attrs)
    if not isinstance(props, JObject):
        return
    parent = decl.as_parent(azure_id.VIRTUAL_NETWORK)
    for item in arm_copy.items(props, "subnets", decl.scope):
        yield from subnet(make_child(item, decl, parent, "subnets"), make_child)
    for item in arm_copy.items(props, "virtualNetworkPeerings", decl.scope):
        yield from peering(make_child(item, decl, parent, "virtualNetworkPeerings"), make_child)


def subnet(decl: Decl, make_child: "ChildMaker") -> Iterator[Resource]:
    refs = {"vnet": parent_ref(decl, azure_id.VIRTUAL_NETWORK)}
    yield make_resource(decl, Kind.SUBNET, azure_id.SUBNET, Attrs(decl), refs)


def peering(decl: Decl, make_child: "ChildMaker") -> Iterator[Resource]:
    attrs = Attrs(decl)
    props = _properties(decl)
    remote = props.get("remoteVirtualNetwork") if isinstance(props, JObject) else None
    refs: dict[str, Any] = {"local_vnet": parent_ref(decl, azure_id.VIRTUAL_NETWORK)}
    remote_ref = attrs.ref("remote_vnet", remote, "id")
    if remote_ref is not None:
        refs["remote_vnet"] = remote_ref
    yield make_resource(decl, Kind.VNET_PEERING, azure_id.VNET_PEERING, attrs, refs)


# (entry of an inline child, its parent's Decl, the parent, the child's type segment) -> Decl
ChildMaker = Callable[[Item, Decl, Parent, str], Decl]
Builder = Callable[[Decl, ChildMaker], Iterator[Resource]]

BUILDERS: dict[str, Builder] = {
    azure_id.RESOURCE_GROUP: resource_group,
    azure_id.AKS_CLUSTER: managed_cluster,
    azure_id.AKS_AGENT_POOL: agent_pool,
    azure_id.REGISTRY: registry,
    azure_id.REGISTRY_REPLICATION: replication,
    azure_id.VIRTUAL_NETWORK: virtual_network,
    azure_id.SUBNET: subnet,
    azure_id.VNET_PEERING: peering,
}

# Builders kept in their own modules (they import the helpers above).
from bcdr_lint.loaders import arm_resources_data, arm_resources_traffic  # noqa: E402

BUILDERS.update(arm_resources_traffic.BUILDERS)
BUILDERS.update(arm_resources_data.BUILDERS)
