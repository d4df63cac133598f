variable "regions" {
  type = map(object({ location = string, pools = optional(set(string), ["apps"]) }))
}
module "aks" {
  source   = "../modules/aks"
  for_each = var.regions
  name     = "aks-${each.key}"
  location = each.value.location
  pools    = each.value.pools
}
