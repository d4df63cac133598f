terraform {
  required_version = ">= 1.6"
  cloud {
    organization = "contoso"
    workspaces {
      name = "platform-prod"
    }
  }
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.0"
    }
  }
}

provider "azurerm" {
  features {}
  subscription_id = var.subscription_id
}

provider "azurerm" {
  alias = "hub"
  features {}
  subscription_id = var.hub_subscription_id
}

locals {
  prefix = "${var.workload}-${var.environment}"
  tags = merge(var.tags, {
    environment = var.environment
    managed_by  = "terraform"
  })
  secondary_regions = [for k, v in var.regions : v.location if k != var.primary_region]
  region_names      = [for k, v in var.regions : v.location]
}

resource "azurerm_resource_group" "this" {
  for_each = var.regions
  name     = "rg-${local.prefix}-${each.key}"
  location = each.value.location
  tags     = local.tags
}

module "network" {
  source   = "../../modules/network"
  for_each = var.regions

  name                = "vnet-${local.prefix}-${each.key}"
  location            = each.value.location
  resource_group_name = azurerm_resource_group.this[each.key].name
  address_space       = each.value.address_space
  subnets = {
    aks     = cidrsubnet(each.value.address_space[0], 4, 0)
    ingress = cidrsubnet(each.value.address_space[0], 8, 16)
  }
  providers = {
    azurerm = azurerm
  }
}

module "aks" {
  source   = "../../modules/aks"
  for_each = var.regions

  name                = "aks-${local.prefix}-${each.key}"
  location            = each.value.location
  resource_group_name = azurerm_resource_group.this[each.key].name
  subnet_id           = module.network[each.key].subnet_ids["aks"]
  node_pools          = each.value.node_pools
  sku_tier            = each.value.sku_tier
  tags                = local.tags

  depends_on = [module.network]
}

module "acr" {
  source              = "../../modules/acr"
  name                = replace("acr${local.prefix}", "-", "")
  location            = var.regions[var.primary_region].location
  resource_group_name = azurerm_resource_group.this[var.primary_region].name
  replica_locations   = local.secondary_regions
}

moved {
  from = azurerm_resource_group.main
  to   = azurerm_resource_group.this["eus2"]
}

import {
  to = azurerm_resource_group.this["cus"]
  id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shop-prod-cus"
}

check "aks_health" {
  assert {
    condition     = length(var.regions) > 1
    error_message = "Production must be multi-region."
  }
}

output "cluster_ids" {
  value = { for k, m in module.aks : k => m.cluster_id }
}
