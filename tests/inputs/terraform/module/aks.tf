resource "azurerm_kubernetes_cluster" "primary" {
  name                = "aks-primary"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  dns_prefix          = "primary"
  sku_tier            = "Standard"

  default_node_pool {
    name           = "system"
    node_count     = var.node_count
    vm_size        = "Standard_D4s_v5"
    zones          = local.zones
    vnet_subnet_id = azurerm_subnet.aks.id
  }

  network_profile {
    network_plugin    = "azure"
    load_balancer_sku = "Standard"
  }

  tags = local.tags
}

resource "azurerm_kubernetes_cluster_node_pool" "user" {
  name                  = "user1"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.primary.id
  vm_size               = "Standard_D8s_v5"
  min_count             = 2
  max_count             = 2 * 5
  zones                 = [1, 2]
  vnet_subnet_id        = "/subscriptions/0000/resourceGroups/rg-bcdr/providers/Microsoft.Network/virtualNetworks/vnet-spoke/subnets/aks"
}

resource "azurerm_kubernetes_cluster" "secondary" {
  name                = local.cluster
  location            = var.secondary_location
  resource_group_name = azurerm_resource_group.rg.name
  dns_prefix          = "secondary"

  default_node_pool {
    name       = "system"
    node_count = 1
    vm_size    = "Standard_D4s_v5"
  }
}
