"""azurerm resource blocks -> normalized ``Resource`` objects (the attribute contract of
``bcdr_lint.model.resource``). Values come from the evaluator; this module only maps names."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Callable

from bcdr_lint.loaders.terraform_eval import MISSING, Evaluator
from bcdr_lint.loaders.terraform_hcl import Block
from bcdr_lint.loaders.terraform_types import resource_key
from bcdr_lint.model import Kind, Location, Ref, Resource, Unresolved, lower_or_none, normalize_region, normalize_zones
from bcdr_lint.model import azure_id
from bcdr_lint.model.azure_id import ref_from_azure_id


@dataclass
class _Draft:
    attrs: dict[str, Any] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    refs: dict[str, Ref | Unresolved | None] = field(default_factory=dict)


class ResourceBuilder:
    def __init__(self, evaluator: Evaluator) -> None:
        self.ev = evaluator
        self.folder = evaluator.key_space  # the root folder keys name (a module instance's is its root's)

    def build(self, address: str, block: Block, deployed: Unresolved | None = None) -> list[Resource]:
        """The resources one block declares; an empty list for types not modelled yet.

        ``deployed`` (an unknown count/for_each) applies to the block's inline children too:
        they exist only if it does.
        """
        builder = _BUILDERS.get(block.resource_type)
        resources = builder(self, address, block) if builder else []
        if deployed is None:
            return resources
        return [with_deployed(resource, deployed) for resource in resources]

    # -- helpers ---------------------------------------------------------------------------

    def _put(self, draft: _Draft, attr: str, block: Block, argument: str,
             convert: Callable[[Any], Any] | None = None) -> None:
        """Copy an argument into ``attrs`` with its location; unset and null stay absent."""
        value = self.ev.argument(block, argument)
        if value is MISSING or value is None:
            return
        if convert is not None and not isinstance(value, Unresolved):
            value = convert(value)
            if isinstance(value, Unresolved) and value.location is None:
                # A conversion knows the value, not how or where it was written (``lower_or_none(1)``).
                arg = block.arguments[argument]
                value = Unresolved(arg.text, value.reason, arg.location)
        draft.attrs[attr] = value
        draft.locations[attr] = block.arguments[argument].location

    def _put_nested(self, draft: _Draft, attr: str, block: Block, block_type: str, argument: str,
                    convert: Callable[[Any], Any] | None = None) -> None:
        """``_put`` from the single nested ``block_type`` block, plain or ``dynamic``."""
        value, arg = self.ev.nested_argument(block, block_type, argument)
        if value is MISSING or value is None or (arg is None and not isinstance(value, Unresolved)):
            return
        if convert is not None and not isinstance(value, Unresolved):
            value = convert(value)
            if isinstance(value, Unresolved) and value.location is None and arg is not None:
                value = Unresolved(arg.text, value.reason, arg.location)
        draft.attrs[attr] = value
        draft.locations[attr] = arg.location if arg is not None else value.location or block.location

    def _value(self, block: Block, argument: str) -> Any:
        value = self.ev.argument(block, argument)
        return None if value is MISSING else value

    def _make(self, kind: Kind, key: str, block: Block, draft: _Draft, *, name: Any,
              azure_type: str | None, names: tuple[str, ...], group: Any, parent_type: str = "") -> Resource:
        region = draft.attrs.pop("region", None)
        draft.attrs.pop("name", None)
        # An inline child (default_node_pool, subnet) is written in its parent's resource type.
        source_type = block.resource_type if block.type in ("resource", "data") else parent_type
        return Resource(
            kind=kind,
            key=key,
            name=name if isinstance(name, (str, Unresolved)) else key.rsplit(":", 1)[-1],
            location=block.location,
            source_type=source_type,
            region=region,
            attrs=draft.attrs,
            attr_locations=draft.locations,
            refs=draft.refs,
            azure_type=azure_type,
            azure_names=names,
            resource_group=group if isinstance(group, (str, Unresolved)) else None,
        )

    def _top(self, kind: Kind, address: str, block: Block, draft: _Draft) -> Resource:
        """A resource whose name, region and group are its own arguments."""
        self._put(draft, "name", block, "name")
        self._put(draft, "region", block, "location", normalize_region)
        azure_type, names, _group = self.ev.identity(block)
        return self._make(kind, resource_key(self.folder, address), block, draft,
                          name=draft.attrs.get("name"), azure_type=azure_type, names=names,
                          group=self._value(block, "resource_group_name"))

    def _id_ref(self, block: Block, argument: str) -> Ref | Unresolved | None:
        """A reference from an argument holding a resource id (``x.id`` or a literal id)."""
        value = self.ev.argument(block, argument)
        if value is MISSING or value is None or isinstance(value, (Ref, Unresolved)):
            return None if value is MISSING else value
        arg = block.arguments[argument]
        if isinstance(value, str):
            ref = ref_from_azure_id(value)
            if ref is not None:
                return ref
        return Unresolved(arg.text, "not an Azure resource id", arg.location)

    def _vnet_ref(self, block: Block, argument: str) -> Ref | Unresolved | None:
        """A virtual network named by ``argument``: exactly when it is ``azurerm_virtual_network.x.name``,
        else by its name and the block's resource group."""
        arg = block.arguments.get(argument)
        if arg is None:
            return None
        address = self.ev.resource_reference(arg, "name")
        target = self.ev.scope.resources.get(address) if address else None
        if target is not None and target.resource_type == "azurerm_virtual_network":
            return self.ev.ref_to(target, address, arg.text)
        value = self.ev.argument(block, argument)
        if isinstance(value, str):
            group = self.ev.raw(block, "resource_group_name")
            return Ref(type=azure_id.VIRTUAL_NETWORK, names=(value,),
                       resource_group=group if isinstance(group, str) else None, text=arg.text)
        if isinstance(value, Unresolved):
            return value
        return Unresolved(arg.text, "not a virtual network name", arg.location)

    def _pool(self, draft: _Draft, block: Block, name_argument: str) -> None:
        self._put(draft, "pool_name", block, name_argument)
        if "pool_name" in draft.locations:
            draft.locations["name"] = draft.locations["pool_name"]
        self._put(draft, "zones", block, "zones", normalize_zones)
        if "zones" not in draft.attrs:  # azurerm 2.x spelling
            self._put(draft, "zones", block, "availability_zones", normalize_zones)
        self._put(draft, "count", block, "node_count")
        self._put(draft, "min_count", block, "min_count")
        self._put(draft, "max_count", block, "max_count")
        draft.refs["subnet"] = self._id_ref(block, "vnet_subnet_id")
        if "vnet_subnet_id" in block.arguments:
            draft.locations["subnet"] = block.arguments["vnet_subnet_id"].location


def with_deployed(resource: Resource, deployed: Unresolved) -> Resource:
    locations = dict(resource.attr_locations)
    if deployed.location is not None:
        locations["deployed"] = deployed.location
    return dataclasses.replace(resource, attrs={**resource.attrs, "deployed": deployed}, attr_locations=locations)


def _link(parent: Resource, address: str) -> Ref:
    """The exact reference from an inline child (replica, subnet) to the block around it."""
    group = parent.resource_group if isinstance(parent.resource_group, str) else None
    return Ref(key=parent.key, type=parent.azure_type, names=parent.azure_names, resource_group=group, text=address)


def _child_names(parent: tuple[str, ...], child: Any) -> tuple[str, ...]:
    return (*parent, child) if parent and isinstance(child, str) else ()


def _resource_group(b: ResourceBuilder, address: str, block: Block) -> list[Resource]:
    draft = _Draft()
    b._put(draft, "name", block, "name")
    b._put(draft, "region", block, "location", normalize_region)
    azure_type, names, _group = b.ev.identity(block)
    name = draft.attrs.get("name")
    return [b._make(Kind.RESOURCE_GROUP, resource_key(b.folder, address), block, draft,
                    name=name, azure_type=azure_type, names=names, group=name)]


def _aks_cluster(b: ResourceBuilder, address: str, block: Block) -> list[Resource]:
    draft = _Draft()
    b._put_nested(draft, "load_balancer_sku", block, "network_profile", "load_balancer_sku", lower_or_none)
    b._put(draft, "sku_tier", block, "sku_tier", lower_or_none)
    pool_blocks, unknown = b.ev.blocks(block, "default_node_pool")
    if not pool_blocks and unknown:
        # A dynamic default_node_pool whose for_each is unknown (or a plan that leaves the block
        # to apply time): the system pool is not listed, which must not read as having none.
        draft.attrs["children"] = unknown[0]
        draft.locations["children"] = unknown[0].location or block.location
    cluster = b._top(Kind.AKS_CLUSTER, address, block, draft)
    resources = [cluster]
    for pool_block in pool_blocks[:1]:
        pool = _Draft()
        b._pool(pool, pool_block, "name")
        pool.attrs["mode"] = "system"
        group = cluster.resource_group if isinstance(cluster.resource_group, str) else None
        pool.refs["cluster"] = Ref(key=cluster.key, type=cluster.azure_type, names=cluster.azure_names,
                                   resource_group=group, text=address)
        resources.append(b._make(
            Kind.NODE_POOL, f"{cluster.key}/default_node_pool", pool_block, pool,
            name=pool.attrs.get("pool_name"), azure_type=azure_id.AKS_AGENT_POOL,
            names=_child_names(cluster.azure_names, pool.attrs.get("pool_name")), group=cluster.resource_group,
            parent_type=cluster.source_type,
        ))
    return resources


def _node_pool(b: ResourceBuilder, address: str, block: Block) -> list[Resource]:
    draft = _Draft()
    b._pool(draft, block, "name")
    b._put(draft, "mode", block, "mode", lower_or_none)
    draft.attrs.setdefault("mode", "user")  # the provider's default
    draft.refs["cluster"] = b._id_ref(block, "kubernetes_cluster_id")
    if "kubernetes_cluster_id" in block.arguments:
        draft.locations["cluster"] = block.arguments["kubernetes_cluster_id"].location
    azure_type, names, group = b.ev.identity(block)
    return [b._make(Kind.NODE_POOL, resource_key(b.folder, address), block, draft,
                    name=draft.attrs.get("pool_name"), azure_type=azure_type, names=names, group=group)]


def _registry(b: ResourceBuilder, address: str, block: Block) -> list[Resource]:
    draft = _Draft()
    b._put(draft, "sku", block, "sku", lower_or_none)
    b._put(draft, "zone_redundancy", block, "zone_redundancy_enabled")
    registry = b._top(Kind.CONTAINER_REGISTRY, address, block, draft)
    resources = [registry]
    link = _link(registry, address)
    replica_blocks, unknown = b.ev.blocks(block, "georeplications")
    for index, replica_block in enumerate(replica_blocks):
        replica = _Draft(refs={"registry": link})
        b._put(replica, "region", replica_block, "location", normalize_region)
        b._put(replica, "zone_redundancy", replica_block, "zone_redundancy_enabled")
        resources.append(_replica(registry, replica_block.location, replica, index))
    # azurerm 2.x: georeplication_locations = ["westus", ...], each a replica at that argument.
    legacy = block.arguments.get("georeplication_locations")
    value = b._value(block, "georeplication_locations")
    if legacy is not None and isinstance(value, list):
        for index, location in enumerate(value, start=len(resources) - 1):
            replica = _Draft(refs={"registry": link})
            if location is not None:
                replica.attrs["region"] = normalize_region(location)
                replica.locations["region"] = legacy.location
            resources.append(_replica(registry, legacy.location, replica, index))
    elif isinstance(value, Unresolved):
        unknown.append(value)
    # Replicas that cannot be counted statically still exist: one stand-in with an unknown region
    # each, so rules report the gap as unresolved instead of a missing replica.
    for index, cause in enumerate(unknown, start=len(resources) - 1):
        stand_in = _Draft(attrs={"region": cause}, locations={"region": cause.location or block.location},
                          refs={"registry": link})
        resources.append(_replica(registry, cause.location or block.location, stand_in, index))
    return resources


def _replica(registry: Resource, location: Location, draft: _Draft, index: int) -> Resource:
    region = draft.attrs.pop("region", None)
    label = region if isinstance(region, str) else str(index)
    return Resource(
        kind=Kind.REGISTRY_REPLICA,
        key=f"{registry.key}/georeplications[{label}]",
        name=region if isinstance(region, (str, Unresolved)) else label,
        location=location,
        source_type=registry.source_type,
        region=region,
        attrs=draft.attrs,
        attr_locations=draft.locations,
        refs=draft.refs,
        # The provider names each replication after its normalized location.
        azure_type=azure_id.REGISTRY_REPLICATION,
        azure_names=_child_names(registry.azure_names, region),
        resource_group=registry.resource_group,
    )


def _virtual_network(b: ResourceBuilder, address: str, block: Block) -> list[Resource]:
    draft = _Draft()
    b._put(draft, "address_space", block, "address_space")
    vnet = b._top(Kind.VIRTUAL_NETWORK, address, block, draft)
    resources = [vnet]
    link = _link(vnet, address)
    subnet_blocks, unknown = b.ev.blocks(block, "subnet")
    for index, subnet_block in enumerate(subnet_blocks):
        subnet = _Draft(refs={"vnet": link})
        b._put(subnet, "name", subnet_block, "name")
        name = subnet.attrs.get("name")
        label = name if isinstance(name, str) else str(index)
        resources.append(b._make(
            Kind.SUBNET, f"{vnet.key}/subnet[{label}]", subnet_block, subnet, name=name,
            azure_type=azure_id.SUBNET, names=_child_names(vnet.azure_names, name), group=vnet.resource_group,
            parent_type=vnet.source_type,
        ))
    for index, cause in enumerate(unknown, start=len(subnet_blocks)):
        stand_in = _Draft(refs={"vnet": link}, locations={"name": cause.location or block.location})
        resources.append(Resource(
            kind=Kind.SUBNET, key=f"{vnet.key}/subnet[{index}]", name=cause,
            location=cause.location or block.location, source_type=vnet.source_type,
            attr_locations=stand_in.locations, refs=stand_in.refs, azure_type=azure_id.SUBNET,
            resource_group=vnet.resource_group,
        ))
    return resources


def _subnet(b: ResourceBuilder, address: str, block: Block) -> list[Resource]:
    draft = _Draft(refs={"vnet": b._vnet_ref(block, "virtual_network_name")})
    return [b._top(Kind.SUBNET, address, block, draft)]


def _peering(b: ResourceBuilder, address: str, block: Block) -> list[Resource]:
    draft = _Draft(refs={
        "local_vnet": b._vnet_ref(block, "virtual_network_name"),
        "remote_vnet": b._id_ref(block, "remote_virtual_network_id"),
    })
    return [b._top(Kind.VNET_PEERING, address, block, draft)]


_BUILDERS: dict[str, Callable[[ResourceBuilder, str, Block], list[Resource]]] = {
    "azurerm_resource_group": _resource_group,
    "azurerm_kubernetes_cluster": _aks_cluster,
    "azurerm_kubernetes_cluster_node_pool": _node_pool,
    "azurerm_container_registry": _registry,
    "azurerm_virtual_network": _virtual_network,
    "azurerm_subnet": _subnet,
    "azurerm_virtual_network_peering": _peering,
}

# Builders kept in their own modules (they import the helpers above).
from bcdr_lint.loaders import terraform_resources_data, terraform_resources_traffic  # noqa: E402

_BUILDERS.update(terraform_resources_traffic.BUILDERS)
_BUILDERS.update(terraform_resources_data.BUILDERS)
