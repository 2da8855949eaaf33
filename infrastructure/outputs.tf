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
  description = "Glue database per queried layer."
  value = {
    clean    = aws_glue_catalog_database.clean.name
    business = aws_glue_catalog_database.business.name
  }
}

output "dead_letter_queue_url" {
  description = "Events that failed every retry; redrive or inspect them here."
  value       = aws_sqs_queue.dead_letter.url
}

output "failure_topic_arn" {
  description = "SNS topic receiving failure notifications and alarms."
  value       = aws_sns_topic.failures.arn
}
