resource "azurerm_postgresql_flexible_server" "orders" {
  name                         = "psql-${local.prefix}-orders"
  resource_group_name          = azurerm_resource_group.region["primary"].name
  location                     = local.regions.primary.location
  version                      = "16"
  sku_name                     = "GP_Standard_D4ds_v5"
  storage_mb                   = 131072
  backup_retention_days        = 35
  geo_redundant_backup_enabled = true
  zone                         = "1"

  high_availability {
    mode                      = "ZoneRedundant"
    standby_availability_zone = "2"
  }
}

resource "azurerm_storage_account" "assets" {
  name                     = "shopprodassets"
  resource_group_name      = azurerm_resource_group.region["primary"].name
  location                 = local.regions.primary.location
  account_tier             = "Standard"
  account_replication_type = "GZRS"
  min_tls_version          = "TLS1_2"
}

resource "azurerm_storage_account" "velero" {
  name                     = "shopprodvelero"
  resource_group_name      = azurerm_resource_group.region["secondary"].name
  location                 = local.regions.secondary.location
  account_tier             = "Standard"
  account_replication_type = "GZRS"
}

resource "azurerm_storage_container" "velero" {
  name                  = "velero"
  storage_account_id    = azurerm_storage_account.velero.id
  container_access_type = "private"
}
