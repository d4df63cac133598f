"""azurerm builders for data services: storage accounts, PostgreSQL and MySQL flexible servers,
Azure SQL (``azurerm_mssql_*`` and the legacy ``azurerm_sql_*``: servers, databases, failover
groups) and Cosmos DB accounts — the contract in ``model/resource.py``.

These types are not in ``terraform_types.IDENTITIES``: each builder states its Azure type and
name path itself, so that ids written as literals (in ARM or Terraform) find these resources,
while ``azurerm_mssql_server.x.id`` still refers to its block exactly (by key).
"""

from __future__ import annotations

from typing import Any, Callable

from bcdr_lint.loaders.terraform_eval import MISSING
from bcdr_lint.loaders.terraform_hcl import Block
from bcdr_lint.loaders.terraform_resources import ResourceBuilder, _Draft
from bcdr_lint.loaders.terraform_types import resource_key
from bcdr_lint.model import Kind, Ref, Resource, Unresolved, lower_or_none, normalize_region
from bcdr_lint.model import azure_id
from bcdr_lint.model.azure_id import ref_from_azure_id

Build = Callable[[ResourceBuilder, str, Block], list[Resource]]


def _own(b: ResourceBuilder, kind: Kind, address: str, block: Block, draft: _Draft, azure_type: str,
         parent: tuple[tuple[str, ...], Any] | None = None) -> Resource:
    """A resource named by its ``name`` argument; ``parent`` is (names, resource group) of the
    server a database or failover group belongs to (it has no group of its own)."""
    b._put(draft, "name", block, "name")
    b._put(draft, "region", block, "location", normalize_region)
    name = draft.attrs.get("name")
    if parent is None:
        prefix: tuple[str, ...] | None = ()
        group = b._value(block, "resource_group_name")
    else:
        prefix = parent[0] or None  # the server's name is unknown: so is this resource's id
        group = parent[1]
    names = (*prefix, name) if prefix is not None and isinstance(name, str) else ()
    return b._make(kind, resource_key(b.folder, address), block, draft, name=name,
                   azure_type=azure_type, names=names, group=group)


def _located_ref(b: ResourceBuilder, draft: _Draft, ref_name: str, block: Block, argument: str) -> Ref | Unresolved | None:
    ref = b._id_ref(block, argument)
    if ref is not None:
        draft.refs[ref_name] = ref
        draft.locations[ref_name] = block.arguments[argument].location
    return ref


def _server_of(b: ResourceBuilder, ref: Ref | Unresolved | None) -> tuple[tuple[str, ...], Any]:
    """(name path, resource group) of the server a reference points at, where known: from the id,
    or — for ``azurerm_mssql_server.x.id`` — from that block's own arguments."""
    if not isinstance(ref, Ref):
        return (), None
    if ref.names:
        return ref.names, ref.resource_group
    prefix = resource_key(b.folder, "")
    if ref.key and ref.key.startswith(prefix):
        block = b.ev.scope.resources.get(ref.key[len(prefix):])
        if block is not None:
            name = b.ev.raw(block, "name")
            group = b.ev.raw(block, "resource_group_name")
            return ((name,) if isinstance(name, str) else ()), (group if isinstance(group, str) else None)
    return (), ref.resource_group


def _named_server(b: ResourceBuilder, draft: _Draft, block: Block, argument: str, server_type: str) -> Ref | Unresolved | None:
    """The legacy resources name their server (``server_name``): exactly when the argument is
    ``azurerm_sql_server.x.name``, else by name and the block's resource group."""
    arg = block.arguments.get(argument)
    if arg is None:
        return None
    address = b.ev.resource_reference(arg, "name")
    target = b.ev.scope.resources.get(address) if address else None
    ref: Ref | Unresolved
    if target is not None and target.resource_type == server_type:
        ref = b.ev.ref_to(target, address, arg.text)
        names, group = _server_of(b, ref)
        ref = Ref(type=azure_id.SQL_SERVER, names=names, resource_group=group, key=ref.key, text=arg.text)
    else:
        value = b.ev.argument(block, argument)
        group = b.ev.raw(block, "resource_group_name")
        if isinstance(value, str):
            ref = Ref(type=azure_id.SQL_SERVER, names=(value,), resource_group=group if isinstance(group, str) else None,
                      text=arg.text)
        elif isinstance(value, Unresolved):
            ref = value
        else:
            ref = Unresolved(arg.text, "not a server name", arg.location)
    draft.refs["server"] = ref
    draft.locations["server"] = arg.location
    return ref


def _id_list(b: ResourceBuilder, draft: _Draft, attr: str, block: Block, argument: str) -> None:
    """A list argument of resource ids (``databases = [azurerm_mssql_database.db.id]``)."""
    arg = block.arguments.get(argument)
    if arg is None:
        return
    value = b.ev.argument(block, argument)
    draft.locations[attr] = arg.location
    if value is None:
        draft.attrs[attr] = []
        return
    if isinstance(value, Unresolved):
        draft.attrs[attr] = [value]
        return
    if not isinstance(value, (list, tuple)):
        draft.attrs[attr] = [Unresolved(arg.text, "expected a list of resource ids", arg.location)]
        return
    draft.attrs[attr] = [_as_ref(item, arg.text, arg.location) for item in value]


def _as_ref(value: Any, text: str, location: Any) -> Ref | Unresolved:
    if isinstance(value, (Ref, Unresolved)):
        return value
    if isinstance(value, str):
        ref = ref_from_azure_id(value)
        if ref is not None:
            return ref
    return Unresolved(text if value is None else str(value), "not an Azure resource id", location)


def _boolean(value: Any) -> Any:
    # Terraform converts the strings "true" and "false" where a bool is expected.
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return Unresolved(str(value), "expected true or false")


# -- storage -------------------------------------------------------------------------------


def _storage_account(b: ResourceBuilder, address: str, block: Block) -> list[Resource]:
    draft = _Draft()
    b._put(draft, "tier", block, "account_tier", lower_or_none)
    b._put(draft, "replication", block, "account_replication_type", lower_or_none)
    b._put(draft, "account_kind", block, "account_kind", lower_or_none)
    tier, replication = draft.attrs.get("tier"), draft.attrs.get("replication")
    if isinstance(tier, str) and isinstance(replication, str):
        draft.attrs["sku"] = f"{tier}_{replication}"
    elif isinstance(replication, Unresolved) or isinstance(tier, Unresolved):
        draft.attrs["sku"] = replication if isinstance(replication, Unresolved) else tier
    if "sku" in draft.attrs:
        draft.locations["sku"] = draft.locations.get("replication") or draft.locations["tier"]
    return [_own(b, Kind.STORAGE_ACCOUNT, address, block, draft, azure_id.STORAGE_ACCOUNT)]


# -- PostgreSQL and MySQL flexible servers -------------------------------------------------


def _flexible_server(engine: str, azure_type: str) -> Build:
    def build(b: ResourceBuilder, address: str, block: Block) -> list[Resource]:
        draft = _Draft(attrs={"engine": engine})
        b._put(draft, "geo_redundant_backup", block, "geo_redundant_backup_enabled", _boolean)
        b._put(draft, "create_mode", block, "create_mode", lower_or_none)
        _located_ref(b, draft, "source_server", block, "source_server_id")
        return [_own(b, Kind.DATABASE_SERVER, address, block, draft, azure_type)]

    return build


# -- Azure SQL -----------------------------------------------------------------------------


def _sql_server(b: ResourceBuilder, address: str, block: Block) -> list[Resource]:
    return [_own(b, Kind.SQL_SERVER, address, block, _Draft(), azure_id.SQL_SERVER)]


def _mssql_database(b: ResourceBuilder, address: str, block: Block) -> list[Resource]:
    draft = _Draft()
    b._put(draft, "sku", block, "sku_name", lower_or_none)
    b._put(draft, "create_mode", block, "create_mode", lower_or_none)
    b._put(draft, "backup_redundancy", block, "storage_account_type", lower_or_none)
    server = _located_ref(b, draft, "server", block, "server_id")
    _located_ref(b, draft, "source_database", block, "creation_source_database_id")
    return [_own(b, Kind.SQL_DATABASE, address, block, draft, azure_id.SQL_DATABASE, _server_of(b, server))]


def _legacy_sql_database(b: ResourceBuilder, address: str, block: Block) -> list[Resource]:
    draft = _Draft()
    b._put(draft, "sku", block, "requested_service_objective_name", lower_or_none)
    b._put(draft, "create_mode", block, "create_mode", lower_or_none)
    server = _named_server(b, draft, block, "server_name", "azurerm_sql_server")
    _located_ref(b, draft, "source_database", block, "source_database_id")
    return [_own(b, Kind.SQL_DATABASE, address, block, draft, azure_id.SQL_DATABASE, _server_of(b, server))]


def _failover_group(b: ResourceBuilder, address: str, block: Block, server: Ref | Unresolved | None,
                    draft: _Draft, partner_block: str) -> list[Resource]:
    blocks, unknown = b.ev.blocks(block, partner_block)
    partners: list[Ref | Unresolved] = []
    for partner in blocks:
        ref = b._id_ref(partner, "id")
        partners.append(ref if ref is not None else Unresolved(partner_block, "a partner without an id", partner.location))
    partners.extend(unknown)
    if partners:
        draft.attrs["partner_servers"] = partners
        where = blocks[0].location if blocks else unknown[0].location or block.location
        draft.locations["partner_servers"] = draft.locations["partner_server"] = where
        draft.refs["partner_server"] = partners[0]
    _id_list(b, draft, "databases", block, "databases")
    return [_own(b, Kind.SQL_FAILOVER_GROUP, address, block, draft, azure_id.SQL_FAILOVER_GROUP, _server_of(b, server))]


def _mssql_failover_group(b: ResourceBuilder, address: str, block: Block) -> list[Resource]:
    draft = _Draft()
    server = _located_ref(b, draft, "server", block, "server_id")
    return _failover_group(b, address, block, server, draft, "partner_server")


def _legacy_failover_group(b: ResourceBuilder, address: str, block: Block) -> list[Resource]:
    draft = _Draft()
    server = _named_server(b, draft, block, "server_name", "azurerm_sql_server")
    return _failover_group(b, address, block, server, draft, "partner_servers")


# -- Cosmos DB -----------------------------------------------------------------------------


def _cosmos_account(b: ResourceBuilder, address: str, block: Block) -> list[Resource]:
    draft = _Draft()
    # azurerm 4.x names first, then the 3.x spellings they replaced.
    for attr, arguments in (
        ("automatic_failover", ("automatic_failover_enabled", "enable_automatic_failover")),
        ("multiple_write_locations", ("multiple_write_locations_enabled", "enable_multiple_write_locations")),
    ):
        written = next((a for a in arguments if a in block.arguments), None)
        if written is not None:
            b._put(draft, attr, block, written, _boolean)
    blocks, unknown = b.ev.blocks(block, "geo_location")
    locations: list[dict[str, Any]] = []
    for index, geo in enumerate(blocks):
        region = b.ev.argument(geo, "location")
        priority = b.ev.argument(geo, "failover_priority")
        locations.append({
            "region": None if region is MISSING else normalize_region(region),
            "failover_priority": None if priority is MISSING else priority,
        })
        draft.locations[f"locations[{index}]"] = geo.location
    for cause in unknown:
        # A dynamic geo_location whose for_each is unknown: how many regions is unknown.
        draft.locations[f"locations[{len(locations)}]"] = cause.location or block.location
        locations.append({"region": cause, "failover_priority": None, "count_unknown": True})
    if locations:
        draft.attrs["locations"] = locations
        draft.locations["locations"] = draft.locations["locations[0]"]
    return [_own(b, Kind.COSMOS_ACCOUNT, address, block, draft, azure_id.COSMOS_ACCOUNT)]


BUILDERS: dict[str, Build] = {
    "azurerm_storage_account": _storage_account,
    "azurerm_postgresql_flexible_server": _flexible_server("postgresql", azure_id.POSTGRESQL_FLEXIBLE_SERVER),
    "azurerm_mysql_flexible_server": _flexible_server("mysql", azure_id.MYSQL_FLEXIBLE_SERVER),
    "azurerm_mssql_server": _sql_server,
    "azurerm_sql_server": _sql_server,
    "azurerm_mssql_database": _mssql_database,
    "azurerm_sql_database": _legacy_sql_database,
    "azurerm_mssql_failover_group": _mssql_failover_group,
    "azurerm_sql_failover_group": _legacy_failover_group,
    "azurerm_cosmosdb_account": _cosmos_account,
}
