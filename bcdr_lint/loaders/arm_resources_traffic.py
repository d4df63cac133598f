"""ARM builders for global traffic routing: Traffic Manager, Front Door (Standard/Premium and
classic) and the public IP addresses their endpoints and origins point at.

Endpoints and origins are read in every spelling ARM allows: inline (a profile's
``properties.endpoints``, a classic Front Door's ``backendPools[].properties.backends``), nested
in the parent's ``resources``, or as top-level child resources named ``parent/child``.

A host name written as ``reference(<id>).dnsSettings.fqdn`` (or any property of ``reference``)
is known only after deployment, but which resource it reads is known: that resource becomes the
``host_resource`` reference, so rules can still tell the region the host name points to.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Iterator

from bcdr_lint.loaders import arm_copy
from bcdr_lint.loaders.arm_eval import Scope, located
from bcdr_lint.loaders.arm_expressions import Call, ExpressionSyntaxError, Index, Prop, expression_body, is_expression, parse
from bcdr_lint.loaders.arm_resources import Attrs, Builder, ChildMaker, Decl, Parent, _enabled, make_resource, parent_ref
from bcdr_lint.model.values import DeployedProperty
from bcdr_lint.loaders.jsonpos import JNode, JObject, JScalar, Member
from bcdr_lint.model import Kind, Ref, Resource, Unresolved, lower_or_none, normalize_region
from bcdr_lint.model import azure_id

# The endpoint child types of a Traffic Manager profile, by the last segment of their type.
_ENDPOINT_TYPES = {"azureendpoints": "azure", "externalendpoints": "external", "nestedendpoints": "nested"}

# SKUs of Microsoft.Cdn/profiles that are Azure Front Door; the others are classic CDN.
FRONT_DOOR_SKUS = frozenset({"standard_azurefrontdoor", "premium_azurefrontdoor"})


def _props(decl: Decl) -> JNode | None:
    return decl.node.get("properties")


def _obj(node: JNode | None, key: str) -> JNode | None:
    return node.get(key) if isinstance(node, JObject) else None


def _region(attrs: Attrs) -> None:
    attrs.read("region", attrs.decl.node, "location", normalize_region)


def _read_object(attrs: Attrs, attr: str, obj: JNode | None, key: str, fields: dict[str, tuple[str, Any]]) -> None:
    """``attrs[attr]`` = a dict of some fields of the object property ``key`` (each converted),
    or the Unresolved that stands for the whole object; absent when the property is not written
    or is null."""
    member = obj.member(key) if isinstance(obj, JObject) else None
    if member is None:
        return
    scope = attrs.decl.scope
    value = located(scope, member, scope.value(member.node))
    if value is None:
        return
    attrs.locations[attr] = scope.locate(member.start, member.end)
    if isinstance(value, Unresolved):
        attrs.values[attr] = value
        return
    if not isinstance(value, dict):
        attrs.values[attr] = Unresolved(str(value), "expected an object", attrs.locations[attr])
        return
    lowered = {k.lower(): v for k, v in value.items()}
    found: dict[str, Any] = {}
    for name, (written, convert) in fields.items():
        item = lowered.get(written.lower())
        if item is None:
            continue
        if convert is not None and not isinstance(item, Unresolved):
            item = convert(item)
        found[name] = item
    attrs.values[attr] = found


def host_reference(scope: Scope, member: Member | None) -> Ref | None:
    """The resource whose deployed properties a host name reads: ``reference(X).<properties>``
    -> the reference to X, when X is a resource id (``resourceId(...)`` or a literal id)."""
    if member is None or not isinstance(member.node, JScalar):
        return None
    raw = member.node.value
    if isinstance(raw, DeployedProperty):
        return raw.resource  # Bicep (``pip.properties.dnsSettings.fqdn``): its evaluator knows what it reads
    if not isinstance(raw, str) or not is_expression(raw):
        return None
    body = expression_body(raw)
    try:
        expr = parse(body)
    except ExpressionSyntaxError:
        return None  # reported by the evaluator where the value is read
    if not isinstance(expr, (Prop, Index)):
        return None  # reference(...) alone is the whole object, not a host name
    while isinstance(expr, (Prop, Index)):
        expr = expr.target
    if not isinstance(expr, Call) or expr.name != "reference" or not expr.args:
        return None
    target = scope.evaluate(expr.args[0])
    if isinstance(target, str):
        target = azure_id.ref_from_azure_id(target)
    return dataclasses.replace(target, text=body) if isinstance(target, Ref) else None


# -- Traffic Manager ----------------------------------------------------------------------


def traffic_manager_profile(decl: Decl, make_child: ChildMaker) -> Iterator[Resource]:
    attrs = Attrs(decl)
    _region(attrs)
    props = _props(decl)
    attrs.read("routing_method", props, "trafficRoutingMethod", lower_or_none)
    attrs.read("enabled", props, "profileStatus", _enabled)
    _read_object(attrs, "monitor", props, "monitorConfig", {
        "protocol": ("protocol", lower_or_none), "port": ("port", None), "path": ("path", None),
    })
    yield make_resource(decl, Kind.TRAFFIC_MANAGER, azure_id.TRAFFIC_MANAGER, attrs)
    parent = decl.as_parent(azure_id.TRAFFIC_MANAGER)
    for item in arm_copy.items(props, "endpoints", decl.scope):
        segment = _endpoint_segment(item.node, item.scope)
        yield _endpoint(make_child(item, decl, parent, segment))


def _endpoint_segment(node: JObject, scope: Scope) -> str:
    """``azureEndpoints`` for an inline entry of type ``Microsoft.Network/trafficManagerProfiles/azureEndpoints``."""
    written = scope.value(node.get("type"))
    return written.rsplit("/", 1)[-1] if isinstance(written, str) and written else "endpoints"


def traffic_manager_endpoint(decl: Decl, make_child: ChildMaker) -> Iterator[Resource]:
    yield _endpoint(decl)


def _endpoint(decl: Decl) -> Resource:
    attrs = Attrs(decl)
    segment = decl.source_type.rsplit("/", 1)[-1].lower()
    endpoint_type = _ENDPOINT_TYPES.get(segment)
    type_member = decl.node.member("type")
    if endpoint_type is not None:
        attrs.values["endpoint_type"] = endpoint_type
    else:
        attrs.values["endpoint_type"] = Unresolved(segment, "not an endpoint type of Traffic Manager "
                                                   "(azureEndpoints, externalEndpoints, nestedEndpoints)")
    if type_member is not None:
        attrs.locations["endpoint_type"] = decl.scope.locate(type_member.start, type_member.end)
    props = _props(decl)
    attrs.read("enabled", props, "endpointStatus", _enabled)
    attrs.read("endpoint_location", props, "endpointLocation", normalize_region)
    attrs.read("geo_mappings", props, "geoMapping")
    attrs.read("target", props, "target")
    refs: dict[str, Any] = {"profile": parent_ref(decl, azure_id.TRAFFIC_MANAGER)}
    target = attrs.ref("target_resource", props, "targetResourceId")
    if target is not None:
        refs["target_resource"] = target
    host = host_reference(decl.scope, props.member("target") if isinstance(props, JObject) else None)
    if host is not None:
        refs["host_resource"] = host
        attrs.locations["host_resource"] = attrs.locations["target"]
    azure_type = f"{azure_id.TRAFFIC_MANAGER}/{segment}"
    return make_resource(decl, Kind.TRAFFIC_MANAGER_ENDPOINT, azure_type, attrs, refs)


# -- Front Door Standard/Premium (Microsoft.Cdn) ----------------------------------------


def cdn_profile(decl: Decl, make_child: ChildMaker) -> Iterator[Resource]:
    """A Front Door Standard/Premium profile; a classic CDN profile (other SKUs) routes nothing
    between regions and is not modelled. A SKU that cannot be resolved may be either: kept."""
    attrs = Attrs(decl)
    _region(attrs)
    sku = attrs.read("sku", decl.node.get("sku"), "name", lower_or_none)
    if isinstance(sku, str) and sku not in FRONT_DOOR_SKUS:
        return
    yield make_resource(decl, Kind.FRONT_DOOR, azure_id.CDN_PROFILE, attrs)


def origin_group(decl: Decl, make_child: ChildMaker) -> Iterator[Resource]:
    attrs = Attrs(decl)
    _read_object(attrs, "health_probe", _props(decl), "healthProbeSettings", {
        "protocol": ("probeProtocol", lower_or_none), "path": ("probePath", None),
        "interval": ("probeIntervalInSeconds", None),
    })
    refs = {"profile": parent_ref(decl, azure_id.CDN_PROFILE)}
    yield make_resource(decl, Kind.FRONT_DOOR_ORIGIN_GROUP, azure_id.FRONT_DOOR_ORIGIN_GROUP, attrs, refs)


def origin(decl: Decl, make_child: ChildMaker) -> Iterator[Resource]:
    attrs = Attrs(decl)
    props = _props(decl)
    attrs.read("enabled", props, "enabledState", _enabled)
    attrs.read("host_name", props, "hostName")
    refs: dict[str, Any] = {"origin_group": parent_ref(decl, azure_id.FRONT_DOOR_ORIGIN_GROUP)}
    target = attrs.ref("target_resource", _obj(props, "azureOrigin"), "id")
    if target is None:
        shared = _obj(props, "sharedPrivateLinkResource")
        target = attrs.ref("target_resource", _obj(shared, "privateLink"), "id")
        # The private link target's region, written: it places the origin when the target is elsewhere.
        attrs.read("target_location", shared, "privateLinkLocation", normalize_region)
    if target is not None:
        refs["target_resource"] = target
    host = host_reference(decl.scope, props.member("hostName") if isinstance(props, JObject) else None)
    if host is not None:
        refs["host_resource"] = host
        attrs.locations["host_resource"] = attrs.locations["host_name"]
    yield make_resource(decl, Kind.FRONT_DOOR_ORIGIN, azure_id.FRONT_DOOR_ORIGIN, attrs, refs)


# -- Front Door (classic) -----------------------------------------------------------------


def classic_front_door(decl: Decl, make_child: ChildMaker) -> Iterator[Resource]:
    """A classic Front Door: each backend pool is an origin group, each backend an origin; a
    pool's health probe is the ``healthProbeSettings`` entry its id names."""
    attrs = Attrs(decl)
    _region(attrs)
    attrs.values["sku"] = "classic"
    yield make_resource(decl, Kind.FRONT_DOOR, azure_id.CLASSIC_FRONT_DOOR, attrs)
    props = _props(decl)
    probes = _classic_probes(decl, props)
    parent = decl.as_parent(azure_id.CLASSIC_FRONT_DOOR)
    for item in arm_copy.items(props, "backendPools", decl.scope):
        pool = make_child(item, decl, parent, "backendPools")
        yield from _backend_pool(pool, probes)


def _classic_probes(decl: Decl, props: JNode | None) -> dict[str, dict[str, Any]]:
    """The Front Door's health probe settings by lower-case name (entries with unknown names are
    left out: a pool naming one is then unresolved, not matched by guess)."""
    probes: dict[str, dict[str, Any]] = {}
    for item in arm_copy.items(props, "healthProbeSettings", decl.scope):
        name = item.scope.value(item.node.get("name"))
        settings = item.scope.value(item.node.get("properties"))
        if not isinstance(name, str) or not isinstance(settings, dict):
            continue
        lowered = {k.lower(): v for k, v in settings.items()}
        probe: dict[str, Any] = {
            "protocol": lower_or_none(lowered.get("protocol")),
            "path": lowered.get("path"),
            "interval": lowered.get("intervalinseconds"),
        }
        state = lowered.get("enabledstate")
        if state is not None:
            probe["enabled"] = _enabled(state)
        probes[name.lower()] = {k: v for k, v in probe.items() if v is not None}
    return probes


def _backend_pool(pool: Decl, probes: dict[str, dict[str, Any]]) -> Iterator[Resource]:
    attrs = Attrs(pool)
    props = _props(pool)
    probe_ref = attrs.ref("health_probe", _obj(props, "healthProbeSettings"), "id")
    if isinstance(probe_ref, Unresolved):
        attrs.values["health_probe"] = probe_ref
    elif isinstance(probe_ref, Ref):
        name = probe_ref.names[-1].lower() if probe_ref.names else ""
        found = probes.get(name)
        attrs.values["health_probe"] = found if found is not None else Unresolved(
            str(probe_ref), "names no health probe settings of this Front Door", attrs.locations["health_probe"])
    refs = {"profile": parent_ref(pool, azure_id.CLASSIC_FRONT_DOOR)}
    group = make_resource(pool, Kind.FRONT_DOOR_ORIGIN_GROUP, azure_id.CLASSIC_FRONT_DOOR_POOL, attrs, refs)
    yield group
    link = Ref(key=group.key, type=group.azure_type, names=group.azure_names, text=str(group.name))
    for index, item in enumerate(arm_copy.items(props, "backends", pool.scope)):
        yield _backend(pool, item, index, link)


def _backend(pool: Decl, item: arm_copy.Item, index: int, link: Ref) -> Resource:
    """Backends have no name of their own: each is named by its address, keyed by its position."""
    scope = item.scope
    address = item.node.member("address")
    name: str | Unresolved
    if address is None:
        name = Unresolved("(no address)", "a backend without an address", scope.locate(item.node.start, item.node.end))
    else:
        value = located(scope, address, scope.value(address.node))
        name = value if isinstance(value, (str, Unresolved)) else Unresolved(str(value), "expected a host name")
    label = item.key or str(index)
    decl = Decl(item.node, f"{pool.source_type}/backends", f"{pool.key}/backends[{label}]", name, None,
                Parent(pool.key, azure_id.CLASSIC_FRONT_DOOR_POOL, pool.source_type, pool.names),
                pool.resource_group, scope, pool.deployed or item.deployed)
    attrs = Attrs(decl)
    attrs.read("enabled", item.node, "enabledState", _enabled)
    attrs.read("host_name", item.node, "address")
    refs: dict[str, Any] = {"origin_group": link}
    target = attrs.ref("target_resource", item.node, "privateLinkResourceId")
    if target is not None:
        refs["target_resource"] = target
        attrs.read("target_location", item.node, "privateLinkLocation", normalize_region)
    host = host_reference(scope, address)
    if host is not None:
        refs["host_resource"] = host
        attrs.locations["host_resource"] = attrs.locations["host_name"]
    return make_resource(decl, Kind.FRONT_DOOR_ORIGIN, f"{azure_id.CLASSIC_FRONT_DOOR_POOL}/backends", attrs, refs)


# -- Public IP addresses ------------------------------------------------------------------


def public_ip(decl: Decl, make_child: ChildMaker) -> Iterator[Resource]:
    attrs = Attrs(decl)
    _region(attrs)
    attrs.read("sku", decl.node.get("sku"), "name", lower_or_none)
    dns = _obj(_props(decl), "dnsSettings")
    label = attrs.read("domain_name_label", dns, "domainNameLabel")
    if label is not None:
        scope_member = dns.member("domainNameLabelScope") if isinstance(dns, JObject) else None
        hashed = scope_member is not None and scope_member.node.value is not None
        attrs.values["fqdn"] = azure_id.public_ip_fqdn(label, attrs.values.get("region"), hashed, attrs.locations["domain_name_label"])
        attrs.locations["fqdn"] = attrs.locations["domain_name_label"]
    yield make_resource(decl, Kind.PUBLIC_IP, azure_id.PUBLIC_IP, attrs)


BUILDERS: dict[str, Builder] = {
    azure_id.TRAFFIC_MANAGER: traffic_manager_profile,
    **{f"{azure_id.TRAFFIC_MANAGER}/{segment}": traffic_manager_endpoint for segment in _ENDPOINT_TYPES},
    azure_id.CDN_PROFILE: cdn_profile,
    azure_id.FRONT_DOOR_ORIGIN_GROUP: origin_group,
    azure_id.FRONT_DOOR_ORIGIN: origin,
    azure_id.CLASSIC_FRONT_DOOR: classic_front_door,
    azure_id.PUBLIC_IP: public_ip,
}
