variable "name" { type = string }
variable "location" { type = string }
variable "resource_group_name" { type = string }
variable "replica_locations" {
  type    = list(string)
  default = []
}

resource "azurerm_container_registry" "this" {
  name                    = var.name
  location                = var.location
  resource_group_name     = var.resource_group_name
  sku                     = "Premium"
  zone_redundancy_enabled = true

  dynamic "georeplications" {
    for_each = var.replica_locations
    iterator = replica
    content {
      location                = replica.value
      zone_redundancy_enabled = true
    }
  }
}
