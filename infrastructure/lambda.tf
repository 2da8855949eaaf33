# One function per entry of settings.LAMBDA_FUNCTIONS (rendered to generated/lambda_functions.json),
# each with the layers its entry names: "dependencies" is the project's layer built by
# `make package` (infrastructure/build_lambda_layer.py: pyarrow, numpy, pyiceberg[glue], tenacity,
# boto3; about 190 MB of Lambda's 250 MB unzipped), published here in the deployment's region.

resource "aws_cloudwatch_log_group" "function" {
  for_each = local.functions

  #checkov:skip=CKV_AWS_158:Logs hold counts and keys, not data; the service's default encryption applies without a KMS key charge.
  #checkov:skip=CKV_AWS_338:Retention is a variable (30 days by default): a year of pipeline logs is cost without use here.
  name              = local.log_group_names[each.key]
  retention_in_days = var.log_retention_days
}

# The layer zip is about 70 MB, over Lambda's 50 MB limit for a direct upload, so it goes through
# the artifacts bucket; its object version pins the layer version to the uploaded bytes.
resource "aws_s3_object" "layer" {
  bucket      = aws_s3_bucket.artifacts.id
  key         = "layers/dependencies-${local.layer_zip_sha256}.zip"
  source      = local.layer_zip_path
  source_hash = local.layer_zip_sha256

  depends_on = [aws_s3_bucket_versioning.artifacts]
}

resource "aws_lambda_layer_version" "dependencies" {
  layer_name               = "${var.name_prefix}-dependencies"
  description              = "olist-lakehouse dependencies: pyarrow, numpy, pyiceberg[glue], tenacity, boto3 (make package)"
  s3_bucket                = aws_s3_object.layer.bucket
  s3_key                   = aws_s3_object.layer.key
  s3_object_version        = aws_s3_object.layer.version_id
  source_code_hash         = filebase64sha256(local.layer_zip_path)
  compatible_runtimes      = ["python3.12"]
  compatible_architectures = ["arm64"]
}

locals {
  layer_arns = { dependencies = aws_lambda_layer_version.dependencies.arn }
}

resource "aws_lambda_function" "this" {
  for_each = local.functions

  #checkov:skip=CKV_AWS_117:The functions reach only S3, Glue, Athena, SNS, SQS and Step Functions APIs; a VPC would add NAT or endpoint costs and no protection.
  #checkov:skip=CKV_AWS_272:Code signing needs a Signer profile; the zips are built reproducibly by `make package` and pinned by source_code_hash.
  #checkov:skip=CKV_AWS_173:The variables are resource names, not secrets; Lambda encrypts them at rest with its service key.
  #checkov:skip=CKV_AWS_50:X-Ray tracing is a paid extra; each invocation logs structured JSON with its request id and duration.
  #checkov:skip=CKV_AWS_116:Landing failures return to the SQS queue and end in its dead-letter queue (redrive policy); record_failure's asynchronous failures go to an on-failure destination; maintenance's scheduled event carries nothing to keep (a failure is retried, alarmed, and redone by the next run); the others are invoked synchronously by Step Functions, which retries and catches.
  #checkov:skip=CKV_AWS_115:Concurrency is bounded where it protects downstream: the landing by its event source mapping's maximum concurrency (landing_max_concurrency), the builds by the state machine's Map MaxConcurrency; reserving would take from the account's unreserved pool.
  function_name = local.function_names[each.key]
  description   = "olist-lakehouse ${each.key}: ${each.value.handler}"
  role          = aws_iam_role.function[each.key].arn
  handler       = each.value.handler
  runtime       = "python3.12"
  architectures = ["arm64"]

  filename         = local.lambda_zip_path
  source_code_hash = local.lambda_zip_hash
  layers           = [for layer in each.value.layers : local.layer_arns[layer]]

  memory_size = lookup(var.function_memory_mb, each.key, 512)
  timeout     = lookup(var.function_timeout_seconds, each.key, 60)

  environment {
    variables = local.function_env[each.key]
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.function[each.key].name
  }

  lifecycle {
    precondition {
      condition     = alltrue([for env in each.value.env : contains(keys(local.env_values), env)])
      error_message = "Function ${each.key} reads an environment variable locals.tf env_values does not set."
    }
    precondition {
      condition     = alltrue([for layer in each.value.layers : contains(keys(local.layer_arns), layer)])
      error_message = "Function ${each.key} names a layer lambda.tf does not publish (settings.LAMBDA_FUNCTIONS layers)."
    }
  }

  depends_on = [aws_iam_role_policy.function]
}

# CloudWatch alarms invoke record_failure asynchronously: bounded retries, then the event is kept
# in the notify dead-letter queue (alarmed on, so a broken notification path is still visible).
resource "aws_lambda_function_event_invoke_config" "record_failure" {
  function_name          = aws_lambda_function.this["record_failure"].function_name
  maximum_retry_attempts = var.async_max_retries

  destination_config {
    on_failure {
      destination = aws_sqs_queue.notify_dead_letter.arn
    }
  }
}

resource "aws_sqs_queue" "notify_dead_letter" {
  name                      = local.queue_names.notify_dead_letter
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
}
