variable "subscription_id" {
  type = string
}

variable "hub_subscription_id" {
  type      = string
  sensitive = true
}

variable "workload" {
  type    = string
  default = "shop"
}

variable "environment" {
  type    = string
  default = "prod"
  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "Unknown environment."
  }
}

variable "primary_region" {
  type    = string
  default = "eus2"
}

variable "tags" {
  type     = map(string)
  default  = {}
  nullable = false
}

variable "regions" {
  description = "One entry per regional stamp."
  type = map(object({
    location      = string
    address_space = list(string)
    sku_tier      = optional(string, "Standard")
    node_pools = optional(map(object({
      vm_size    = optional(string, "Standard_D4s_v5")
      min_count  = optional(number, 3)
      max_count  = optional(number, 10)
      zones      = optional(list(string), ["1", "2", "3"])
      mode       = optional(string, "User")
    })), {})
  }))
}
