variable "app" {
  type    = string
  default = "contoso-shop"
}

variable "primary_location" {
  type    = string
  default = "eastus2"
}

variable "secondary_location" {
  type        = string
  description = "Second stamp. Not the pair of eastus2 (centralus): see BCDR102."
  default     = "westus2"
}
