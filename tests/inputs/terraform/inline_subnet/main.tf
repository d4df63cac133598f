variable "group" {
  type = string
}

resource "azurerm_resource_group" "east" {
  name     = "rg-east"
  location = "eastus"
}

resource "azurerm_virtual_network" "east" {
  name                = "vnet-east"
  location            = azurerm_resource_group.east.location
  resource_group_name = azurerm_resource_group.east.name
  address_space       = ["10.0.0.0/16"]

  subnet {
    name           = "aks"
    address_prefix = "10.0.0.0/20"
  }
}

resource "azurerm_virtual_network" "elsewhere" {
  name                = "vnet-elsewhere"
  location            = "eastus"
  resource_group_name = var.group
  address_space       = ["10.1.0.0/16"]
}

resource "azurerm_kubernetes_cluster" "east" {
  name                = "aks-east"
  location            = azurerm_resource_group.east.location
  resource_group_name = azurerm_resource_group.east.name

  default_node_pool {
    name           = "system"
    vnet_subnet_id = "${azurerm_virtual_network.east.id}/subnets/aks"
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "group_unknown" {
  name                  = "unknown"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.east.id
  vnet_subnet_id        = "${azurerm_virtual_network.elsewhere.id}/subnets/aks"
}

resource "azurerm_kubernetes_cluster_node_pool" "not_an_id" {
  name                  = "notanid"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.east.id
  vnet_subnet_id        = "${azurerm_virtual_network.east.id}-aks"
}
