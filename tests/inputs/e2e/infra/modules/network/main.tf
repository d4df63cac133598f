variable "prefix" { type = string }
variable "regions" {
  type = map(object({ location = string, hub_cidr = string, spoke_cidr = string }))
}
variable "resource_group_names" { type = map(string) }

resource "azurerm_virtual_network" "hub" {
  for_each            = var.regions
  name                = "${var.prefix}-hub-${each.key}"
  location            = each.value.location
  resource_group_name = var.resource_group_names[each.key]
  address_space       = [each.value.hub_cidr]
}

resource "azurerm_virtual_network" "spoke" {
  for_each            = var.regions
  name                = "${var.prefix}-spoke-${each.key}"
  location            = each.value.location
  resource_group_name = var.resource_group_names[each.key]
  address_space       = [each.value.spoke_cidr]
}

resource "azurerm_subnet" "aks" {
  for_each             = var.regions
  name                 = "aks"
  resource_group_name  = var.resource_group_names[each.key]
  virtual_network_name = azurerm_virtual_network.spoke[each.key].name
  address_prefixes     = [cidrsubnet(each.value.spoke_cidr, 2, 0)]
}

resource "azurerm_virtual_network_peering" "hub_to_spoke" {
  for_each                  = var.regions
  name                      = "hub-to-spoke"
  resource_group_name       = var.resource_group_names[each.key]
  virtual_network_name      = azurerm_virtual_network.hub[each.key].name
  remote_virtual_network_id = azurerm_virtual_network.spoke[each.key].id
  allow_forwarded_traffic   = true
}

resource "azurerm_virtual_network_peering" "spoke_to_hub" {
  for_each                  = var.regions
  name                      = "spoke-to-hub"
  resource_group_name       = var.resource_group_names[each.key]
  virtual_network_name      = azurerm_virtual_network.spoke[each.key].name
  remote_virtual_network_id = azurerm_virtual_network.hub[each.key].id
}

# Global peering between the two hubs.
resource "azurerm_virtual_network_peering" "hub_primary_to_secondary" {
  count                     = contains(keys(var.regions), "secondary") ? 1 : 0
  name                      = "hub-weu-to-neu"
  resource_group_name       = var.resource_group_names["primary"]
  virtual_network_name      = azurerm_virtual_network.hub["primary"].name
  remote_virtual_network_id = azurerm_virtual_network.hub["secondary"].id
  allow_forwarded_traffic   = true
}

resource "azurerm_virtual_network_peering" "hub_secondary_to_primary" {
  count                     = contains(keys(var.regions), "secondary") ? 1 : 0
  name                      = "hub-neu-to-weu"
  resource_group_name       = var.resource_group_names["secondary"]
  virtual_network_name      = azurerm_virtual_network.hub["secondary"].name
  remote_virtual_network_id = azurerm_virtual_network.hub["primary"].id
  allow_forwarded_traffic   = true
}

output "aks_subnet_ids" {
  value = { for k, s in azurerm_subnet.aks : k => s.id }
}
