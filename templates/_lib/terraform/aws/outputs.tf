output "bucket" {
  description = "Bucket holding the product's table files."
  value       = aws_s3_bucket.product.bucket
}

output "table_location" {
  description = "Location of the [[ storage ]] table."
  value       = local.table_location
}

output "catalog_table" {
  description = "Glue catalog table (database.table)."
  value       = "${aws_glue_catalog_database.domain.name}.${aws_glue_catalog_table.product.name}"
}

output "reader_roles" {
  description = "IAM role ARN per access role of the contract."
  value       = { for role, r in aws_iam_role.reader : role => r.arn }
}
