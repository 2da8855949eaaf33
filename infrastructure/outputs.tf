output "lake_bucket" {
  description = "The lake bucket: upload the Olist CSV files under raw/."
  value       = aws_s3_bucket.lake.bucket
}

output "lake_url" {
  description = "The lake URL the functions receive as OLIST_LAKE_URL."
  value       = local.env_values[local.env_names.LAKE_URL]
}

output "athena_results_bucket" {
  description = "Bucket holding Athena query results (expire after athena_results_expiration_days)."
  value       = aws_s3_bucket.athena_results.bucket
}

output "functions" {
  description = "Function name by catalogue entry."
  value       = { for name, function in aws_lambda_function.this : name => function.function_name }
}

output "state_machine_arn" {
  description = "The business refresh state machine."
  value       = aws_sfn_state_machine.refresh_business.arn
}

output "athena_workgroup" {
  description = "Workgroup to select in the Athena console (its settings are enforced)."
  value       = aws_athena_workgroup.analysts.name
}

output "athena_pipeline_workgroup" {
  description = "Workgroup the business refresh runs its CTAS in (pipeline roles only)."
  value       = aws_athena_workgroup.pipeline.name
}

output "glue_databases" {
  description = "Glue database per layer of Iceberg tables."
  value = {
    clean      = aws_glue_catalog_database.clean.name
    business   = aws_glue_catalog_database.business.name
    quarantine = aws_glue_catalog_database.quarantine.name
  }
}

output "landing_queue_url" {
  description = "The queue between the lake bucket's raw/ events and the landing function."
  value       = aws_sqs_queue.landing.url
}

output "landing_dead_letter_queue_url" {
  description = "S3 events whose landing failed landing_max_receive_count times; inspect, fix, then redrive them."
  value       = aws_sqs_queue.landing_dead_letter.url
}

output "redrive_command" {
  description = "Moves every message of the landing dead-letter queue back to the landing queue."
  value       = "aws sqs start-message-move-task --region ${var.region} --source-arn ${aws_sqs_queue.landing_dead_letter.arn} --destination-arn ${aws_sqs_queue.landing.arn}"
}

output "dependencies_layer_arn" {
  description = "The project's dependency layer version (build/layer.zip) the functions run with."
  value       = aws_lambda_layer_version.dependencies.arn
}

output "failure_topic_arn" {
  description = "SNS topic receiving failure notifications and alarms."
  value       = aws_sns_topic.failures.arn
}
