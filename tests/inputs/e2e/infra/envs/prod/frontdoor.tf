resource "azurerm_cdn_frontdoor_profile" "shop" {
  name                = "afd-${local.prefix}"
  resource_group_name = azurerm_resource_group.global.name
  sku_name            = "Premium_AzureFrontDoor"
}

resource "azurerm_cdn_frontdoor_endpoint" "shop" {
  name                     = "shop-prod"
  cdn_frontdoor_profile_id = azurerm_cdn_frontdoor_profile.shop.id
}

resource "azurerm_cdn_frontdoor_origin_group" "aks" {
  name                     = "aks-ingress"
  cdn_frontdoor_profile_id = azurerm_cdn_frontdoor_profile.shop.id
  session_affinity_enabled = false

  load_balancing {
    sample_size                 = 4
    successful_samples_required = 3
  }

  health_probe {
    path                = "/healthz"
    protocol            = "Https"
    request_type        = "HEAD"
    interval_in_seconds = 30
  }
}

resource "azurerm_cdn_frontdoor_origin" "ingress" {
  for_each                       = local.regions
  name                           = "ingress-${each.key}"
  cdn_frontdoor_origin_group_id  = azurerm_cdn_frontdoor_origin_group.aks.id
  enabled                        = true
  host_name                      = azurerm_public_ip.ingress[each.key].fqdn
  origin_host_header             = "shop.example.com"
  certificate_name_check_enabled = true
  http_port                      = 80
  https_port                     = 443
  priority                       = 1
  weight                         = 500
}

resource "azurerm_cdn_frontdoor_route" "shop" {
  name                          = "default"
  cdn_frontdoor_endpoint_id     = azurerm_cdn_frontdoor_endpoint.shop.id
  cdn_frontdoor_origin_group_id = azurerm_cdn_frontdoor_origin_group.aks.id
  cdn_frontdoor_origin_ids      = [for o in azurerm_cdn_frontdoor_origin.ingress : o.id]
  supported_protocols           = ["Https"]
  patterns_to_match             = ["/*"]
  forwarding_protocol           = "HttpsOnly"
  https_redirect_enabled        = false
}
