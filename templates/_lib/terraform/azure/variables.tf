variable "subscription_id" {
  description = "Azure subscription of the data product."
  type        = string
  default     = null
}

variable "databricks_host" {
  description = "URL of the Azure Databricks workspace whose Unity Catalog lists the table."
  type        = string
  default     = null
}

variable "domain" {
  description = "Domain that owns the data product."
  type        = string
  default     = "[[ domain ]]"
}

variable "environment" {
  description = "Deployment environment (a suffix of resource names)."
  type        = string
  default     = "prod"
}

variable "location" {
  description = "Azure region."
  type        = string
  default     = "westeurope"
}

variable "catalog" {
  description = "Unity Catalog catalog of the domain's schema."
  type        = string
  default     = "main"
}

variable "role_groups" {
  description = "For each access role of the contract, the account group granted SELECT (default: a group named like the role)."
  type        = map(string)
  default     = {}
}
