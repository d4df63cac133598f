"""
## What it checks
Managed databases whose data has no copy outside their region:

- **PostgreSQL and MySQL flexible servers** without geo-redundant backup and without a read
  replica (a server created in `Replica` mode whose source is this server, in any file or format)
  in another region. Read replicas themselves are not reported: they are the copy.
- **Azure SQL databases** that no failover group lists in its `databases` and that have no
  geo-secondary (a database created in `Secondary` mode from this one). The `master` database and
  geo-secondaries themselves are not reported. Membership is what is checked: the region of the
  partner server or secondary is not compared. Geo-redundant backups (the default) do not make up
  for it — they allow a manual geo-restore only; the message says when even those are kept in the
  database's region (`storage_account_type`, `requestedBackupStorageRedundancy` `Local`/`Zone`).
- **Cosmos DB accounts** with a single region (one entry in `locations` / one `geo_location`,
  whatever region it resolves to; two entries are two regions, as Cosmos DB rejects a region
  listed twice).

A region, reference or setting the check needs that cannot be resolved statically (a replica's
region, a failover group's database list, a parameter for the Cosmos DB locations) is reported as
unresolved (BCDR002) instead of a finding, and only where it could change the verdict: a failover
group whose list is unknown holds back findings only for the databases of its own server.

## Why it matters
AKS clusters can be rebuilt in the paired region from code in minutes; the data cannot. A server
with backups in one region and no replica elsewhere has nothing to restore from when that region
is down, an Azure SQL database outside a failover group needs a manual geo-restore (hours, and
only from geo-redundant backups) with a new connection string, and a single-region Cosmos DB
account is unavailable for reads and writes for as long as its region is.

## Example
```hcl
resource "azurerm_postgresql_flexible_server" "orders" {
  name                         = "psql-contoso-orders"
  location                     = "eastus2"
  geo_redundant_backup_enabled = false
}

resource "azurerm_mssql_database" "billing" {
  name      = "billing"
  server_id = azurerm_mssql_server.primary.id # in no failover group
}

resource "azurerm_cosmosdb_account" "sessions" {
  geo_location {
    location          = "eastus2"
    failover_priority = 0
  }
}
```
```json
{
  "type": "Microsoft.DBforPostgreSQL/flexibleServers",
  "name": "psql-tailspin-bookings",
  "location": "westeurope",
  "properties": { "backup": { "geoRedundantBackup": "Disabled" } }
}
```

## Use instead
```hcl
resource "azurerm_postgresql_flexible_server" "orders" {
  geo_redundant_backup_enabled = true # or a read replica in another region
}

resource "azurerm_mssql_failover_group" "billing" {
  name      = "fog-contoso-billing"
  server_id = azurerm_mssql_server.primary.id
  databases = [azurerm_mssql_database.billing.id]
  partner_server {
    id = azurerm_mssql_server.secondary.id # in the paired region
  }
  read_write_endpoint_failover_policy {
    mode          = "Automatic"
    grace_minutes = 60
  }
}

resource "azurerm_cosmosdb_account" "sessions" {
  automatic_failover_enabled = true
  geo_location {
    location          = "eastus2"
    failover_priority = 0
  }
  geo_location {
    location          = "centralus"
    failover_priority = 1
  }
}
```
```bicep
resource fog 'Microsoft.Sql/servers/failoverGroups@2023-05-01-preview' = {
  parent: primary
  name: 'fog-tailspin'
  properties: {
    readWriteEndpoint: { failoverPolicy: 'Automatic', failoverWithDataLossGracePeriodMinutes: 60 }
    partnerServers: [ { id: secondary.id } ]
    databases: [ inventory.id ]
  }
}
```

## References
- https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-business-continuity
- https://learn.microsoft.com/azure/mysql/flexible-server/concepts-business-continuity
- https://learn.microsoft.com/azure/azure-sql/database/failover-group-sql-db
- https://learn.microsoft.com/azure/cosmos-db/high-availability
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from bcdr_lint.findings import Finding
from bcdr_lint.model import Kind, Model, Ref, Resource, Unresolved
from bcdr_lint.rules.base import related, rule
from bcdr_lint.rules.common import Unknown, placement, ref_target, region_of

ENGINES = {"postgresql": "PostgreSQL flexible server", "mysql": "MySQL flexible server"}
GEO_SECONDARY = frozenset({"secondary", "onlinesecondary"})
# Backup storage of an Azure SQL database that keeps no copy outside its region.
SINGLE_REGION_BACKUPS = {"local": "locally redundant", "zone": "zone-redundant"}


@rule(
    id="BCDR602",
    name="database-without-geo-redundancy",
    level="warning",
    summary="A managed database has no failover copy in another region (flexible server: no geo-redundant backup "
            "or replica; SQL database: no failover group or geo-secondary; Cosmos DB: one region).",
    help_uri="https://learn.microsoft.com/azure/azure-sql/database/failover-group-sql-db",
    tags=("data", "multi-region"),
)
def check(model: Model) -> Iterator[Finding]:
    yield from _flexible_servers(model)
    yield from _sql_databases(model)
    yield from _cosmos_accounts(model)


# -- PostgreSQL / MySQL flexible servers ---------------------------------------------------


def _flexible_servers(model: Model) -> Iterator[Finding]:
    servers = model.of_kind(Kind.DATABASE_SERVER)
    # Replicas whose primary the model cannot tell: each may be the cross-region copy a server lacks.
    unplaced = [
        (replica, owner) for replica in servers
        if replica.get("create_mode") == "replica"
        and isinstance(owner := ref_target(model, replica, "source_server"), Unresolved)
    ]
    for server in servers:
        if server.get("create_mode") == "replica" or server.get("geo_redundant_backup") is True:
            continue
        yield from _server_verdict(model, server, unplaced)


def _server_verdict(model: Model, server: Resource, unplaced: list[tuple[Resource, Unresolved]]) -> Iterator[Finding]:
    home = region_of(server)
    notes: list[Finding] = []
    same_region: list[Resource] = []
    home_needed = False
    for copy in model.referrers(server, "source_server"):
        mode = copy.get("create_mode")
        if isinstance(mode, Unresolved):
            notes.append(RULE.unresolved(copy, "create_mode", mode, "create mode"))
            continue
        if mode != "replica":
            continue  # a restore or copy made once from this server keeps no copy up to date
        place = placement(copy)
        if isinstance(place, Unknown):
            notes.append(place.note(RULE))
        elif not isinstance(home, str):
            home_needed = True  # the replica's region is known, the primary's is not
        elif place != home:
            return  # a replica in another region
        else:
            same_region.append(copy)
    if home_needed and isinstance(home, Unresolved):
        notes.append(RULE.unresolved(server, "region", home))
    for replica, owner in unplaced:
        if replica is not server and (not isinstance(home, str) or replica.region != home):
            notes.append(RULE.unresolved(replica, "source_server", owner, "primary server"))
    geo = server.get("geo_redundant_backup")
    if isinstance(geo, Unresolved):
        notes.append(RULE.unresolved(server, "geo_redundant_backup", geo, "geo-redundant backup"))
    mode = server.get("create_mode")
    if isinstance(mode, Unresolved):  # it may be a replica, itself the copy
        notes.append(RULE.unresolved(server, "create_mode", mode, "create mode"))
    if notes:
        yield from notes
        return
    what = ENGINES.get(str(server.get("engine")), "database server")
    where = f" in {home}" if isinstance(home, str) else ""
    replicas = f" (its read replicas are in {home} too)" if same_region else ""
    yield RULE.at(
        server,
        f"{what} '{server.name}'{where} has no geo-redundant backup and no read replica in another region"
        f"{replicas}: when the region fails there is no copy to restore or promote; enable geo-redundant "
        "backup (set when the server is created) or add a read replica in the paired region",
        attr="geo_redundant_backup",
        related=[related(copy, f"read replica '{copy.name}' in {copy.region}", "region") for copy in same_region],
    )


# -- Azure SQL databases -------------------------------------------------------------------


def _sql_databases(model: Model) -> Iterator[Finding]:
    databases = model.of_kind(Kind.SQL_DATABASE)
    if not databases:
        return
    covered: set[str] = set()
    # Why a database may be covered without the model being able to tell, by the key of the server
    # whose databases it concerns (None: any server's), or by the key of the database itself.
    maybe_on_server: dict[str | None, list[Finding]] = defaultdict(list)
    maybe_database: dict[str, list[Finding]] = defaultdict(list)
    for group in model.of_kind(Kind.SQL_FAILOVER_GROUP):
        _failover_group(model, group, covered, maybe_on_server, maybe_database)
    for database in databases:
        if database.get("create_mode") in GEO_SECONDARY:
            _geo_secondary(model, database, covered, maybe_on_server, maybe_database)
    for database in databases:
        name = str(database.name).rsplit("/", 1)[-1].lower()
        mode = database.get("create_mode")
        if name == "master" or mode in GEO_SECONDARY or database.key in covered:
            continue
        server = ref_target(model, database, "server")
        notes = list(maybe_database.get(database.key, ()))
        if isinstance(server, Resource):
            notes += maybe_on_server.get(server.key, []) + maybe_on_server.get(None, [])
        else:  # the database's server is unknown: any group's unknown list may hold it
            notes += [note for found in maybe_on_server.values() for note in found]
        if isinstance(mode, Unresolved):  # it may be a geo-secondary, itself the copy
            notes.append(RULE.unresolved(database, "create_mode", mode, "create mode"))
        if notes:
            yield from notes
            continue
        on = f" on server '{server.name}'" if isinstance(server, Resource) else ""
        backups = database.get("backup_redundancy")
        if backups in SINGLE_REGION_BACKUPS:
            outcome = (f"its backups stay in its region ({SINGLE_REGION_BACKUPS[backups]} backup storage), so when "
                       "the region fails there is no copy to restore")
        else:  # geo-redundant backups, the default (or a value that is not known: the milder claim)
            outcome = ("when its region fails it can only be geo-restored from backups, by hand, to a new server "
                       "and connection string")
        yield RULE.at(
            database,
            f"SQL database '{_short(database)}'{on} is in no failover group and has no geo-secondary: {outcome}; "
            "add it to a failover group with a partner server in another region",
            related=[related(server, f"{server.label} in {server.region}", "region")] if isinstance(server, Resource) else [],
        )


def _failover_group(model: Model, group: Resource, covered: set[str],
                    maybe_on_server: dict[str | None, list[Finding]], maybe_database: dict[str, list[Finding]]) -> None:
    deployed = group.get("deployed")
    server = ref_target(model, group, "server")
    scope = server.key if isinstance(server, Resource) else None
    for entry in group.get("databases") or ():
        if isinstance(entry, Unresolved):
            maybe_on_server[scope].append(RULE.unresolved(group, "databases", entry, "databases"))
            continue
        if not isinstance(entry, Ref):
            continue
        candidates = model.candidates(entry, near=group)
        if len(candidates) > 1:
            places = ", ".join(sorted({f"{c.location.path}:{c.location.start_line}" for c in candidates}))
            value = Unresolved(str(entry), f"it matches {len(candidates)} resources of the model ({places})",
                               group.loc("databases"))
            for candidate in candidates:
                maybe_database[candidate.key].append(RULE.unresolved(group, "databases", value, "databases"))
        elif candidates and isinstance(deployed, Unresolved):
            maybe_database[candidates[0].key].append(RULE.unresolved(group, "deployed", deployed, "whether it is deployed"))
        elif candidates:
            covered.add(candidates[0].key)


def _geo_secondary(model: Model, secondary: Resource, covered: set[str],
                   maybe_on_server: dict[str | None, list[Finding]], maybe_database: dict[str, list[Finding]]) -> None:
    source = ref_target(model, secondary, "source_database")
    deployed = secondary.get("deployed")
    if isinstance(source, Unresolved):
        maybe_on_server[None].append(RULE.unresolved(secondary, "source_database", source, "source database"))
    elif isinstance(source, Resource) and isinstance(deployed, Unresolved):
        maybe_database[source.key].append(RULE.unresolved(secondary, "deployed", deployed, "whether it is deployed"))
    elif isinstance(source, Resource):
        covered.add(source.key)


def _short(database: Resource) -> str:
    return str(database.name).rsplit("/", 1)[-1]


# -- Cosmos DB -----------------------------------------------------------------------------


def _cosmos_accounts(model: Model) -> Iterator[Finding]:
    for account in model.of_kind(Kind.COSMOS_ACCOUNT):
        entries = account.get("locations")
        # Each location written is one region, whatever it resolves to: Cosmos DB rejects a region
        # listed twice. Only a loop of unknown length (one entry standing for all) leaves it open.
        written = [e for e in entries or () if not e.get("count_unknown")]
        looped = [e["region"] for e in entries or () if e.get("count_unknown")]
        if len(written) >= 2:
            continue
        if looped:
            for value in looped:
                yield RULE.unresolved(account, "locations", value, "locations (regions)")
            continue
        # No locations written: the account lives in its own location only.
        region = written[0].get("region") if written else account.region
        where = f" ({region})" if isinstance(region, (str, Unresolved)) else ""
        yield RULE.at(
            account,
            f"{account.label} has a single region{where}: when it fails the account is unavailable for reads "
            "and writes; add a second region (failover priority 1) and enable service-managed failover",
            attr="locations",
        )


RULE = check
