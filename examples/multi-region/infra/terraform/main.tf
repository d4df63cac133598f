locals {
  tags = { app = var.app, owner = "platform-team" }
}

resource "azurerm_resource_group" "shared" {
  name     = "rg-${var.app}-shared"
  location = var.primary_location
  tags     = local.tags
}

# Premium, but replicated only to the primary region's neighbour: the westus2 stamp pulls
# across regions and stalls if eastus2 is down (BCDR402).
resource "azurerm_container_registry" "acr" {
  name                = "contososhopacr"
  resource_group_name = azurerm_resource_group.shared.name
  location            = azurerm_resource_group.shared.location
  sku                 = "Premium"

  georeplications {
    location                = "centralus"
    zone_redundancy_enabled = true
  }
}

resource "azurerm_kubernetes_cluster" "primary" {
  name                = "aks-${var.app}-${var.primary_location}"
  location            = var.primary_location
  resource_group_name = "rg-${var.app}-${var.primary_location}"
  dns_prefix          = "${var.app}-primary"
  sku_tier            = "Standard"

  default_node_pool {
    name           = "system"
    vm_size        = "Standard_D4s_v5"
    node_count     = 3
    zones          = ["1", "2", "3"]
    vnet_subnet_id = azurerm_subnet.primary_aks.id
  }

  network_profile {
    network_plugin    = "azure"
    load_balancer_sku = "standard"
  }

  identity {
    type = "SystemAssigned"
  }
}
