# The lake (raw/, clean/, quarantine/, business/, staging/, runs/), the Athena results and the
# deployment artifacts (the dependency layer's zip).

resource "aws_s3_bucket" "lake" {
  #checkov:skip=CKV_AWS_144:Cross-region replication doubles storage cost; raw/ is versioned and the rest is rebuilt from it.
  #checkov:skip=CKV_AWS_145:SSE-S3 (AES-256) encrypts at rest without per-request KMS charges or a key policy to keep in step with every role.
  #checkov:skip=CKV_AWS_18:Server access logs would cost more than the lake at Olist scale; CloudTrail data events can be enabled per account.
  bucket        = local.lake_bucket_name
  force_destroy = var.force_destroy
}

resource "aws_s3_bucket" "athena_results" {
  #checkov:skip=CKV_AWS_144:Query results are transient and expire after athena_results_expiration_days.
  #checkov:skip=CKV_AWS_145:SSE-S3 (AES-256), as enforced by the Athena workgroup's result configuration.
  #checkov:skip=CKV_AWS_18:Transient query results; access logging would outlive the data it logs.
  #checkov:skip=CKV_AWS_21:Query results are written once and expire; versions would only keep expired results.
  #checkov:skip=CKV2_AWS_62:Nothing reacts to query results; event notifications have no consumer.
  bucket        = local.results_bucket_name
  force_destroy = true
}

resource "aws_s3_bucket" "artifacts" {
  #checkov:skip=CKV_AWS_144:Build artifacts are rebuilt by `make package`; replicating them buys nothing.
  #checkov:skip=CKV_AWS_145:SSE-S3 (AES-256); Lambda reads the layer zip once, when a layer version is published.
  #checkov:skip=CKV_AWS_18:Only Terraform writes here and Lambda reads once per layer version; access logs would outweigh the objects.
  #checkov:skip=CKV2_AWS_62:Nothing reacts to a new artifact; Terraform publishes the layer version itself.
  bucket        = local.artifacts_bucket_name
  force_destroy = true
}

locals {
  buckets = {
    lake           = aws_s3_bucket.lake
    athena_results = aws_s3_bucket.athena_results
    artifacts      = aws_s3_bucket.artifacts
  }
  bucket_names = {
    lake           = local.lake_bucket_name
    athena_results = local.results_bucket_name
    artifacts      = local.artifacts_bucket_name
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each = local.buckets

  bucket                  = each.value.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  for_each = local.buckets

  bucket = each.value.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = local.buckets

  bucket = each.value.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

locals {
  # Deny every request to a bucket or its objects that does not use TLS.
  tls_only_policies = {
    for name, bucket in local.bucket_names : name => {
      Version = "2012-10-17"
      Statement = [{
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = ["${local.arn.buckets}${bucket}", "${local.arn.buckets}${bucket}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      }]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  for_each = local.buckets

  bucket = each.value.id
  policy = jsonencode(local.tls_only_policies[each.key])

  depends_on = [aws_s3_bucket_public_access_block.this]
}

# Versioning protects raw/: an overwritten or deleted source file can be restored for
# noncurrent_version_expiration_days. The other zones are rebuilt from raw/ (business/ on every
# refresh), so their replaced versions expire after a day instead of piling up.
resource "aws_s3_bucket_versioning" "lake" {
  bucket = aws_s3_bucket.lake.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "lake" {
  bucket = aws_s3_bucket.lake.id

  rule {
    id     = "raw-to-infrequent-access"
    status = "Enabled"
    filter {
      prefix = local.zones.raw
    }
    transition {
      days          = var.raw_transition_days
      storage_class = "STANDARD_IA"
    }
  }

  rule {
    id     = "raw-keep-replaced-versions"
    status = "Enabled"
    filter {
      prefix = local.zones.raw
    }
    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }
  }

  dynamic "rule" {
    for_each = { for zone, prefix in local.zones : zone => prefix if zone != "raw" }
    content {
      id     = "${rule.key}-expire-replaced-versions"
      status = "Enabled"
      filter {
        prefix = rule.value
      }
      noncurrent_version_expiration {
        noncurrent_days = 1
      }
      expiration {
        expired_object_delete_marker = true
      }
    }
  }

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.lake]
}

# Versioned so a layer version is published from one exact object version; a replaced layer zip
# (a new key per content hash) is kept a week, then expires.
resource "aws_s3_bucket_versioning" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id

  rule {
    id     = "expire-replaced-artifacts"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = 7
    }
    expiration {
      expired_object_delete_marker = true
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.artifacts]
}

resource "aws_s3_bucket_lifecycle_configuration" "athena_results" {
  bucket = aws_s3_bucket.athena_results.id

  rule {
    id     = "expire-query-results"
    status = "Enabled"
    filter {}
    expiration {
      days = var.athena_results_expiration_days
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}
