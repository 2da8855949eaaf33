# Two engine-v3 workgroups, both with encrypted results and a per-query cap on bytes scanned (the
# Athena bill's one driver):
# - analysts: for people and tools; its settings are enforced over the client's.
# - pipeline: for the business refresh only (IAM lets no one else use it). It cannot enforce its
#   settings, because Athena refuses a CTAS that names external_location in an enforcing workgroup,
#   and the business tables must be written into the lake's business/ prefix, not the results bucket.

resource "aws_athena_workgroup" "analysts" {
  name          = local.workgroup_name
  description   = "olist-lakehouse ad-hoc queries over the clean and business layers."
  force_destroy = true

  configuration {
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.athena_bytes_scanned_cutoff

    engine_version {
      selected_engine_version = "Athena engine version 3"
    }

    result_configuration {
      output_location       = "s3://${aws_s3_bucket.athena_results.bucket}/results/"
      expected_bucket_owner = local.account_id

      encryption_configuration {
        encryption_option = "SSE_S3"
      }
    }
  }
}

resource "aws_athena_workgroup" "pipeline" {
  #checkov:skip=CKV_AWS_82:CTAS with external_location (the atomic business rebuild) fails in a workgroup that enforces its configuration; only the pipeline roles may use this one.
  name          = local.pipeline_workgroup_name
  description   = "olist-lakehouse business refresh (CTAS into the lake); not for ad-hoc use."
  force_destroy = true

  configuration {
    enforce_workgroup_configuration    = false
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.athena_bytes_scanned_cutoff

    engine_version {
      selected_engine_version = "Athena engine version 3"
    }

    result_configuration {
      output_location       = "s3://${aws_s3_bucket.athena_results.bucket}/pipeline/"
      expected_bucket_owner = local.account_id

      encryption_configuration {
        encryption_option = "SSE_S3"
      }
    }
  }
}
