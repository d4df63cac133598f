"""Data services in the loaders: storage accounts, PostgreSQL/MySQL flexible servers, Azure SQL
(servers, databases, failover groups, legacy azurerm_sql_*) and Cosmos DB accounts, from ARM and
Terraform, with their attributes, positions and references."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from bcdr_lint.loaders.arm import load_file
from bcdr_lint.loaders.arm_resources_data import split_storage_sku
from bcdr_lint.loaders.terraform import load_module
from bcdr_lint.model import Kind, Model, Ref, Resource, Unresolved
from bcdr_lint.model import azure_id

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def arm(resources: list, parameters: dict | None = None, name: str = "t.json") -> dict[str, Resource]:
    template = {"$schema": SCHEMA, "contentVersion": "1.0.0.0", "parameters": parameters or {}, "resources": resources}
    Path(name).write_text(json.dumps(template, indent=2), encoding="utf-8")
    result = load_file(name)
    assert result.errors == []
    return {str(r.name): r for r in result.resources}


def terraform(text: str, folder: str = "tf") -> dict[str, Resource]:
    Path(folder).mkdir(exist_ok=True)
    Path(folder, "main.tf").write_text(textwrap.dedent(text), encoding="utf-8")
    result = load_module(folder, [f"{folder}/main.tf"])
    assert result.errors == []
    return {r.key.split(":", 2)[2]: r for r in result.resources}


def line_of(path: str, text: str) -> int:
    """The line of ``path`` that holds ``text`` (written once)."""
    (found,) = [n for n, line in enumerate(Path(path).read_text().splitlines(), 1) if text in line]
    return found


def lines(resource: Resource) -> dict[str, int]:
    return {attr: loc.start_line for attr, loc in resource.attr_locations.items()}


# -- storage accounts ----------------------------------------------------------------------


@pytest.mark.parametrize("sku, expected", [
    ("standard_ragzrs", ("standard", "ragzrs")),
    ("premium_lrs", ("premium", "lrs")),
    ("premiumv2_zrs", ("premium", "zrs")),
    ("standardv2_gzrs", ("standard", "gzrs")),
])
def test_storage_sku_splits_into_tier_and_replication(sku, expected):
    assert split_storage_sku(sku) == expected


@pytest.mark.parametrize("sku", ["standard", "standard_xyz", "_lrs"])
def test_text_that_is_no_storage_sku_is_unresolved(sku):
    tier, replication = split_storage_sku(sku)
    assert isinstance(replication, Unresolved) and tier is replication
    assert "not a storage SKU" in replication.reason


def test_arm_storage_account():
    found = arm([{
        "type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-05-01", "name": "st1",
        "location": "West Europe", "kind": "BlockBlobStorage", "sku": {"name": "Premium_ZRS"},
    }])
    account = found["st1"]
    assert (account.kind, account.region, account.azure_type, account.azure_names) == (
        Kind.STORAGE_ACCOUNT, "westeurope", azure_id.STORAGE_ACCOUNT, ("st1",))
    assert dict(account.attrs) == {"sku": "premium_zrs", "tier": "premium", "replication": "zrs",
                                   "account_kind": "blockblobstorage"}
    assert lines(account)["replication"] == lines(account)["sku"] == line_of("t.json", '"Premium_ZRS"')


def test_arm_storage_account_with_a_bad_sku_is_unresolved_at_the_sku():
    account = arm([{
        "type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-05-01", "name": "st1",
        "location": "westeurope", "sku": {"name": "Hot"},
    }])["st1"]
    replication = account.get("replication")
    assert isinstance(replication, Unresolved) and replication.location.start_line == line_of("t.json", '"Hot"')


def test_terraform_storage_account():
    account = terraform('''
        resource "azurerm_storage_account" "st" {
          name                     = "fabrikamst"
          resource_group_name      = "rg"
          location                 = "East US 2"
          account_tier             = "Standard"
          account_replication_type = "RAGRS"
        }
    ''')["azurerm_storage_account.st"]
    assert (account.kind, account.region, account.azure_names, account.resource_group) == (
        Kind.STORAGE_ACCOUNT, "eastus2", ("fabrikamst",), "rg")
    assert dict(account.attrs) == {"tier": "standard", "replication": "ragrs", "sku": "standard_ragrs"}
    assert lines(account) == {"tier": 6, "replication": 7, "sku": 7, "name": 3, "region": 5}


# -- PostgreSQL and MySQL flexible servers ---------------------------------------------------


def test_arm_flexible_servers_and_a_replica_reference():
    found = arm([
        {"type": "Microsoft.DBforPostgreSQL/flexibleServers", "apiVersion": "2023-06-01-preview", "name": "pg",
         "location": "eastus2", "properties": {"backup": {"geoRedundantBackup": "Enabled"}}},
        {"type": "Microsoft.DBforMySQL/flexibleServers", "apiVersion": "2023-12-30", "name": "my-r",
         "location": "centralus", "properties": {
             "createMode": "Replica",
             "sourceServerResourceId": "[resourceId('Microsoft.DBforMySQL/flexibleServers', 'my')]"}},
    ])
    pg, replica = found["pg"], found["my-r"]
    assert (pg.kind, dict(pg.attrs)) == (Kind.DATABASE_SERVER, {"engine": "postgresql", "geo_redundant_backup": True})
    assert pg.azure_type == azure_id.POSTGRESQL_FLEXIBLE_SERVER
    assert dict(replica.attrs) == {"engine": "mysql", "create_mode": "replica"}
    assert replica.refs["source_server"] == Ref(type=azure_id.MYSQL_FLEXIBLE_SERVER, names=("my",),
                                                text="resourceId('Microsoft.DBforMySQL/flexibleServers', 'my')")


def test_terraform_flexible_servers_and_a_replica_reference():
    found = terraform('''
        resource "azurerm_mysql_flexible_server" "main" {
          name                         = "mysql-main"
          resource_group_name          = "rg"
          location                     = "eastus2"
          geo_redundant_backup_enabled = "false"
        }
        resource "azurerm_mysql_flexible_server" "replica" {
          name                = "mysql-replica"
          resource_group_name = "rg"
          location            = "centralus"
          create_mode         = "Replica"
          source_server_id    = azurerm_mysql_flexible_server.main.id
        }
    ''')
    main, replica = found["azurerm_mysql_flexible_server.main"], found["azurerm_mysql_flexible_server.replica"]
    assert dict(main.attrs) == {"engine": "mysql", "geo_redundant_backup": False}
    assert lines(main)["geo_redundant_backup"] == 6
    assert replica.get("create_mode") == "replica" and lines(replica)["source_server"] == 13
    assert Model([main, replica]).target(replica, "source_server") is main


# -- Azure SQL -----------------------------------------------------------------------------


def test_arm_sql_server_nested_database_and_failover_group_by_ids():
    found = arm([{
        "type": "Microsoft.Sql/servers", "apiVersion": "2023-05-01-preview", "name": "sql-a", "location": "westeurope",
        "resources": [
            {"type": "databases", "apiVersion": "2023-05-01-preview", "name": "orders", "location": "westeurope",
             "sku": {"name": "GP_Gen5_2"},
             "properties": {"createMode": "Secondary", "sourceDatabaseId": "[resourceId('Microsoft.Sql/servers/databases', 'sql-z', 'orders')]"}},
            {"type": "failoverGroups", "apiVersion": "2023-05-01-preview", "name": "fog",
             "properties": {
                 "partnerServers": [{"id": "[resourceId('Microsoft.Sql/servers', 'sql-b')]"}],
                 "databases": ["[resourceId('Microsoft.Sql/servers/databases', 'sql-a', 'orders')]", "[parameters('extra')]"],
             }},
        ],
    }], parameters={"extra": {"type": "string"}})
    server, database, group = found["sql-a"], found["sql-a/orders"], found["sql-a/fog"]
    assert (server.kind, server.azure_type) == (Kind.SQL_SERVER, azure_id.SQL_SERVER)
    assert (database.kind, database.azure_names) == (Kind.SQL_DATABASE, ("sql-a", "orders"))
    assert dict(database.attrs) == {"sku": "gp_gen5_2", "create_mode": "secondary"}
    assert database.refs["source_database"].names == ("sql-z", "orders")
    assert group.kind is Kind.SQL_FAILOVER_GROUP
    first, second = group.get("databases")
    assert first.names == ("sql-a", "orders") and isinstance(second, Unresolved)
    assert group.get("partner_servers")[0].names == ("sql-b",) and group.refs["partner_server"].names == ("sql-b",)
    model = Model(found.values())
    assert model.target(database, "server") is server and model.target(group, "server") is server
    assert model.resolve(first, near=group) is database
    # Each id of the list is located at its entry.
    assert group.loc("databases[0]").start_line < group.loc("databases[1]").start_line


def test_arm_failover_group_databases_from_a_copy_loop_are_unknown_not_absent():
    group = arm([{
        "type": "Microsoft.Sql/servers/failoverGroups", "apiVersion": "2023-05-01-preview", "name": "sql-a/fog",
        "properties": {
            "partnerServers": [{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/sql-b"}],
            "copy": [{"name": "databases", "count": 2, "input": "[resourceId('Microsoft.Sql/servers/databases', 'sql-a', concat('db', copyIndex('databases')))]"}],
        },
    }])["sql-a/fog"]
    (entry,) = group.get("databases")
    assert isinstance(entry, Unresolved) and "copy" in entry.expression


def test_terraform_mssql_database_and_failover_group():
    found = terraform('''
        resource "azurerm_mssql_server" "primary" {
          name                = "sql-primary"
          resource_group_name = "rg-data"
          location            = "eastus2"
        }
        resource "azurerm_mssql_database" "db" {
          name      = "orders"
          server_id = azurerm_mssql_server.primary.id
          sku_name  = "S2"
        }
        resource "azurerm_mssql_failover_group" "fog" {
          name      = "fog-orders"
          server_id = azurerm_mssql_server.primary.id
          databases = [azurerm_mssql_database.db.id, "/subscriptions/s/resourceGroups/rg-data/providers/Microsoft.Sql/servers/sql-primary/databases/audit"]
          partner_server {
            id = "/subscriptions/s/resourceGroups/rg-dr/providers/Microsoft.Sql/servers/sql-secondary"
          }
        }
    ''')
    server, database, group = (found[k] for k in (
        "azurerm_mssql_server.primary", "azurerm_mssql_database.db", "azurerm_mssql_failover_group.fog"))
    # The database takes its Azure identity and group from its server's block.
    assert (database.azure_type, database.azure_names, database.resource_group) == (
        azure_id.SQL_DATABASE, ("sql-primary", "orders"), "rg-data")
    assert database.region is None and dict(database.attrs) == {"sku": "s2"}
    assert group.azure_names == ("sql-primary", "fog-orders")
    exact, by_id = group.get("databases")
    assert exact.key == database.key
    assert (by_id.type, by_id.names, by_id.resource_group) == (azure_id.SQL_DATABASE, ("sql-primary", "audit"), "rg-data")
    assert group.refs["partner_server"].names == ("sql-secondary",)
    assert lines(group)["databases"] == 15 and lines(group)["partner_server"] == 16
    model = Model(found.values())
    assert model.target(database, "server") is server and model.target(group, "server") is server


def test_terraform_legacy_sql_resources_name_their_server():
    found = terraform('''
        resource "azurerm_sql_server" "primary" {
          name                = "sql-legacy"
          resource_group_name = "rg-old"
          location            = "westeurope"
        }
        resource "azurerm_sql_database" "db" {
          name                = "orders"
          resource_group_name = "rg-old"
          location            = "westeurope"
          server_name         = azurerm_sql_server.primary.name
        }
        resource "azurerm_sql_database" "copy" {
          name                = "orders"
          resource_group_name = "rg-dr"
          location            = "northeurope"
          server_name         = "sql-legacy-dr"
          create_mode         = "OnlineSecondary"
          source_database_id  = azurerm_sql_database.db.id
        }
        resource "azurerm_sql_failover_group" "fog" {
          name                = "fog-legacy"
          resource_group_name = "rg-old"
          server_name         = azurerm_sql_server.primary.name
          databases           = [azurerm_sql_database.db.id]
          partner_servers {
            id = "/subscriptions/s/resourceGroups/rg-dr/providers/Microsoft.Sql/servers/sql-legacy-dr"
          }
        }
    ''')
    server, database, secondary, group = (found[k] for k in (
        "azurerm_sql_server.primary", "azurerm_sql_database.db", "azurerm_sql_database.copy", "azurerm_sql_failover_group.fog"))
    assert server.kind is Kind.SQL_SERVER and database.azure_names == ("sql-legacy", "orders")
    assert secondary.refs["server"] == Ref(type=azure_id.SQL_SERVER, names=("sql-legacy-dr",), resource_group="rg-dr",
                                           text='"sql-legacy-dr"')
    assert secondary.get("create_mode") == "onlinesecondary"
    model = Model(found.values())
    assert model.target(database, "server") is server and model.target(group, "server") is server
    assert model.target(secondary, "source_database") is database
    assert model.resolve(group.get("databases")[0]) is database
    assert group.get("partner_servers")[0].names == ("sql-legacy-dr",)


# -- Cosmos DB -----------------------------------------------------------------------------


def test_arm_cosmos_locations_written_and_from_a_copy_loop():
    found = arm([
        {"type": "Microsoft.DocumentDB/databaseAccounts", "apiVersion": "2024-05-15", "name": "written",
         "location": "westeurope", "properties": {
             "enableAutomaticFailover": True, "enableMultipleWriteLocations": False,
             "locations": [{"locationName": "West Europe", "failoverPriority": 0},
                           {"locationName": "North Europe", "failoverPriority": 1}]}},
        {"type": "Microsoft.DocumentDB/databaseAccounts", "apiVersion": "2024-05-15", "name": "looped",
         "location": "westeurope", "properties": {
             "copy": [{"name": "locations", "count": "[length(parameters('regions'))]",
                       "input": {"locationName": "[parameters('regions')[copyIndex('locations')]]",
                                 "failoverPriority": "[copyIndex('locations')]"}}]}},
    ], parameters={"regions": {"type": "array", "defaultValue": ["swedencentral", "norwayeast"]}})
    written, looped = found["written"], found["looped"]
    assert dict(written.attrs) == {
        "automatic_failover": True, "multiple_write_locations": False,
        "locations": [{"region": "westeurope", "failover_priority": 0}, {"region": "northeurope", "failover_priority": 1}],
    }
    assert written.loc("locations[1]").start_line > written.loc("locations[0]").start_line
    assert looped.get("locations") == [{"region": "swedencentral", "failover_priority": 0},
                                       {"region": "norwayeast", "failover_priority": 1}]


def test_arm_cosmos_locations_from_a_loop_of_unknown_count_are_unknown():
    account = arm([
        {"type": "Microsoft.DocumentDB/databaseAccounts", "apiVersion": "2024-05-15", "name": "looped",
         "location": "westeurope", "properties": {
             "copy": [{"name": "locations", "count": "[length(parameters('regions'))]",
                       "input": {"locationName": "westeurope", "failoverPriority": 0}}]}},
    ], parameters={"regions": {"type": "array"}})["looped"]
    (entry,) = account.get("locations")
    assert isinstance(entry["region"], Unresolved) and "number of locations is unknown" in entry["region"].reason
    assert entry["count_unknown"] is True  # one entry standing for all: not one region


def test_terraform_cosmos_account_both_provider_spellings():
    found = terraform('''
        resource "azurerm_cosmosdb_account" "v4" {
          name                             = "cosmos-v4"
          resource_group_name              = "rg"
          location                         = "eastus2"
          offer_type                       = "Standard"
          automatic_failover_enabled       = true
          multiple_write_locations_enabled = true
          geo_location {
            location          = "eastus2"
            failover_priority = 0
          }
          geo_location {
            location          = "Central US"
            failover_priority = 1
          }
        }
        resource "azurerm_cosmosdb_account" "v3" {
          name                      = "cosmos-v3"
          resource_group_name       = "rg"
          location                  = "eastus2"
          offer_type                = "Standard"
          enable_automatic_failover = false
          geo_location {
            location          = "eastus2"
            failover_priority = 0
          }
        }
    ''')
    v4, v3 = found["azurerm_cosmosdb_account.v4"], found["azurerm_cosmosdb_account.v3"]
    assert v4.kind is Kind.COSMOS_ACCOUNT and v4.azure_type == azure_id.COSMOS_ACCOUNT
    assert dict(v4.attrs) == {
        "automatic_failover": True, "multiple_write_locations": True,
        "locations": [{"region": "eastus2", "failover_priority": 0}, {"region": "centralus", "failover_priority": 1}],
    }
    assert lines(v4)["locations"] == lines(v4)["locations[0]"] == 9 and lines(v4)["locations[1]"] == 13
    assert dict(v3.attrs) == {"automatic_failover": False, "locations": [{"region": "eastus2", "failover_priority": 0}]}


def test_terraform_unknown_count_marks_data_services_as_maybe_deployed():
    found = terraform('''
        variable "enabled" {
          type = bool
        }
        resource "azurerm_storage_account" "st" {
          count                    = var.enabled ? 1 : 0
          name                     = "st"
          resource_group_name      = "rg"
          location                 = "eastus2"
          account_tier             = "Standard"
          account_replication_type = "LRS"
        }
    ''')
    assert isinstance(found["azurerm_storage_account.st"].get("deployed"), Unresolved)


def test_sql_database_backup_storage_redundancy():
    found = terraform('''
        resource "azurerm_mssql_server" "primary" {
          name                = "sql-primary"
          resource_group_name = "rg-data"
          location            = "eastus2"
        }
        resource "azurerm_mssql_database" "local" {
          name                 = "scratch"
          server_id            = azurerm_mssql_server.primary.id
          storage_account_type = "Local"
        }
        resource "azurerm_mssql_database" "default" {
          name      = "orders"
          server_id = azurerm_mssql_server.primary.id
        }
    ''')
    local, default = found["azurerm_mssql_database.local"], found["azurerm_mssql_database.default"]
    assert local.get("backup_redundancy") == "local" and lines(local)["backup_redundancy"] == 10
    assert default.get("backup_redundancy") is None  # the default: geo-redundant backups
    database = arm([{
        "type": "Microsoft.Sql/servers/databases", "apiVersion": "2023-05-01-preview", "name": "sql-a/reports",
        "location": "westeurope", "properties": {"requestedBackupStorageRedundancy": "Zone"},
    }])["sql-a/reports"]
    assert database.get("backup_redundancy") == "zone"
