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
  prefix = "shop-prod"
  regions = {
    primary   = { location = "westeurope", hub_cidr = "10.10.0.0/16", spoke_cidr = "10.11.0.0/16" }
    secondary = { location = "northeurope", hub_cidr = "10.20.0.0/16", spoke_cidr = "10.21.0.0/16" }
  }
}

resource "azurerm_resource_group" "region" {
  for_each = local.regions
  name     = "rg-${local.prefix}-${each.key}"
  location = each.value.location
}

resource "azurerm_resource_group" "global" {
  name     = "rg-${local.prefix}-global"
  location = "westeurope"
}

module "network" {
  source               = "../../modules/network"
  prefix               = local.prefix
  regions              = local.regions
  resource_group_names = { for k, rg in azurerm_resource_group.region : k => rg.name }
}

module "aks" {
  source              = "../../modules/aks"
  for_each            = local.regions
  name                = "aks-${local.prefix}-${each.key}"
  location            = each.value.location
  resource_group_name = azurerm_resource_group.region[each.key].name
  subnet_id           = module.network.aks_subnet_ids[each.key]
}

module "acr" {
  source              = "../../modules/acr"
  name                = "shopprodacr"
  location            = "westeurope"
  resource_group_name = azurerm_resource_group.global.name
  replica_locations   = ["northeurope"]
}

resource "azurerm_role_assignment" "acr_pull" {
  for_each             = module.aks
  scope                = module.acr.id
  role_definition_name = "AcrPull"
  principal_id         = each.value.kubelet_object_id
}

resource "azurerm_public_ip" "ingress" {
  for_each            = local.regions
  name                = "pip-ingress-${each.key}"
  location            = each.value.location
  resource_group_name = azurerm_resource_group.region[each.key].name
  allocation_method   = "Static"
  sku                 = "Standard"
  zones               = ["1", "2", "3"]
  domain_name_label   = "shop-prod-${each.key}"
}
