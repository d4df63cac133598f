variable "location" {
  default = "westeurope"
}

resource "azurerm_kubernetes_cluster" "aks" {
  name = "aks-from-a"

  default_node_pool {
    name = "sys"
  }
}
