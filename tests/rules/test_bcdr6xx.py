"""BCDR601 storage-not-geo-replicated and BCDR602 database-without-geo-redundancy."""

from tests.helpers import findings_for, run

S = "fixtures/BCDR601"
D = "fixtures/BCDR602"


# -- BCDR601 -------------------------------------------------------------------------------


def test_lrs_and_zrs_accounts_terraform(at_root):
    assert findings_for([f"{S}/bad/terraform"], ["BCDR601"]) == [
        ("BCDR601", f"{S}/bad/terraform/main.tf", 12),
        ("BCDR601", f"{S}/bad/terraform/main.tf", 23),
    ]
    standard, premium = run([f"{S}/bad/terraform"], ["BCDR601"])
    assert "'fabrikamexports' is locally redundant (LRS)" in standard.message
    assert "use geo-redundant storage" in standard.message and "object replication" not in standard.message
    # Premium accounts cannot be geo-redundant: the advice changes, not the verdict.
    assert "'fabrikammedia' is zone-redundant (ZRS)" in premium.message
    assert "Premium accounts offer only LRS or ZRS" in premium.message and "object replication" in premium.message


def test_lrs_and_zrs_accounts_arm(at_root):
    assert findings_for([f"{S}/bad/arm"], ["BCDR601"]) == [
        ("BCDR601", f"{S}/bad/arm/azuredeploy.json", 14),
        ("BCDR601", f"{S}/bad/arm/azuredeploy.json", 23),
    ]
    zrs, premium_file = run([f"{S}/bad/arm"], ["BCDR601"])
    assert "no copy outside westeurope" in zrs.message and "Premium" not in zrs.message
    assert "'tailspinshares' is locally redundant (LRS)" in premium_file.message
    assert "Premium accounts offer only LRS or ZRS" in premium_file.message


def test_geo_redundant_accounts_pass(at_root):
    assert findings_for([f"{S}/good"], ["BCDR601", "BCDR002"]) == []


def test_unresolved_sku_is_a_note_not_a_guess(at_root):
    assert findings_for([f"{S}/unresolved"], ["BCDR601", "BCDR002"]) == [
        ("BCDR002", f"{S}/unresolved/arm/azuredeploy.json", 17),
        ("BCDR002", f"{S}/unresolved/terraform/main.tf", 11),
    ]
    assert all(f.needed_by == ("BCDR601",) for f in run([f"{S}/unresolved"], ["BCDR002"]))


# -- BCDR602 -------------------------------------------------------------------------------


def test_databases_without_a_copy_in_another_region_terraform(at_root):
    path = f"{D}/bad/terraform/main.tf"
    assert findings_for([f"{D}/bad/terraform"], ["BCDR602"]) == [
        ("BCDR602", path, 14),  # PostgreSQL: geo_redundant_backup_enabled = false
        ("BCDR602", path, 18),  # MySQL: its only replica is in the same region
        ("BCDR602", path, 40),  # SQL database in no failover group
        ("BCDR602", path, 58),  # Cosmos DB: one geo_location
    ]
    postgres, mysql, database, cosmos = run([f"{D}/bad/terraform"], ["BCDR602"])
    assert postgres.message.startswith("PostgreSQL flexible server 'psql-contoso-orders' in eastus2 has no geo-redundant backup")
    assert "(its read replicas are in eastus2 too)" in mysql.message
    assert [(r.location.start_line, r.message) for r in mysql.related] == [(28, "read replica 'mysql-contoso-catalog-r1' in eastus2")]
    assert "SQL database 'billing' on server 'sql-contoso-eastus2' is in no failover group" in database.message
    assert "Cosmos DB account 'cosmos-contoso-sessions' has a single region (eastus2)" in cosmos.message


def test_databases_without_a_copy_in_another_region_arm(at_root):
    path = f"{D}/bad/arm/azuredeploy.json"
    assert findings_for([f"{D}/bad/arm"], ["BCDR602"]) == [
        ("BCDR602", path, 18),  # geoRedundantBackup: Disabled
        ("BCDR602", path, 31),  # a database nested in its server, in no failover group
        ("BCDR602", path, 49),  # locations: one entry
    ]


def test_geo_backup_replica_failover_group_geo_secondary_and_two_regions_pass(at_root):
    # good/arm-cosmos-regions-from-parameters: two locations, whatever their regions resolve to,
    # are two regions (Cosmos DB rejects a region listed twice).
    assert findings_for([f"{D}/good"], ["BCDR602", "BCDR002"]) == []


def test_one_cosmos_location_is_one_region_whatever_it_resolves_to(at_root):
    folder = f"{D}/bad/arm-cosmos-one-location"
    assert findings_for([folder], ["BCDR602", "BCDR002"]) == [("BCDR602", f"{folder}/azuredeploy.json", 14)]
    (finding,) = run([folder], ["BCDR602"])
    assert "Cosmos DB account 'cosmos-adatum-sessions' has a single region (resourceGroup().location)" in finding.message


def test_failover_group_in_terraform_lists_databases_declared_in_arm(at_root):
    # The failover group names 'orders' by a literal id; 'audit' on the same server is left out.
    folder = f"{D}/cross-format"
    assert findings_for([folder], ["BCDR602", "BCDR002"]) == [("BCDR602", f"{folder}/arm/sql.json", 26)]
    (finding,) = run([folder], ["BCDR602"])
    assert "SQL database 'audit'" in finding.message
    assert [(r.location.path, r.location.start_line) for r in finding.related] == [(f"{folder}/arm/sql.json", 12)]


def test_unknown_settings_regions_and_lists_are_notes_not_guesses(at_root):
    folder = f"{D}/unresolved"
    assert findings_for([folder], ["BCDR602", "BCDR002"]) == [
        ("BCDR002", f"{folder}/arm/azuredeploy.json", 21),  # the replica's region: maybe another one
        ("BCDR002", f"{folder}/arm/azuredeploy.json", 35),  # Cosmos DB locations from a parameter
        ("BCDR002", f"{folder}/terraform/main.tf", 18),  # geo_redundant_backup_enabled = var.geo_backup
        ("BCDR002", f"{folder}/terraform/main.tf", 32),  # dynamic geo_location over a variable
        ("BCDR002", f"{folder}/terraform/main.tf", 55),  # the failover group's databases = var...
    ]
    notes = run([folder], ["BCDR002"])
    assert all(note.needed_by == ("BCDR602",) for note in notes)
    assert "SQL failover group 'sql-contoso-eastus2/fog-contoso': databases is unresolved: `var.failover_database_ids`" in notes[-1].message


def test_an_unknown_failover_group_list_holds_back_only_its_own_servers_databases(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text('''
variable "ids" {
  type = list(string)
}

resource "azurerm_mssql_server" "a" {
  name                = "sql-a"
  resource_group_name = "rg"
  location            = "eastus2"
}

resource "azurerm_mssql_server" "b" {
  name                = "sql-b"
  resource_group_name = "rg"
  location            = "eastus2"
}

resource "azurerm_mssql_database" "on_a" {
  name      = "orders"
  server_id = azurerm_mssql_server.a.id
}

resource "azurerm_mssql_database" "on_b" {
  name      = "audit"
  server_id = azurerm_mssql_server.b.id
}

resource "azurerm_mssql_failover_group" "a" {
  name      = "fog-a"
  server_id = azurerm_mssql_server.a.id
  databases = var.ids
  partner_server {
    id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/sql-a-dr"
  }
}
''')
    assert findings_for(["."], ["BCDR602", "BCDR002"]) == [
        ("BCDR002", "main.tf", 31),  # may hold 'orders' on sql-a
        ("BCDR602", "main.tf", 23),  # 'audit' on sql-b cannot be in fog-a
    ]


def test_a_replica_of_an_unknown_primary_may_be_the_missing_copy(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text('''
variable "primary_id" {
  type = string
}

resource "azurerm_postgresql_flexible_server" "orders" {
  name                = "psql-orders"
  resource_group_name = "rg"
  location            = "eastus2"
}

resource "azurerm_postgresql_flexible_server" "replica" {
  name                = "psql-orders-cus"
  resource_group_name = "rg"
  location            = "centralus"
  create_mode         = "Replica"
  source_server_id    = var.primary_id
}
''')
    assert findings_for(["."], ["BCDR602", "BCDR002"]) == [("BCDR002", "main.tf", 17)]


def test_the_master_database_and_read_replicas_are_not_reported(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text('''
resource "azurerm_postgresql_flexible_server" "primary" {
  name                         = "psql-orders"
  resource_group_name          = "rg"
  location                     = "eastus2"
  geo_redundant_backup_enabled = true
}

resource "azurerm_postgresql_flexible_server" "replica" {
  name                = "psql-orders-r1"
  resource_group_name = "rg"
  location            = "eastus2"
  create_mode         = "Replica"
  source_server_id    = azurerm_postgresql_flexible_server.primary.id
}

resource "azurerm_mssql_database" "master" {
  name      = "master"
  server_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/sql-a"
}
''')
    assert findings_for(["."], ["BCDR602", "BCDR002"]) == []


def test_a_database_whose_backups_stay_in_its_region_cannot_even_be_geo_restored(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text('''
resource "azurerm_mssql_server" "primary" {
  name                = "sql-fabrikam"
  resource_group_name = "rg"
  location            = "westeurope"
  version             = "12.0"
}

resource "azurerm_mssql_database" "ledger" {
  name                 = "ledger"
  server_id            = azurerm_mssql_server.primary.id
  storage_account_type = "Zone"
}

resource "azurerm_mssql_database" "orders" {
  name      = "orders"
  server_id = azurerm_mssql_server.primary.id
}
''')
    ledger, orders = run(["."], ["BCDR602"])
    assert ledger.location.start_line == 9 and orders.location.start_line == 15
    assert "its backups stay in its region (zone-redundant backup storage)" in ledger.message
    assert "geo-restored" not in ledger.message
    assert "it can only be geo-restored from backups" in orders.message
