[%- from 'templates/_lib/starter.jinja' import fields -%]
# Storage, catalog table and access roles of [[ domain ]].[[ product ]] ([[ storage ]] on S3 + Glue).
# Generated from the starter contract: keep the columns in step with
# data-product-contract.yaml (spec.schema) and the roles with spec.access.roles.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  table_name     = "[[ product ]]"
  database_name  = replace(var.domain, "-", "_")
  table_location = "s3://${aws_s3_bucket.product.bucket}/${var.domain}/${local.table_name}"
  # spec.access.roles of the contract
  access_roles = [[ roles.split(',') | to_json ]]
}

resource "aws_s3_bucket" "product" {
  bucket = "${var.bucket_prefix}-${var.domain}-${var.environment}"
}

resource "aws_s3_bucket_versioning" "product" {
  bucket = aws_s3_bucket.product.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "product" {
  bucket = aws_s3_bucket.product.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "product" {
  bucket                  = aws_s3_bucket.product.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_glue_catalog_database" "domain" {
  name        = local.database_name
  description = "Data products of the ${var.domain} domain."
}

resource "aws_glue_catalog_table" "product" {
  name          = local.table_name
  database_name = aws_glue_catalog_database.domain.name
  description   = "[[ description ]]"
  table_type    = "EXTERNAL_TABLE"

  parameters = {
[%- if storage == 'iceberg' %]
    "table_type"        = "ICEBERG"
    "format"            = "parquet"
    "datamesh.contract" = "[[ domain ]].[[ product ]]"
[%- else %]
    "spark.sql.sources.provider" = "delta"
    "classification"             = "delta"
    "datamesh.contract"          = "[[ domain ]].[[ product ]]"
[%- endif %]
  }
[%- if storage == 'iceberg' %]

  open_table_format_input {
    iceberg_input {
      metadata_operation = "CREATE"
      version            = "2"
    }
  }
[%- endif %]

  storage_descriptor {
    location = local.table_location
[%- for f in fields %]

    columns {
      name    = "[[ f.name ]]"
      type    = "[[ f.glue ]]"
      comment = "[[ f.description ]]"
    }
[%- endfor %]
  }
}

# One reader role per access role of the contract.
data "aws_iam_policy_document" "assume" {
  for_each = toset(local.access_roles)

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = lookup(var.role_principals, each.key, ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"])
    }
  }
}

data "aws_iam_policy_document" "read" {
  statement {
    sid       = "ReadTableFiles"
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = [aws_s3_bucket.product.arn, "${aws_s3_bucket.product.arn}/${var.domain}/${local.table_name}/*"]
  }

  statement {
    sid     = "ReadCatalog"
    actions = ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartitions"]
    resources = [
      "arn:${data.aws_partition.current.partition}:glue:${var.region}:${data.aws_caller_identity.current.account_id}:catalog",
      aws_glue_catalog_database.domain.arn,
      aws_glue_catalog_table.product.arn,
    ]
  }
}

resource "aws_iam_role" "reader" {
  for_each = toset(local.access_roles)

  name               = "${var.domain}-${local.table_name}-${each.key}-${var.environment}"
  assume_role_policy = data.aws_iam_policy_document.assume[each.key].json
}

resource "aws_iam_role_policy" "read" {
  for_each = toset(local.access_roles)

  name   = "read-${local.table_name}"
  role   = aws_iam_role.reader[each.key].id
  policy = data.aws_iam_policy_document.read.json
}
