# The business refresh: a Step Functions state machine started by the landing function
# (OLIST_STATE_MACHINE_ARN), failure notifications and the alarms that watch the pipeline.

locals {
  # One placeholder per catalogue function, e.g. ${build_table_function_arn}.
  state_machine_template_vars = { for name, arn in local.function_arns : "${name}_function_arn" => arn }
  state_machine_definition = templatefile(
    "${path.module}/templates/refresh_business.asl.json",
    local.state_machine_template_vars,
  )
}

resource "aws_cloudwatch_log_group" "state_machine" {
  #checkov:skip=CKV_AWS_158:ERROR-level execution logs carry table names, counts and error text; default service encryption applies.
  #checkov:skip=CKV_AWS_338:Retention is a variable (30 days by default).
  name              = "/aws/vendedlogs/states/${local.state_machine_name}"
  retention_in_days = var.log_retention_days
}

resource "aws_sfn_state_machine" "refresh_business" {
  #checkov:skip=CKV_AWS_284:X-Ray tracing is a paid extra; execution history and ERROR logs show each failed state.
  name       = local.state_machine_name
  role_arn   = aws_iam_role.state_machine.arn
  type       = "STANDARD"
  definition = local.state_machine_definition

  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.state_machine.arn}:*"
    include_execution_data = true
    level                  = "ERROR"
  }

  depends_on = [aws_iam_role_policy.state_machine]
}

# Failure notifications. The topic is encrypted with the AWS-managed SNS key; CloudWatch alarms
# cannot publish to such a topic (its key policy cannot be changed to admit them), so every alarm
# invokes record_failure instead, which keeps the alarm in runs/failures/alarm/ and publishes it
# with the function's own role, as it does for a failed refresh.
resource "aws_sns_topic" "failures" {
  name              = local.topic_name
  kms_master_key_id = "alias/aws/sns"
}

resource "aws_sns_topic_subscription" "alert_email" {
  count = var.alert_email == null ? 0 : 1

  topic_arn = aws_sns_topic.failures.arn
  protocol  = "email"
  endpoint  = var.alert_email
}

resource "aws_lambda_permission" "alarms_notify" {
  statement_id   = "AllowPipelineAlarms"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.this["record_failure"].function_name
  principal      = "lambda.alarms.cloudwatch.amazonaws.com"
  source_account = local.account_id
  source_arn     = "${local.arn.alarms}:${var.name_prefix}-*"
}

locals {
  # Each alarm watches one metric (or the sum of several) over 5 minutes, fires above its threshold
  # and invokes record_failure. Custom metrics (namespace = name_prefix) come from the functions'
  # EMF log lines: QuarantineRate per landed batch, RefreshPendingSeconds while a landing waits for
  # a refresh to claim it (olist_assets/aws/metrics.py).
  alarms = merge(
    {
      for name in keys(local.functions) : "${name}_errors" => {
        description = "The ${name} function raised errors; see its log group."
        threshold   = 0
        metrics = { m = {
          namespace  = "AWS/Lambda", name = "Errors", statistic = "Sum"
          dimensions = { FunctionName = local.function_names[name] }
        } }
      }
    },
    {
      landing_dead_letter = {
        description = "S3 events failed landing landing_max_receive_count times and wait in the landing dead-letter queue; fix the cause, then redrive them (docs/deploy.md)."
        threshold   = 0
        metrics = { m = {
          namespace  = "AWS/SQS", name = "ApproximateNumberOfMessagesVisible", statistic = "Maximum"
          dimensions = { QueueName = local.queue_names.landing_dead_letter }
        } }
      }
      landing_backlog = {
        description = "The oldest S3 event in the landing queue has waited more than landing_backlog_alarm_seconds: landing is stuck or throttled."
        threshold   = var.landing_backlog_alarm_seconds
        metrics = { m = {
          namespace  = "AWS/SQS", name = "ApproximateAgeOfOldestMessage", statistic = "Maximum"
          dimensions = { QueueName = local.queue_names.landing }
        } }
      }
      notify_dead_letter = {
        description = "Alarm notifications record_failure could not deliver wait in the notify dead-letter queue."
        threshold   = 0
        metrics = { m = {
          namespace  = "AWS/SQS", name = "ApproximateNumberOfMessagesVisible", statistic = "Maximum"
          dimensions = { QueueName = local.queue_names.notify_dead_letter }
        } }
      }
      refresh_failed = {
        description = "A business refresh execution failed, timed out or was aborted; the next landing starts a new one."
        threshold   = 0
        expression  = "failed + timed_out + aborted"
        metrics = {
          for id, metric in { failed = "ExecutionsFailed", timed_out = "ExecutionsTimedOut", aborted = "ExecutionsAborted" } :
          id => {
            namespace  = "AWS/States", name = metric, statistic = "Sum"
            dimensions = { StateMachineArn = local.state_machine_arn }
          }
        }
      }
      refresh_overdue = {
        description = "A landed file has waited more than refresh_overdue_seconds without a business refresh claiming it: the business tables are stale."
        threshold   = var.refresh_overdue_seconds
        metrics = { m = {
          namespace  = local.metrics_namespace, name = "RefreshPendingSeconds", statistic = "Maximum"
          dimensions = { StateMachineName = local.state_machine_name }
        } }
      }
      quarantine_rate = {
        description = "A landed batch sent more than quarantine_rate_alarm_percent of its rows to quarantine; see the landing log line of the batch (table, key)."
        threshold   = var.quarantine_rate_alarm_percent
        metrics = { m = {
          namespace  = local.metrics_namespace, name = "QuarantineRate", statistic = "Maximum"
          dimensions = { FunctionName = local.function_names["landing"] }
        } }
      }
    },
  )
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.name_prefix}-${replace(each.key, "_", "-")}"
  alarm_description   = each.value.description
  evaluation_periods  = 1
  threshold           = each.value.threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.function_arns["record_failure"]]

  dynamic "metric_query" {
    for_each = lookup(each.value, "expression", null) == null ? {} : { sum = each.value.expression }
    content {
      id          = "alarm"
      expression  = metric_query.value
      label       = each.key
      return_data = true
    }
  }

  dynamic "metric_query" {
    for_each = each.value.metrics
    content {
      id          = metric_query.key
      return_data = lookup(each.value, "expression", null) == null
      metric {
        namespace   = metric_query.value.namespace
        metric_name = metric_query.value.name
        stat        = metric_query.value.statistic
        dimensions  = metric_query.value.dimensions
        period      = 300
      }
    }
  }

  depends_on = [aws_lambda_permission.alarms_notify]
}
