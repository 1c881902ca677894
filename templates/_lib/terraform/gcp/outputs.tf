output "bucket" {
  description = "Bucket holding the product's table files."
  value       = google_storage_bucket.product.name
}

output "table_location" {
  description = "Location of the [[ storage ]] table."
  value       = local.table_location
}

output "catalog_table" {
  description = "BigQuery table (project.dataset.table)."
  value       = "${var.project_id}.${google_bigquery_dataset.domain.dataset_id}.${google_bigquery_table.product.table_id}"
}

output "reader_roles" {
  description = "Members bound per access role of the contract."
  value       = { for role, b in google_bigquery_table_iam_binding.reader : role => b.members }
}
