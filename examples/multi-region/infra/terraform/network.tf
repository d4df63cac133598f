resource "azurerm_virtual_network" "primary" {
  name                = "vnet-${var.app}-${var.primary_location}"
  location            = var.primary_location
  resource_group_name = "rg-${var.app}-${var.primary_location}"
  address_space       = ["10.10.0.0/16"]
}

resource "azurerm_subnet" "primary_aks" {
  name                 = "snet-aks"
  resource_group_name  = "rg-${var.app}-${var.primary_location}"
  virtual_network_name = azurerm_virtual_network.primary.name
  address_prefixes     = ["10.10.0.0/20"]
}

# Global peering to the secondary stamp's network, which is declared in the ARM template.
resource "azurerm_virtual_network_peering" "primary_to_secondary" {
  name                      = "peer-primary-to-secondary"
  resource_group_name       = "rg-${var.app}-${var.primary_location}"
  virtual_network_name      = azurerm_virtual_network.primary.name
  remote_virtual_network_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-contoso-shop-westus2/providers/Microsoft.Network/virtualNetworks/vnet-contoso-shop-westus2"
}
