resource "azurerm_virtual_network" "ok" {
  name                = "vnet-ok"
  location            = "eastus"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
}
