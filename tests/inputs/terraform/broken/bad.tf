resource "azurerm_kubernetes_cluster" "broken" {
  name     = "aks"
  location = = "eastus"
}
