variable "location" {
  default = "eastus"
}

locals {
  tier = "Free"
}

resource "azurerm_kubernetes_cluster" "aks" {
  name                = "aks-base"
  location            = var.location
  resource_group_name = "rg-base"
  sku_tier            = local.tier

  default_node_pool {
    name       = "system"
    node_count = 1
  }

  network_profile {
    load_balancer_sku = "basic"
  }
}

resource "azurerm_container_registry" "acr" {
  name                = "acrbase"
  resource_group_name = "rg-base"
  location            = "eastus"
  sku                 = "Standard"

  georeplications {
    location = "westus"
  }

  georeplications {
    location = "centralus"
  }
}
