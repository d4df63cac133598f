module "aks" {
  source              = "../../modules/aks"
  name                = "aks-shop-dr"
  location            = "westus3"
  resource_group_name = "rg-shop-dr"
  subnet_id           = "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-dr/subnets/aks"
}

module "naming" {
  source   = "../../shared/naming"
  workload = "shop"
}

module "registry" {
  source  = "Azure/avm-res-containerregistry-registry/azurerm"
  version = "0.4.0"
  name    = "acrshopdr"
}

module "git" {
  source = "git::https://github.com/contoso/tf-modules.git//aks?ref=v2.1.0"
}
