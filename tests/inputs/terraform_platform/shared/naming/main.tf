variable "workload" {
  type = string
}

output "prefix" {
  value = "${var.workload}-dr"
}
