"""azurerm builders for global traffic routing: Traffic Manager, Front Door (Standard/Premium
and classic) and public IP addresses.

A host name written as a reference to another resource's computed address
(``host_name = azurerm_public_ip.east.fqdn``, ``target = azurerm_public_ip.east.ip_address``, one
instance ``azurerm_public_ip.ingress[each.key].fqdn``, or a module's output that reads one) is
known only at apply time, but which resource it reads is known: that resource becomes the
``host_resource`` reference, so rules can still tell the region the host name points to.
"""

from __future__ import annotations

from typing import Any, Callable

from bcdr_lint.loaders.terraform_eval import MISSING
from bcdr_lint.loaders.terraform_hcl import Block
from bcdr_lint.loaders.terraform_resources import ResourceBuilder, _Draft
from bcdr_lint.loaders.terraform_types import resource_key
from bcdr_lint.model import Kind, Location, Ref, Resource, Unresolved, lower_or_none, normalize_region
from bcdr_lint.model import azure_id

# The attributes of another resource that are a host name or address it gets at apply time (a
# storage account's primary hosts are in its own region; its secondary ones are not).
_HOST_ATTRIBUTES = ("fqdn", "ip_address", "default_hostname", "host_name", "primary_web_host", "primary_blob_host")

_ENDPOINT_RESOURCES = {
    "azurerm_traffic_manager_azure_endpoint": "azure",
    "azurerm_traffic_manager_external_endpoint": "external",
    "azurerm_traffic_manager_nested_endpoint": "nested",
}

# azurerm 2.x ``azurerm_traffic_manager_endpoint``: the endpoint type is an argument.
_LEGACY_ENDPOINT_TYPES = {"azureendpoints": "azure", "externalendpoints": "external", "nestedendpoints": "nested"}

Build = Callable[[ResourceBuilder, str, Block], list[Resource]]


def _status(value: Any) -> Any:
    """``"Enabled"``/``"Disabled"`` (profile_status, endpoint_status) -> bool."""
    if isinstance(value, str) and value.lower() in ("enabled", "disabled"):
        return value.lower() == "enabled"
    return Unresolved(str(value), "expected Enabled or Disabled")


def _resource(b: ResourceBuilder, kind: Kind, address: str, block: Block, draft: _Draft, *,
              azure_type: str, parent_names: tuple[str, ...] | None = None, regional: bool = False) -> Resource:
    """A resource named by its ``name`` argument; a child's Azure names follow its parent's
    (``parent_names`` None: a top-level resource; empty: the parent's names are unknown)."""
    b._put(draft, "name", block, "name")
    if regional:
        b._put(draft, "region", block, "location", normalize_region)
    name = draft.attrs.get("name")
    if parent_names is None:
        names: tuple[str, ...] = (name,) if isinstance(name, str) else ()
    else:
        names = (*parent_names, name) if parent_names and isinstance(name, str) else ()
    return b._make(kind, resource_key(b.folder, address), block, draft, name=name, azure_type=azure_type,
                   names=names, group=b._value(block, "resource_group_name"))


def _parent(b: ResourceBuilder, draft: _Draft, ref_name: str, block: Block, argument: str) -> tuple[str, ...]:
    """Set the reference to the parent from its id argument; the parent's Azure names if known."""
    ref = b._id_ref(block, argument)
    draft.refs[ref_name] = ref
    if argument in block.arguments:
        draft.locations[ref_name] = block.arguments[argument].location
    return _names_of(b, ref)


# The argument holding the parent's id, by resource type: a child's Azure name path starts with its parent's.
_PARENT_ID = {
    "azurerm_cdn_frontdoor_origin_group": "cdn_frontdoor_profile_id",
    "azurerm_cdn_frontdoor_origin": "cdn_frontdoor_origin_group_id",
}


def _names_of(b: ResourceBuilder, ref: Ref | Unresolved | None, depth: int = 0) -> tuple[str, ...]:
    """The Azure name path of what ``ref`` points at: from the id, or — written ``azurerm_x.y.id``,
    whose id the evaluator does not spell for these types — from that block's ``name`` (after its
    own parent's); () when unknown."""
    if not isinstance(ref, Ref) or depth > len(_PARENT_ID):
        return ()
    if ref.names:
        return ref.names
    block = _block_of(b, ref)
    name = b.ev.raw(block, "name") if block is not None else None
    if not isinstance(name, str):
        return ()
    parent_argument = _PARENT_ID.get(block.resource_type)
    if parent_argument is None:
        return (name,)
    parent = _names_of(b, b._id_ref(block, parent_argument), depth + 1)
    return (*parent, name) if parent else ()


def _block_of(b: ResourceBuilder, ref: Ref) -> Block | None:
    """The block (the instance, for ``count``/``for_each``) of this module that ``ref`` is exactly."""
    prefix = resource_key(b.folder, b.ev.prefix)
    if not ref.key or not ref.key.startswith(prefix):
        return None
    address = ref.key[len(prefix):]
    base = address.split("[", 1)[0]
    block = b.ev.scope.resources.get(base)
    if block is None:
        return None
    return next((member for found, member in b.ev.expand(block, base).members if found == address), None)


def _host(b: ResourceBuilder, draft: _Draft, block: Block, argument: str) -> None:
    """``host_resource``: the resource whose computed address ``argument`` is written as."""
    arg = block.arguments.get(argument)
    if arg is None:
        return
    for attribute in _HOST_ATTRIBUTES:
        ref = b.ev.instance_reference(arg, attribute)
        if ref is not None:
            draft.refs["host_resource"] = ref
            draft.locations["host_resource"] = arg.location
            return


def _block_object(b: ResourceBuilder, draft: _Draft, attr: str, block: Block, block_type: str,
                  fields: dict[str, tuple[str, Callable[[Any], Any] | None]]) -> None:
    """``attrs[attr]`` = some arguments of the single nested ``block_type`` block, as a dict; an
    Unresolved when a dynamic block that may generate it cannot be expanded; absent when none."""
    found, unknown = b.ev.blocks(block, block_type)
    if found:
        child = found[0]
        value: dict[str, Any] = {}
        for key, (argument, convert) in fields.items():
            item = b.ev.argument(child, argument)
            if item is MISSING or item is None:
                continue
            if convert is not None and not isinstance(item, Unresolved):
                item = convert(item)
            value[key] = item
        draft.attrs[attr] = value
        draft.locations[attr] = child.location
    elif unknown:
        draft.attrs[attr] = unknown[0]
        draft.locations[attr] = unknown[0].location or block.location


# -- Traffic Manager ----------------------------------------------------------------------


def _traffic_manager_profile(b: ResourceBuilder, address: str, block: Block) -> list[Resource]:
    draft = _Draft()
    b._put(draft, "routing_method", block, "traffic_routing_method", lower_or_none)
    b._put(draft, "enabled", block, "profile_status", _status)
    _block_object(b, draft, "monitor", block, "monitor_config", {
        "protocol": ("protocol", lower_or_none), "port": ("port", None), "path": ("path", None),
    })
    # Traffic Manager is global: azurerm has no location argument for it.
    return [_resource(b, Kind.TRAFFIC_MANAGER, address, block, draft, azure_type=azure_id.TRAFFIC_MANAGER)]


def _endpoint(b: ResourceBuilder, address: str, block: Block) -> list[Resource]:
    endpoint_type = _ENDPOINT_RESOURCES[block.resource_type]
    draft = _Draft(attrs={"endpoint_type": endpoint_type})
    parent = _parent(b, draft, "profile", block, "profile_id")
    _endpoint_arguments(b, draft, block)
    b._put(draft, "enabled", block, "enabled")
    azure_type = f"{azure_id.TRAFFIC_MANAGER}/{endpoint_type}endpoints"
    return [_resource(b, Kind.TRAFFIC_MANAGER_ENDPOINT, address, block, draft, azure_type=azure_type,
                      parent_names=parent)]


def _legacy_endpoint(b: ResourceBuilder, address: str, block: Block) -> list[Resource]:
    """azurerm 2.x: one resource type for every endpoint, its profile named by name and group."""
    draft = _Draft()
    b._put(draft, "endpoint_type", block, "type",
           lambda v: _LEGACY_ENDPOINT_TYPES.get(v.lower(), Unresolved(v, "not a Traffic Manager endpoint type"))
           if isinstance(v, str) else Unresolved(str(v), "expected an endpoint type"))
    profile = b._value(block, "profile_name")
    group = b._value(block, "resource_group_name")
    if isinstance(profile, str):
        draft.refs["profile"] = Ref(type=azure_id.TRAFFIC_MANAGER, names=(profile,),
                                    resource_group=group if isinstance(group, str) else None,
                                    text=block.arguments["profile_name"].text)
    elif isinstance(profile, Unresolved):
        draft.refs["profile"] = profile
    if "profile_name" in block.arguments:
        draft.locations["profile"] = block.arguments["profile_name"].location
    _endpoint_arguments(b, draft, block)
    b._put(draft, "enabled", block, "endpoint_status", _status)
    kind = draft.attrs.get("endpoint_type")
    segment = f"{kind}endpoints" if isinstance(kind, str) else "endpoints"
    return [_resource(b, Kind.TRAFFIC_MANAGER_ENDPOINT, address, block, draft,
                      azure_type=f"{azure_id.TRAFFIC_MANAGER}/{segment}",
                      parent_names=(profile,) if isinstance(profile, str) else ())]


def _endpoint_arguments(b: ResourceBuilder, draft: _Draft, block: Block) -> None:
    b._put(draft, "endpoint_location", block, "endpoint_location", normalize_region)
    b._put(draft, "geo_mappings", block, "geo_mappings")
    b._put(draft, "target", block, "target")
    target = b._id_ref(block, "target_resource_id")
    if target is not None:
        draft.refs["target_resource"] = target
        draft.locations["target_resource"] = block.arguments["target_resource_id"].location
    _host(b, draft, block, "target")


# -- Front Door Standard/Premium ----------------------------------------------------------


def _front_door_profile(b: ResourceBuilder, address: str, block: Block) -> list[Resource]:
    draft = _Draft()
    b._put(draft, "sku", block, "sku_name", lower_or_none)
    return [_resource(b, Kind.FRONT_DOOR, address, block, draft, azure_type=azure_id.CDN_PROFILE)]


def _origin_group(b: ResourceBuilder, address: str, block: Block) -> list[Resource]:
    draft = _Draft()
    parent = _parent(b, draft, "profile", block, "cdn_frontdoor_profile_id")
    _block_object(b, draft, "health_probe", block, "health_probe", {
        "protocol": ("protocol", lower_or_none), "path": ("path", None), "interval": ("interval_in_seconds", None),
    })
    return [_resource(b, Kind.FRONT_DOOR_ORIGIN_GROUP, address, block, draft,
                      azure_type=azure_id.FRONT_DOOR_ORIGIN_GROUP, parent_names=parent)]


def _origin(b: ResourceBuilder, address: str, block: Block) -> list[Resource]:
    draft = _Draft()
    parent = _parent(b, draft, "origin_group", block, "cdn_frontdoor_origin_group_id")
    b._put(draft, "enabled", block, "enabled")
    if "enabled" not in draft.attrs:  # azurerm 3.x before `enabled`
        b._put(draft, "enabled", block, "health_probes_enabled")
    b._put(draft, "host_name", block, "host_name")
    _host(b, draft, block, "host_name")
    links, unknown = b.ev.blocks(block, "private_link")
    if links:
        target = b._id_ref(links[0], "private_link_target_id")
        if target is not None:
            draft.refs["target_resource"] = target
            draft.locations["target_resource"] = links[0].arguments["private_link_target_id"].location
        # The private link target's region, written: it places the origin when the target is elsewhere.
        b._put(draft, "target_location", links[0], "location", normalize_region)
    elif unknown:
        draft.refs["target_resource"] = unknown[0]
    return [_resource(b, Kind.FRONT_DOOR_ORIGIN, address, block, draft,
                      azure_type=azure_id.FRONT_DOOR_ORIGIN, parent_names=parent)]


# -- Front Door (classic) -----------------------------------------------------------------


def _classic_front_door(b: ResourceBuilder, address: str, block: Block) -> list[Resource]:
    """Each ``backend_pool`` is an origin group, each of its ``backend`` blocks an origin; a
    pool's health probe is the ``backend_pool_health_probe`` its ``health_probe_name`` names."""
    draft = _Draft(attrs={"sku": "classic"})
    front_door = _resource(b, Kind.FRONT_DOOR, address, block, draft, azure_type=azure_id.CLASSIC_FRONT_DOOR)
    resources = [front_door]
    probes = _classic_probes(b, block)
    pools, unknown_pools = b.ev.blocks(block, "backend_pool")
    for index, pool_block in enumerate(pools):
        resources.extend(_backend_pool(b, front_door, pool_block, index, probes))
    for index, cause in enumerate(unknown_pools, start=len(pools)):
        # Pools a dynamic block generates from an unknown collection may or may not exist.
        resources.append(_stand_in(Kind.FRONT_DOOR_ORIGIN_GROUP, f"{front_door.key}/backend_pool[{index}]",
                                   front_door, cause, {"profile": _link(front_door)}, block.location))
    return resources


def _classic_probes(b: ResourceBuilder, block: Block) -> dict[str, dict[str, Any]] | Unresolved:
    probes: dict[str, dict[str, Any]] = {}
    found, unknown = b.ev.blocks(block, "backend_pool_health_probe")
    if unknown:
        return unknown[0]
    for probe in found:
        name = b._value(probe, "name")
        if not isinstance(name, str):
            continue
        value: dict[str, Any] = {}
        for key, argument, convert in (("protocol", "protocol", lower_or_none), ("path", "path", None),
                                       ("interval", "interval_in_seconds", None), ("enabled", "enabled", None)):
            item = b._value(probe, argument)
            if item is not None:
                value[key] = convert(item) if convert is not None and not isinstance(item, Unresolved) else item
        probes[name] = value
    return probes


def _backend_pool(b: ResourceBuilder, front_door: Resource, pool_block: Block, index: int,
                  probes: dict[str, dict[str, Any]] | Unresolved) -> list[Resource]:
    draft = _Draft(refs={"profile": _link(front_door)})
    b._put(draft, "name", pool_block, "name")
    name = draft.attrs.get("name")
    probe_name = b._value(pool_block, "health_probe_name")
    if probe_name is not None:
        draft.locations["health_probe"] = pool_block.arguments["health_probe_name"].location
        if isinstance(probe_name, Unresolved):
            draft.attrs["health_probe"] = probe_name
        elif isinstance(probes, Unresolved):
            draft.attrs["health_probe"] = probes
        elif probe_name in probes:
            draft.attrs["health_probe"] = probes[probe_name]
        else:
            draft.attrs["health_probe"] = Unresolved(str(probe_name), "no backend_pool_health_probe of that name",
                                                     draft.locations["health_probe"])
    label = name if isinstance(name, str) else str(index)
    names = (*front_door.azure_names, name) if front_door.azure_names and isinstance(name, str) else ()
    group = b._make(Kind.FRONT_DOOR_ORIGIN_GROUP, f"{front_door.key}/backend_pool[{label}]", pool_block, draft,
                    name=name, azure_type=azure_id.CLASSIC_FRONT_DOOR_POOL, names=names,
                    group=front_door.resource_group, parent_type=front_door.source_type)
    resources = [group]
    backends, unknown = b.ev.blocks(pool_block, "backend")
    for position, backend in enumerate(backends):
        origin = _Draft(refs={"origin_group": _link(group)})
        b._put(origin, "host_name", backend, "address")
        b._put(origin, "enabled", backend, "enabled")
        _host(b, origin, backend, "address")
        host = origin.attrs.get("host_name")
        resources.append(b._make(Kind.FRONT_DOOR_ORIGIN, f"{group.key}/backend[{position}]", backend, origin,
                                 name=host if isinstance(host, (str, Unresolved)) else str(position),
                                 azure_type=None, names=(), group=front_door.resource_group,
                                 parent_type=front_door.source_type))
    for position, cause in enumerate(unknown, start=len(backends)):
        resources.append(_stand_in(Kind.FRONT_DOOR_ORIGIN, f"{group.key}/backend[{position}]", group, cause,
                                   {"origin_group": _link(group)}, pool_block.location))
    return resources


def _link(parent: Resource) -> Ref:
    group = parent.resource_group if isinstance(parent.resource_group, str) else None
    return Ref(key=parent.key, type=parent.azure_type, names=parent.azure_names, resource_group=group,
               text=str(parent.name))


def _stand_in(kind: Kind, key: str, parent: Resource, cause: Unresolved, refs: dict[str, Any],
              fallback: Location) -> Resource:
    """One resource for the blocks a dynamic block generates from an unknown collection: whether
    (and how many) exist is unknown, which rules report instead of counting."""
    where = cause.location or fallback
    return Resource(kind=kind, key=key, name=cause, location=where, source_type=parent.source_type,
                    attrs={"deployed": cause}, attr_locations={"deployed": where}, refs=refs,
                    resource_group=parent.resource_group)


# -- Public IP addresses ------------------------------------------------------------------


def _public_ip(b: ResourceBuilder, address: str, block: Block) -> list[Resource]:
    draft = _Draft()
    b._put(draft, "sku", block, "sku", lower_or_none)
    b._put(draft, "domain_name_label", block, "domain_name_label")
    b._put(draft, "region", block, "location", normalize_region)
    label = draft.attrs.get("domain_name_label")
    if label is not None:
        where = draft.locations["domain_name_label"]
        hashed = b._value(block, "domain_name_label_scope") is not None
        draft.attrs["fqdn"] = azure_id.public_ip_fqdn(label, draft.attrs.get("region"), hashed, where)
        draft.locations["fqdn"] = where
    return [_resource(b, Kind.PUBLIC_IP, address, block, draft, azure_type=azure_id.PUBLIC_IP, regional=True)]


BUILDERS: dict[str, Build] = {
    "azurerm_traffic_manager_profile": _traffic_manager_profile,
    **{resource_type: _endpoint for resource_type in _ENDPOINT_RESOURCES},
    "azurerm_traffic_manager_endpoint": _legacy_endpoint,
    "azurerm_cdn_frontdoor_profile": _front_door_profile,
    "azurerm_cdn_frontdoor_origin_group": _origin_group,
    "azurerm_cdn_frontdoor_origin": _origin,
    "azurerm_frontdoor": _classic_front_door,
    "azurerm_public_ip": _public_ip,
}
