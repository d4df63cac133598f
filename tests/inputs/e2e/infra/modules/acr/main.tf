variable "name" { type = string }
variable "location" { type = string }
variable "resource_group_name" { type = string }
variable "replica_locations" { type = list(string) }

resource "azurerm_container_registry" "this" {
  name                    = var.name
  location                = var.location
  resource_group_name     = var.resource_group_name
  sku                     = "Premium"
  zone_redundancy_enabled = true
  admin_enabled           = false

  dynamic "georeplications" {
    for_each = var.replica_locations
    content {
      location                = georeplications.value
      zone_redundancy_enabled = true
    }
  }
}

output "id" { value = azurerm_container_registry.this.id }
output "login_server" { value = azurerm_container_registry.this.login_server }
