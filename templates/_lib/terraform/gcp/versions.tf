# Terraform stubs of [[ domain ]].[[ product ]] on Google Cloud: the platform
# team fills in the backend and the members; the resources follow the contract.
terraform {
  required_version = ">= 1.5"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.0"
    }
  }

  # backend "gcs" {}  # state location: set by the platform team
}

provider "google" {
  project = var.project_id
  region  = var.region

  default_labels = {
    datamesh-domain = var.domain
  }
}
