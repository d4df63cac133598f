# The shop platform: one AKS stamp per region, a shared registry. The regions and the
# registry SKU come from the pipeline's variables file, so the code alone leaves them open;
# plan.json (`terraform show -json` of this folder's plan) knows them.
variable "regions" {
  type = map(string)
}

variable "acr_sku" {
  type = string
}

resource "azurerm_resource_group" "shop" {
  name     = "rg-shop"
  location = "eastus2"
}

resource "azurerm_virtual_network" "stamp" {
  for_each            = var.regions
  name                = "vnet-shop-${each.key}"
  location            = each.value
  resource_group_name = azurerm_resource_group.shop.name
  address_space       = ["10.${index(keys(var.regions), each.key)}.0.0/16"]
}

resource "azurerm_subnet" "aks" {
  for_each             = var.regions
  name                 = "snet-aks"
  resource_group_name  = azurerm_resource_group.shop.name
  virtual_network_name = azurerm_virtual_network.stamp[each.key].name
  address_prefixes     = ["10.${index(keys(var.regions), each.key)}.0.0/20"]
}

module "aks" {
  for_each       = var.regions
  source         = "./modules/aks"
  name           = "aks-shop-${each.key}"
  location       = each.value
  resource_group = azurerm_resource_group.shop.name
  subnet_id      = azurerm_subnet.aks[each.key].id
}

resource "azurerm_container_registry" "shop" {
  name                = "acrshop"
  location            = azurerm_resource_group.shop.location
  resource_group_name = azurerm_resource_group.shop.name
  sku                 = var.acr_sku

  dynamic "georeplications" {
    for_each = { for key, region in var.regions : key => region if region != "eastus2" }
    content {
      location = georeplications.value
    }
  }
}
