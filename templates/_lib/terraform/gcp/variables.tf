variable "project_id" {
  description = "Google Cloud project of the data product."
  type        = string
  default     = "[[ domain ]]-data"
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

variable "region" {
  description = "Location of the bucket and the BigQuery dataset."
  type        = string
  default     = "EU"
}

variable "bucket_prefix" {
  description = "Prefix of the bucket name (bucket names are global)."
  type        = string
  default     = "datamesh"
}

variable "role_members" {
  description = "For each access role of the contract, the IAM members (group:analysts@company.io) that may read the table."
  type        = map(list(string))
  default     = {}
}
