resource "azurerm_container_registry" "acr" {
  name                    = "acrbcdr"
  resource_group_name     = azurerm_resource_group.rg.name
  location                = azurerm_resource_group.rg.location
  sku                     = "Premium"
  zone_redundancy_enabled = true

  georeplications {
    location                = "Central US"
    zone_redundancy_enabled = false
  }

  georeplications {
    location = var.secondary_location
  }
}
