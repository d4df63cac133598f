locals {
  tier = "Standard"
}

resource "azurerm_kubernetes_cluster" "aks" {
  name = "aks-final"
}

resource "azurerm_container_registry" "acr" {
  sku = "Premium"

  dynamic "georeplications" {
    for_each = ["northeurope"]
    content {
      location = georeplications.value
    }
  }
}

resource "azurerm_subnet" "ghost" {
  name = "ghost"
}

locals {
  nowhere = 1
}
