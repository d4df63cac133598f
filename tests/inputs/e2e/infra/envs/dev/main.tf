terraform {
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.0"
    }
  }
}

provider "azurerm" {
  features {}
}

locals {
  prefix = "shop-dev"
}

resource "azurerm_resource_group" "dev" {
  name     = "rg-${local.prefix}"
  location = "westeurope"
}

module "network" {
  source               = "../../modules/network"
  prefix               = local.prefix
  regions              = {
    primary   = { location = "westeurope", hub_cidr = "10.100.0.0/16", spoke_cidr = "10.101.0.0/16" }
  }
  resource_group_names = { primary = azurerm_resource_group.dev.name }
}

module "aks" {
  source              = "../../modules/aks"
  name                = "aks-${local.prefix}"
  location            = azurerm_resource_group.dev.location
  resource_group_name = azurerm_resource_group.dev.name
  subnet_id           = module.network.aks_subnet_ids["primary"]
  sku_tier            = "Free"
  system_min_count    = 1
}

resource "azurerm_container_registry" "dev" {
  name                = "shopdevacr"
  location            = azurerm_resource_group.dev.location
  resource_group_name = azurerm_resource_group.dev.name
  sku                 = "Standard"
}
