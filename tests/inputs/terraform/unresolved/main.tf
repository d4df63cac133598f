variable "location" {
  type = string
}

variable "replica_locations" {
  type = list(string)
}

locals {
  region   = var.location
  tier     = lower("Standard")
  loop_a   = local.loop_b
  loop_b   = local.loop_a
  replicas = ["northeurope", "West Europe"]
}

data "azurerm_resource_group" "shared" {
  name = "rg-shared"
}

data "azurerm_virtual_network" "hub" {
  name                = "vnet-hub"
  resource_group_name = data.azurerm_resource_group.shared.name
}

resource "azurerm_kubernetes_cluster" "aks" {
  name                = "aks-${var.location}"
  location            = local.region
  resource_group_name = data.azurerm_resource_group.shared.name
  sku_tier            = local.tier

  default_node_pool {
    name           = local.loop_a
    zones          = [for z in [1, 2] : tostring(z)]
    node_count     = var.location == "eastus" ? 3 : 2
    vnet_subnet_id = module.network.subnet_id
  }

  network_profile {
    load_balancer_sku = data.azurerm_resource_group.shared.location
  }
}

resource "azurerm_subnet" "pods" {
  count                = 2
  name                 = "pods-${count.index}"
  resource_group_name  = "rg-shared"
  virtual_network_name = data.azurerm_virtual_network.hub.name
}

resource "azurerm_kubernetes_cluster_node_pool" "user" {
  name                  = "user"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.aks.id
  mode                  = "User"
  vnet_subnet_id        = azurerm_subnet.pods[0].id
  zones                 = azurerm_subnet.pods[*].name
}

resource "azurerm_virtual_network_peering" "to_hub" {
  name                      = "to-hub"
  resource_group_name       = "rg-shared"
  virtual_network_name      = var.location
  remote_virtual_network_id = data.azurerm_virtual_network.hub.id
}

resource "azurerm_container_registry" "unknown_replicas" {
  name                = "acrunknown"
  resource_group_name = "rg-shared"
  location            = "eastus"
  sku                 = "Premium"

  dynamic "georeplications" {
    for_each = var.replica_locations
    content {
      location = georeplications.value
    }
  }
}

resource "azurerm_container_registry" "known_replicas" {
  name                = "acrknown"
  resource_group_name = "rg-shared"
  location            = "eastus"
  sku                 = "Premium"

  dynamic "georeplications" {
    for_each = local.replicas
    iterator = replica
    content {
      location                = replica.value
      zone_redundancy_enabled = replica.key == 0
    }
  }
}
