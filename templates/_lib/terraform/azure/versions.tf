# Terraform stubs of [[ domain ]].[[ product ]] on Azure: ADLS Gen2 storage and
# a Unity Catalog table (Azure Databricks). The platform team fills in the
# backend, the workspace and the principals; the resources follow the contract.
terraform {
  required_version = ">= 1.5"

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.0"
    }
    databricks = {
      source  = "databricks/databricks"
      version = "~> 1.50"
    }
  }

  # backend "azurerm" {}  # state location: set by the platform team
}

provider "azurerm" {
  features {}
  subscription_id = var.subscription_id
}

provider "databricks" {
  host = var.databricks_host
}
