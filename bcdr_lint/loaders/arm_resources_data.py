"""ARM builders for data services: storage accounts, PostgreSQL and MySQL flexible servers, Azure
SQL (servers, databases, failover groups) and Cosmos DB accounts — the contract in
``model/resource.py``.

Child resources (``Microsoft.Sql/servers/databases``, ``.../failoverGroups``) arrive in whichever
of ARM's three spellings declared them; ``parent_ref`` ties them to their server.
"""

from __future__ import annotations

from typing import Any, Iterator

from bcdr_lint.loaders import arm_copy
from bcdr_lint.loaders.arm_copy import Item
from bcdr_lint.loaders.arm_eval import located
from bcdr_lint.loaders.arm_resources import (
    Attrs, Builder, ChildMaker, Decl, _enabled, _properties, _region, make_resource, parent_ref,
)
from bcdr_lint.loaders.jsonpos import JArray, JNode, JObject
from bcdr_lint.model import Kind, Location, Ref, Resource, Unresolved, lower_or_none, normalize_region
from bcdr_lint.model import azure_id

# Redundancy options a storage SKU ends with (``Standard_RAGZRS``, ``Premium_ZRS``).
STORAGE_REPLICATIONS = frozenset({"lrs", "zrs", "grs", "ragrs", "gzrs", "ragzrs"})


def split_storage_sku(sku: Any) -> tuple[Any, Any]:
    """``standard_ragrs`` -> (``standard``, ``ragrs``); the V2 file-share SKUs keep their tier
    (``premiumv2_zrs`` -> ``premium``). Text that is no storage SKU is unresolved, not guessed."""
    if sku is None or isinstance(sku, Unresolved):
        return sku, sku
    tier, _, replication = str(sku).partition("_")
    if replication not in STORAGE_REPLICATIONS or not tier:
        problem = Unresolved(str(sku), "not a storage SKU (Standard_LRS, Standard_GZRS, Premium_ZRS, ...)")
        return problem, problem
    return tier.removesuffix("v2"), replication


def storage_account(decl: Decl, make_child: ChildMaker) -> Iterator[Resource]:
    attrs = Attrs(decl)
    _region(attrs)
    sku = attrs.read("sku", decl.node.get("sku"), "name", lower_or_none)
    if "sku" in attrs.locations:
        where = attrs.locations["sku"]
        tier, replication = split_storage_sku(sku)
        if isinstance(tier, Unresolved) and tier.location is None:
            tier = replication = Unresolved(tier.expression, tier.reason, where)
        attrs.values["tier"], attrs.values["replication"] = tier, replication
        attrs.locations["tier"] = attrs.locations["replication"] = where
    attrs.read("account_kind", decl.node, "kind", lower_or_none)
    yield make_resource(decl, Kind.STORAGE_ACCOUNT, azure_id.STORAGE_ACCOUNT, attrs)


def _flexible_server(engine: str, azure_type: str) -> Builder:
    def build(decl: Decl, make_child: ChildMaker) -> Iterator[Resource]:
        attrs = Attrs(decl)
        _region(attrs)
        attrs.values["engine"] = engine
        props = _properties(decl)
        backup = props.get("backup") if isinstance(props, JObject) else None
        attrs.read("geo_redundant_backup", backup, "geoRedundantBackup", _enabled)
        attrs.read("create_mode", props, "createMode", lower_or_none)
        refs: dict[str, Any] = {}
        source = attrs.ref("source_server", props, "sourceServerResourceId")
        if source is not None:
            refs["source_server"] = source
        yield make_resource(decl, Kind.DATABASE_SERVER, azure_type, attrs, refs)

    return build


def sql_server(decl: Decl, make_child: ChildMaker) -> Iterator[Resource]:
    attrs = Attrs(decl)
    _region(attrs)
    yield make_resource(decl, Kind.SQL_SERVER, azure_id.SQL_SERVER, attrs)


def sql_database(decl: Decl, make_child: ChildMaker) -> Iterator[Resource]:
    attrs = Attrs(decl)
    _region(attrs)
    attrs.read("sku", decl.node.get("sku"), "name", lower_or_none)
    props = _properties(decl)
    attrs.read("create_mode", props, "createMode", lower_or_none)
    attrs.read("backup_redundancy", props, "requestedBackupStorageRedundancy", lower_or_none)
    refs: dict[str, Any] = {"server": parent_ref(decl, azure_id.SQL_SERVER)}
    source = attrs.ref("source_database", props, "sourceDatabaseId")
    if source is not None:
        refs["source_database"] = source
    yield make_resource(decl, Kind.SQL_DATABASE, azure_id.SQL_DATABASE, attrs, refs)


def failover_group(decl: Decl, make_child: ChildMaker) -> Iterator[Resource]:
    attrs = Attrs(decl)
    props = _properties(decl)
    refs: dict[str, Any] = {"server": parent_ref(decl, azure_id.SQL_SERVER)}
    partners = _ref_list(attrs, "partner_servers", props, "partnerServers", field="id")
    if partners:
        refs["partner_server"] = partners[0]
        attrs.locations["partner_server"] = attrs.locations.get("partner_servers[0]", attrs.locations["partner_servers"])
    _ref_list(attrs, "databases", props, "databases")
    yield make_resource(decl, Kind.SQL_FAILOVER_GROUP, azure_id.SQL_FAILOVER_GROUP, attrs, refs)


def _ref_list(attrs: Attrs, attr: str, obj: JNode | None, key: str, field: str | None = None) -> list[Ref | Unresolved]:
    """An array of resource ids (or of objects holding one in ``field``) as references, each
    located at its entry where the template writes the array out."""
    if not isinstance(obj, JObject):
        return []
    scope = attrs.decl.scope
    member = obj.member(key)
    found: list[Ref | Unresolved] = []
    if member is not None:
        where = scope.locate(member.start, member.end)
        attrs.locations[attr] = where
        value = located(scope, member, scope.value(member.node))
        if isinstance(value, Unresolved):
            found.append(value)
        elif not isinstance(value, list):
            found.append(Unresolved(str(value), "expected an array", where))
        else:
            nodes = member.node.items if isinstance(member.node, JArray) else []
            for index, entry in enumerate(value):
                entry_where = scope.locate(nodes[index].start, nodes[index].end) if index < len(nodes) else where
                attrs.locations[f"{attr}[{index}]"] = entry_where
                if field is not None:
                    entry = _field(entry, field)
                found.append(_as_ref(entry, entry_where))
    # Entries made by a property copy loop of plain values are not expanded: their number is unknown.
    loops = obj.get("copy")
    if isinstance(loops, JArray):
        for loop in loops.items:
            if isinstance(loop, JObject) and str(loop.value.get("name", "")).lower() == key.lower():
                where = scope.locate(loop.start, loop.end)
                attrs.locations.setdefault(attr, where)
                found.append(Unresolved(f"copy '{key}'", "property copy loops of ids are not expanded", where))
    if member is not None or found:
        attrs.values[attr] = found
    return found


def _field(entry: Any, name: str) -> Any:
    if isinstance(entry, dict):
        return next((value for key, value in entry.items() if key.lower() == name.lower()), None)
    return entry if isinstance(entry, Unresolved) else None


def _as_ref(value: Any, where: Location) -> Ref | Unresolved:
    if isinstance(value, Ref):
        return value
    if isinstance(value, Unresolved):
        return value if value.location is not None else Unresolved(value.expression, value.reason, where)
    if isinstance(value, str):
        ref = azure_id.ref_from_azure_id(value)
        if ref is not None:
            return ref
    return Unresolved(str(value), "not an Azure resource id", where)


def cosmos_account(decl: Decl, make_child: ChildMaker) -> Iterator[Resource]:
    attrs = Attrs(decl)
    _region(attrs)
    props = _properties(decl)
    attrs.read("automatic_failover", props, "enableAutomaticFailover", _boolean)
    attrs.read("multiple_write_locations", props, "enableMultipleWriteLocations", _boolean)
    _locations(attrs, props)
    yield make_resource(decl, Kind.COSMOS_ACCOUNT, azure_id.COSMOS_ACCOUNT, attrs)


def _locations(attrs: Attrs, props: JNode | None) -> None:
    """``properties.locations``: written out, made by a property copy loop, or one expression."""
    if not isinstance(props, JObject):
        return
    scope = attrs.decl.scope
    member = props.member("locations")
    entries: list[dict[str, Any]] = []
    if member is not None and not isinstance(member.node, JArray):
        where = scope.locate(member.start, member.end)
        attrs.locations["locations"] = where
        value = located(scope, member, scope.value(member.node))
        if isinstance(value, list):
            for index, entry in enumerate(value):
                attrs.locations[f"locations[{index}]"] = where
                entries.append(_location_entry(entry, where))
        else:
            reason = "" if isinstance(value, Unresolved) else "expected an array"
            unknown = value if isinstance(value, Unresolved) else Unresolved(str(value), reason, where)
            entries.append({"region": unknown, "failover_priority": None, "count_unknown": True})
        attrs.values["locations"] = entries
        return
    items = arm_copy.items(props, "locations", scope)
    if member is None and not items:
        return
    if member is not None:
        attrs.locations["locations"] = scope.locate(member.start, member.end)
    for index, item in enumerate(items):
        where = item.scope.locate(item.node.start, item.node.end)
        attrs.locations[f"locations[{index}]"] = where
        attrs.locations.setdefault("locations", where)
        entries.append(_copied_entry(item, where))
    if member is not None and isinstance(member.node, JArray):
        # An entry that is not an object (a bare region name) is no location ARM accepts: unknown.
        for node in member.node.items:
            if not isinstance(node, JObject):
                where = scope.locate(node.start, node.end)
                attrs.locations[f"locations[{len(entries)}]"] = where
                text = str(scope.value(node))
                entries.append({"region": Unresolved(text, "expected a location object", where), "failover_priority": None})
    attrs.values["locations"] = entries


def _copied_entry(item: Item, where: Location) -> dict[str, Any]:
    entry = _location_entry(item.scope.value(item.node), where, item)
    if item.deployed is not None:
        # A stand-in for a copy loop of unknown count: how many regions there are is unknown.
        cause = item.deployed
        entry["region"] = Unresolved(cause.expression, f"the number of locations is unknown: {cause.reason}",
                                     cause.location or where)
        entry["count_unknown"] = True
    return entry


def _location_entry(entry: Any, where: Location, item: Item | None = None) -> dict[str, Any]:
    if not isinstance(entry, dict):
        unknown = entry if isinstance(entry, Unresolved) else Unresolved(str(entry), "expected a location object", where)
        return {"region": unknown, "failover_priority": None}
    region = _field(entry, "locationName")
    if item is not None:
        member = item.node.member("locationName")
        if member is not None:
            region = located(item.scope, member, region)
    if isinstance(region, Unresolved) and region.location is None:
        region = Unresolved(region.expression, region.reason, where)
    return {"region": normalize_region(region), "failover_priority": _field(entry, "failoverPriority")}


def _boolean(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return Unresolved(str(value), "expected true or false")


BUILDERS: dict[str, Builder] = {
    azure_id.STORAGE_ACCOUNT: storage_account,
    azure_id.POSTGRESQL_FLEXIBLE_SERVER: _flexible_server("postgresql", azure_id.POSTGRESQL_FLEXIBLE_SERVER),
    azure_id.MYSQL_FLEXIBLE_SERVER: _flexible_server("mysql", azure_id.MYSQL_FLEXIBLE_SERVER),
    azure_id.SQL_SERVER: sql_server,
    azure_id.SQL_DATABASE: sql_database,
    azure_id.SQL_FAILOVER_GROUP: failover_group,
    azure_id.COSMOS_ACCOUNT: cosmos_account,
}
