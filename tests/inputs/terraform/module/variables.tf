variable "location" {
  type    = string
  default = "East US 2"
}

variable "secondary_location" {
  default = "westus3"
}

variable "node_count" {
  default = 3
}

locals {
  prefix      = "bcdr"
  cluster     = "${local.prefix}-aks-${var.secondary_location}"
  zones       = ["1", "2", "3"]
  hub_name    = azurerm_virtual_network.hub.name
  tags = {
    env   = "prod"
    "app" = "shop"
  }
}
