# Table maintenance on a timetable: an EventBridge rule invokes the maintenance function
# (lambda_adapters/handle_maintenance.py over stores/iceberg/maintenance.py maintain_lake), which
# compacts small data files, expires snapshots older than maintenance_retain_days and deletes the
# files under the tables and staging/ that nothing references any more (docs/tables.md,
# Maintenance). The function is invoked asynchronously: Lambda retries a failed run
# (maintenance_max_retries), its Errors metric is alarmed (orchestration.tf), and the next run
# redoes what a failed one left, since every step starts from the tables as they are.

locals {
  maintenance_rule_name = "${var.name_prefix}-table-maintenance"
  maintenance_rule_arn  = "arn:${local.partition}:events:${var.region}:${local.account_id}:rule/${local.maintenance_rule_name}"
}

resource "aws_cloudwatch_event_rule" "maintenance" {
  name                = local.maintenance_rule_name
  description         = "olist-lakehouse table maintenance: compact, expire snapshots older than ${var.maintenance_retain_days} days, delete orphan files"
  schedule_expression = var.maintenance_schedule_expression
}

resource "aws_cloudwatch_event_target" "maintenance" {
  rule = aws_cloudwatch_event_rule.maintenance.name
  arn  = aws_lambda_function.this["maintenance"].arn
}

# Only this deployment's maintenance rule may invoke the function.
resource "aws_lambda_permission" "maintenance_schedule" {
  statement_id  = "AllowMaintenanceSchedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this["maintenance"].function_name
  principal     = "events.amazonaws.com"
  source_arn    = local.maintenance_rule_arn
}

resource "aws_lambda_function_event_invoke_config" "maintenance" {
  function_name          = aws_lambda_function.this["maintenance"].function_name
  maximum_retry_attempts = var.maintenance_max_retries
}
