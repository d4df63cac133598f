variable "west_label" {
  type = string
}

variable "endpoint_count" {
  type = number
}

resource "azurerm_public_ip" "east" {
  name                = "pip-shop-east"
  location            = "East US 2"
  resource_group_name = "rg-shop"
  allocation_method   = "Static"
  sku                 = "Standard"
  domain_name_label   = "shop-east"
}

resource "azurerm_public_ip" "west" {
  name                = "pip-shop-west"
  location            = "westus2"
  resource_group_name = "rg-shop"
  allocation_method   = "Static"
  domain_name_label   = var.west_label
}

resource "azurerm_traffic_manager_profile" "shop" {
  name                   = "tm-shop"
  resource_group_name    = "rg-shop"
  traffic_routing_method = "Priority"
  profile_status         = "Enabled"

  dns_config {
    relative_name = "shop"
    ttl           = 30
  }

  monitor_config {
    protocol = "HTTPS"
    port     = 443
    path     = "/healthz"
  }
}

resource "azurerm_traffic_manager_azure_endpoint" "east" {
  name               = "east"
  profile_id         = azurerm_traffic_manager_profile.shop.id
  target_resource_id = azurerm_public_ip.east.id
  priority           = 1
}

resource "azurerm_traffic_manager_external_endpoint" "west" {
  name              = "west"
  profile_id        = azurerm_traffic_manager_profile.shop.id
  target            = azurerm_public_ip.west.fqdn
  endpoint_location = "West US 2"
  enabled           = false
  geo_mappings      = ["WORLD"]
  priority          = 2
}

resource "azurerm_traffic_manager_nested_endpoint" "child" {
  count                   = var.endpoint_count
  name                    = "child"
  profile_id              = "/subscriptions/0000/resourceGroups/rg-shop/providers/Microsoft.Network/trafficManagerProfiles/tm-parent"
  target_resource_id      = azurerm_traffic_manager_profile.shop.id
  minimum_child_endpoints = 1
  priority                = 3
}

resource "azurerm_traffic_manager_endpoint" "legacy" {
  name                = "legacy"
  profile_name        = "tm-shop"
  resource_group_name = "rg-shop"
  type                = "externalEndpoints"
  target              = "legacy.contoso.com"
  endpoint_status     = "Disabled"
}

resource "azurerm_cdn_frontdoor_profile" "afd" {
  name                = "afd-shop"
  resource_group_name = "rg-shop"
  sku_name            = "Standard_AzureFrontDoor"
}

resource "azurerm_cdn_frontdoor_origin_group" "web" {
  name                     = "web"
  cdn_frontdoor_profile_id = azurerm_cdn_frontdoor_profile.afd.id

  load_balancing {}

  health_probe {
    protocol            = "Https"
    path                = "/healthz"
    request_type        = "HEAD"
    interval_in_seconds = 60
  }
}

resource "azurerm_cdn_frontdoor_origin" "east" {
  name                           = "east"
  cdn_frontdoor_origin_group_id  = azurerm_cdn_frontdoor_origin_group.web.id
  host_name                      = azurerm_public_ip.east.fqdn
  certificate_name_check_enabled = true
}

resource "azurerm_cdn_frontdoor_origin" "west" {
  name                           = "west"
  cdn_frontdoor_origin_group_id  = azurerm_cdn_frontdoor_origin_group.web.id
  host_name                      = "shop-west.westus2.cloudapp.azure.com"
  enabled                        = false
  certificate_name_check_enabled = true

  private_link {
    location               = "westus2"
    private_link_target_id = "/subscriptions/0000/resourceGroups/rg-shop/providers/Microsoft.Network/privateLinkServices/pls-west"
  }
}

resource "azurerm_frontdoor" "classic" {
  name                = "fd-classic"
  resource_group_name = "rg-shop"

  backend_pool_health_probe {
    name    = "probe-off"
    enabled = false
    path    = "/"
  }

  backend_pool_load_balancing {
    name = "lb"
  }

  backend_pool {
    name                = "api"
    load_balancing_name = "lb"
    health_probe_name   = "probe-off"

    backend {
      address     = "api-east.contoso.com"
      host_header = "api.contoso.com"
      http_port   = 80
      https_port  = 443
    }

    dynamic "backend" {
      for_each = var.west_label
      content {
        address     = backend.value
        host_header = "api.contoso.com"
        http_port   = 80
        https_port  = 443
      }
    }
  }
}
