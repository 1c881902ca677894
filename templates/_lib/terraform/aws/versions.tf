# Terraform stubs of [[ domain ]].[[ product ]] on AWS: the platform team fills
# in the backend and the principals; the resources follow the contract.
terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }

  # backend "s3" {}  # state location: set by the platform team
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      "datamesh:domain"  = var.domain
      "datamesh:product" = "[[ domain ]].[[ product ]]"
      "datamesh:owner"   = "[[ owner ]]"
    }
  }
}
