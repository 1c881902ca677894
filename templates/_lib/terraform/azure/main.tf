[%- from 'templates/_lib/starter.jinja' import fields -%]
# Storage, catalog table and access roles of [[ domain ]].[[ product ]] ([[ storage ]] on ADLS Gen2, Unity Catalog table).
# Generated from the starter contract: keep the columns in step with
# data-product-contract.yaml (spec.schema) and the roles with spec.access.roles.

locals {
  table_name = "[[ product ]]"
  schema     = replace(var.domain, "-", "_")
  # Storage account names: 3-24 lowercase letters and digits.
  account_name   = substr(replace("${var.domain}${var.environment}lake", "-", ""), 0, 24)
  table_location = "abfss://${azurerm_storage_container.product.name}@${azurerm_storage_account.lake.name}.dfs.core.windows.net/${local.table_name}"
  # spec.access.roles of the contract
  access_roles = [[ roles.split(',') | to_json ]]
}

resource "azurerm_resource_group" "domain" {
  name     = "rg-${var.domain}-${var.environment}"
  location = var.location
}

resource "azurerm_storage_account" "lake" {
  name                            = local.account_name
  resource_group_name             = azurerm_resource_group.domain.name
  location                        = azurerm_resource_group.domain.location
  account_tier                    = "Standard"
  account_replication_type        = "ZRS"
  is_hns_enabled                  = true
  min_tls_version                 = "TLS1_2"
  allow_nested_items_to_be_public = false
}

resource "azurerm_storage_container" "product" {
  name                  = replace(local.table_name, "_", "-")
  storage_account_id    = azurerm_storage_account.lake.id
  container_access_type = "private"
}

resource "databricks_schema" "domain" {
  catalog_name = var.catalog
  name         = local.schema
  comment      = "Data products of the ${var.domain} domain."
}

resource "databricks_sql_table" "product" {
  catalog_name       = var.catalog
  schema_name        = databricks_schema.domain.name
  name               = local.table_name
  table_type         = "EXTERNAL"
  data_source_format = "DELTA"
  storage_location   = local.table_location
  comment            = "[[ description ]]"
[%- if storage == 'iceberg' %]

  # Iceberg readers through Delta UniForm: the table also writes Iceberg metadata.
  properties = {
    "delta.enableIcebergCompatV2"          = "true"
    "delta.universalFormat.enabledFormats" = "iceberg"
  }
[%- endif %]
[%- for f in fields %]

  column {
    name     = "[[ f.name ]]"
    type     = "[[ f.databricks ]]"
    nullable = [[ 'false' if (f.nullable is defined and not f.nullable) else 'true' ]]
    comment  = "[[ f.description ]]"
  }
[%- endfor %]
}

# SELECT for each access role of the contract.
resource "databricks_grants" "product" {
  table = databricks_sql_table.product.id

  dynamic "grant" {
    for_each = toset(local.access_roles)

    content {
      principal  = lookup(var.role_groups, grant.value, grant.value)
      privileges = ["SELECT"]
    }
  }
}
