variable "name" {}
variable "location" {}
variable "pools" { type = set(string) }
resource "azurerm_kubernetes_cluster" "this" {
  name                = var.name
  location            = var.location
  resource_group_name = "rg-${var.name}"
  dns_prefix          = var.name
  default_node_pool {
    name       = "system"
    node_count = 3
    zones      = ["1", "2", "3"]
  }
}
resource "azurerm_kubernetes_cluster_node_pool" "this" {
  for_each              = var.pools
  name                  = each.key
  kubernetes_cluster_id = azurerm_kubernetes_cluster.this.id
  node_count            = 3
  zones                 = ["1", "2", "3"]
}
