# The event path: S3 object-created and object-removed events under raw/ -> the landing queue
# (SQS) -> the landing function, in batches, at most landing_max_concurrency invocations at once.
# A message whose landing raised is reported back (ReportBatchItemFailures) and retried after the
# visibility timeout; after landing_max_receive_count receives it moves to the landing dead-letter
# queue, from which `aws sqs start-message-move-task` redrives it (docs/deploy.md). S3 sends to SQS
# directly: one consumer, one prefix, and the notification carries the version id and sequencer
# that deduplicate deliveries; EventBridge would add filtering and fan-out this path does not need.

locals {
  landing_timeout = lookup(var.function_timeout_seconds, "landing", 60)
  # AWS's guidance for an SQS event source: at least six times the function timeout, plus the
  # batching window, so throttled and retried invocations do not release messages early.
  landing_visibility_timeout = 6 * local.landing_timeout + var.landing_batching_window_seconds
}

resource "aws_sqs_queue" "landing" {
  name                       = local.queue_names.landing
  visibility_timeout_seconds = local.landing_visibility_timeout
  message_retention_seconds  = 1209600
  sqs_managed_sse_enabled    = true

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.landing_dead_letter.arn
    maxReceiveCount     = var.landing_max_receive_count
  })

  lifecycle {
    precondition {
      condition     = local.landing_visibility_timeout <= 43200
      error_message = "Six landing timeouts plus the batching window exceed SQS's 12-hour visibility timeout: lower the landing timeout."
    }
  }
}

resource "aws_sqs_queue" "landing_dead_letter" {
  name                      = local.queue_names.landing_dead_letter
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
}

# Only the landing queue may use it as its dead-letter queue, and so be redriven from it.
resource "aws_sqs_queue_redrive_allow_policy" "landing_dead_letter" {
  queue_url = aws_sqs_queue.landing_dead_letter.id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [local.queue_arns.landing]
  })
}

# S3 may send the lake bucket's events, and nothing else may send anything.
resource "aws_sqs_queue_policy" "landing" {
  queue_url = aws_sqs_queue.landing.id
  policy    = jsonencode(local.landing_queue_policy)
}

locals {
  landing_queue_policy = {
    Version = "2012-10-17"
    Statement = [{
      Sid       = "LakeBucketEvents"
      Effect    = "Allow"
      Principal = { Service = "s3.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = local.queue_arns.landing
      Condition = {
        ArnEquals    = { "aws:SourceArn" = local.lake_bucket_arn }
        StringEquals = { "aws:SourceAccount" = local.account_id }
      }
    }]
  }
}

resource "aws_lambda_event_source_mapping" "landing" {
  event_source_arn                   = aws_sqs_queue.landing.arn
  function_name                      = aws_lambda_function.this["landing"].arn
  batch_size                         = var.landing_batch_size
  maximum_batching_window_in_seconds = var.landing_batching_window_seconds
  function_response_types            = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = var.landing_max_concurrency
  }
}
