[%- from 'templates/_lib/starter.jinja' import fields -%]
# Storage, catalog table and access roles of [[ domain ]].[[ product ]] ([[ storage ]] on GCS, BigLake table in BigQuery).
# Generated from the starter contract: keep the columns in step with
# data-product-contract.yaml (spec.schema) and the roles with spec.access.roles.

locals {
  table_name     = "[[ product ]]"
  dataset_id     = replace(var.domain, "-", "_")
  table_location = "gs://${google_storage_bucket.product.name}/${var.domain}/${local.table_name}"
  # spec.access.roles of the contract
  access_roles = [[ roles.split(',') | to_json ]]
}

resource "google_storage_bucket" "product" {
  name                        = "${var.bucket_prefix}-${var.domain}-${var.environment}"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  versioning {
    enabled = true
  }
}

resource "google_bigquery_dataset" "domain" {
  dataset_id  = local.dataset_id
  location    = var.region
  description = "Data products of the ${var.domain} domain."
}

# BigLake connection: BigQuery reads the table files with its own service account.
resource "google_bigquery_connection" "lake" {
  connection_id = "${var.domain}-lake"
  location      = var.region

  cloud_resource {}
}

resource "google_storage_bucket_iam_member" "lake_reader" {
  bucket = google_storage_bucket.product.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_bigquery_connection.lake.cloud_resource[0].service_account_id}"
}

resource "google_bigquery_table" "product" {
  dataset_id          = google_bigquery_dataset.domain.dataset_id
  table_id            = local.table_name
  description         = "[[ description ]]"
  deletion_protection = true

  external_data_configuration {
    autodetect    = false
    connection_id = google_bigquery_connection.lake.name
[%- if storage == 'iceberg' %]
    source_format = "ICEBERG"
    # The table's current metadata file; the publish job rewrites it on each commit.
    source_uris = ["${local.table_location}/metadata/v1.metadata.json"]
[%- else %]
    source_format = "DELTA_LAKE"
    source_uris   = ["${local.table_location}/"]
[%- endif %]
  }

  schema = jsonencode([
[%- for f in fields %]
    {
      name        = "[[ f.name ]]"
      type        = "[[ f.bigquery ]]"
      mode        = "[[ 'REQUIRED' if (f.nullable is defined and not f.nullable) else 'NULLABLE' ]]"
[%- if f.precision is defined %]
      precision   = "[[ f.precision ]]"
      scale       = "[[ f.scale ]]"
[%- endif %]
      description = "[[ f.description ]]"
    },
[%- endfor %]
  ])
}

# One binding per access role of the contract that has members.
resource "google_bigquery_table_iam_binding" "reader" {
  for_each = { for role in local.access_roles : role => var.role_members[role] if contains(keys(var.role_members), role) }

  project    = var.project_id
  dataset_id = google_bigquery_dataset.domain.dataset_id
  table_id   = google_bigquery_table.product.table_id
  role       = "roles/bigquery.dataViewer"
  members    = each.value
}
