# One function per entry of settings.LAMBDA_FUNCTIONS (rendered to generated/lambda_functions.json).

resource "aws_cloudwatch_log_group" "function" {
  for_each = local.functions

  #checkov:skip=CKV_AWS_158:Logs hold counts and keys, not data; the service's default encryption applies without a KMS key charge.
  #checkov:skip=CKV_AWS_338:Retention is a variable (30 days by default): a year of pipeline logs is cost without use here.
  name              = "/aws/lambda/${local.function_names[each.key]}"
  retention_in_days = var.log_retention_days
}

resource "aws_lambda_function" "this" {
  for_each = local.functions

  #checkov:skip=CKV_AWS_117:The functions reach only S3, Glue, Athena, SNS and Step Functions APIs; a VPC would add NAT or endpoint costs and no protection.
  #checkov:skip=CKV_AWS_272:Code signing needs a Signer profile; the zip is built reproducibly by `make package` and pinned by source_code_hash.
  #checkov:skip=CKV_AWS_173:The variables are resource names, not secrets; Lambda encrypts them at rest with its service key.
  #checkov:skip=CKV_AWS_50:X-Ray tracing is a paid extra; each invocation logs structured JSON with its request id and duration.
  #checkov:skip=CKV_AWS_116:Failed asynchronous events go to the dead-letter queue through aws_lambda_function_event_invoke_config (on_failure destination), the successor of dead_letter_config.
  #checkov:skip=CKV_AWS_115:Concurrency is reserved where it protects downstream (var.reserved_concurrency, landing = 1); Step Functions bounds the others.
  function_name = local.function_names[each.key]
  description   = "olist-lakehouse ${each.key}: ${each.value.handler}"
  role          = aws_iam_role.function[each.key].arn
  handler       = each.value.handler
  runtime       = "python3.12"
  architectures = ["arm64"]

  filename         = local.lambda_zip_path
  source_code_hash = local.lambda_zip_hash
  layers           = [local.pandas_layer_arn]

  memory_size                    = lookup(var.function_memory_mb, each.key, 512)
  timeout                        = lookup(var.function_timeout_seconds, each.key, 60)
  reserved_concurrent_executions = lookup(var.reserved_concurrency, each.key, -1)

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
      condition     = local.pandas_layer_arn != null
      error_message = "No AWS SDK for pandas layer ARN for region ${var.region}: add it to aws_sdk_pandas_layer_arns (see docs/deploy.md)."
    }
  }
}

resource "aws_sqs_queue" "dead_letter" {
  name                      = "${var.name_prefix}-dead-letter"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
}

# Bounded asynchronous retries; what still fails lands in the dead-letter queue with its event.
resource "aws_lambda_function_event_invoke_config" "this" {
  for_each = local.functions

  function_name                = aws_lambda_function.this[each.key].function_name
  maximum_retry_attempts       = var.async_max_retries
  maximum_event_age_in_seconds = var.async_max_event_age_seconds

  destination_config {
    on_failure {
      destination = aws_sqs_queue.dead_letter.arn
    }
  }
}
