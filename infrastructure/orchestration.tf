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

resource "aws_sns_topic" "failures" {
  #checkov:skip=CKV_AWS_26:CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed SNS key, and messages carry no data (table names and error text only).
  name = "${var.name_prefix}-failures"
}

resource "aws_sns_topic_subscription" "alert_email" {
  count = var.alert_email == null ? 0 : 1

  topic_arn = aws_sns_topic.failures.arn
  protocol  = "email"
  endpoint  = var.alert_email
}

data "aws_iam_policy_document" "failures_topic" {
  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.failures.arn]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_sns_topic_policy" "failures" {
  arn    = aws_sns_topic.failures.arn
  policy = data.aws_iam_policy_document.failures_topic.json
}

locals {
  # Every alarm fires on the first failure in a 5-minute window and notifies the failures topic.
  alarms = merge(
    {
      for name in keys(local.functions) : "${name}_errors" => {
        alarm_name  = "${local.function_names[name]}-errors"
        description = "The ${name} function raised errors; see its log group."
        namespace   = "AWS/Lambda"
        metric_name = "Errors"
        dimensions  = { FunctionName = aws_lambda_function.this[name].function_name }
        statistic   = "Sum"
      }
    },
    {
      dead_letter_depth = {
        alarm_name  = "${var.name_prefix}-dead-letter-not-empty"
        description = "Events failed every retry and wait in the dead-letter queue; inspect and redrive them."
        namespace   = "AWS/SQS"
        metric_name = "ApproximateNumberOfMessagesVisible"
        dimensions  = { QueueName = aws_sqs_queue.dead_letter.name }
        statistic   = "Maximum"
      }
      refresh_failed = {
        alarm_name  = "${local.state_machine_name}-failed"
        description = "A business refresh execution failed, timed out or was aborted."
        namespace   = "AWS/States"
        metric_name = "ExecutionsFailed"
        dimensions  = { StateMachineArn = aws_sfn_state_machine.refresh_business.arn }
        statistic   = "Sum"
      }
    },
  )
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = each.value.alarm_name
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.failures.arn]
}
