resource "azurerm_container_registry" "open" {
  name = "acr"
