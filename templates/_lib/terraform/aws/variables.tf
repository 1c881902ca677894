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
  description = "AWS region of the bucket and the Glue catalog."
  type        = string
  default     = "eu-west-1"
}

variable "bucket_prefix" {
  description = "Prefix of the bucket name (bucket names are global)."
  type        = string
  default     = "datamesh"
}

variable "role_principals" {
  description = "For each access role of the contract, the IAM principals (ARNs) allowed to assume its reader role. Empty: this account."
  type        = map(list(string))
  default     = {}
}
