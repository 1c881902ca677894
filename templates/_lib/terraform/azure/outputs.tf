output "storage_account" {
  description = "Storage account holding the product's table files."
  value       = azurerm_storage_account.lake.name
}

output "table_location" {
  description = "Location of the [[ storage ]] table."
  value       = local.table_location
}

output "catalog_table" {
  description = "Unity Catalog table (catalog.schema.table)."
  value       = databricks_sql_table.product.id
}

output "reader_roles" {
  description = "Group granted SELECT per access role of the contract."
  value       = { for role in local.access_roles : role => lookup(var.role_groups, role, role) }
}
