data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  # One source of truth: rendered from the Python modules by render_generated.py.
  catalogue = jsondecode(file("${path.module}/generated/lambda_functions.json"))
  zones     = jsondecode(file("${path.module}/generated/lake.json")).zones
  env_names = local.catalogue.environment
  functions = local.catalogue.functions

  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  lake_bucket_name      = "${var.name_prefix}-lake-${local.account_id}"
  results_bucket_name   = "${var.name_prefix}-athena-results-${local.account_id}"
  artifacts_bucket_name = "${var.name_prefix}-artifacts-${local.account_id}"

  lambda_zip_path  = coalesce(var.lambda_zip_path, "${path.module}/../build/lambda.zip")
  lambda_zip_hash  = filebase64sha256(local.lambda_zip_path)
  layer_zip_path   = coalesce(var.layer_zip_path, "${path.module}/../build/layer.zip")
  layer_zip_sha256 = filesha256(local.layer_zip_path)

  function_names = {
    for name in keys(local.functions) : name => "${var.name_prefix}-${replace(name, "_", "-")}"
  }
  state_machine_name = "${var.name_prefix}-refresh-business"

  # Every ARN the policies, the state machine and the alarms name is built from names, never from
  # resource attributes: the functions and the state machine refer to each other (attributes would
  # form a cycle), and policies built from known values render at plan time, where
  # `terraform test` asserts them and infrastructure/check.sh lints them with parliament.
  arn = {
    lambda  = "arn:${local.partition}:lambda:${var.region}:${local.account_id}"
    states  = "arn:${local.partition}:states:${var.region}:${local.account_id}"
    sqs     = "arn:${local.partition}:sqs:${var.region}:${local.account_id}"
    sns     = "arn:${local.partition}:sns:${var.region}:${local.account_id}"
    logs    = "arn:${local.partition}:logs:${var.region}:${local.account_id}"
    glue    = "arn:${local.partition}:glue:${var.region}:${local.account_id}"
    athena  = "arn:${local.partition}:athena:${var.region}:${local.account_id}"
    alarms  = "arn:${local.partition}:cloudwatch:${var.region}:${local.account_id}:alarm"
    buckets = "arn:${local.partition}:s3:::"
  }
  function_arns = {
    for name, function_name in local.function_names : name => "${local.arn.lambda}:function:${function_name}"
  }
  log_group_names   = { for name, function_name in local.function_names : name => "/aws/lambda/${function_name}" }
  state_machine_arn = "${local.arn.states}:stateMachine:${local.state_machine_name}"
  executions_arn    = "${local.arn.states}:execution:${local.state_machine_name}:*"
  lake_bucket_arn   = "${local.arn.buckets}${local.lake_bucket_name}"
  results_arn       = "${local.arn.buckets}${local.results_bucket_name}"
  queue_names = {
    landing             = "${var.name_prefix}-landing"
    landing_dead_letter = "${var.name_prefix}-landing-dead-letter"
    notify_dead_letter  = "${var.name_prefix}-notify-dead-letter"
  }
  queue_arns        = { for name, queue in local.queue_names : name => "${local.arn.sqs}:${queue}" }
  topic_name        = "${var.name_prefix}-failures"
  topic_arn         = "${local.arn.sns}:${local.topic_name}"
  metrics_namespace = var.name_prefix

  clean_database          = replace("${var.name_prefix}_clean", "-", "_")
  business_database       = replace("${var.name_prefix}_business", "-", "_")
  quarantine_database     = replace("${var.name_prefix}_quarantine", "-", "_")
  workgroup_name          = var.name_prefix
  pipeline_workgroup_name = "${var.name_prefix}-pipeline"
  pipeline_workgroup_arn  = "${local.arn.athena}:workgroup/${local.pipeline_workgroup_name}"

  # Every environment variable a handler may read, by its constant name in settings.py.
  env_values = {
    (local.env_names.LAKE_URL)                 = "s3://${local.lake_bucket_name}/"
    (local.env_names.CATALOG)                  = "glue"
    (local.env_names.GLUE_DATABASE_CLEAN)      = local.clean_database
    (local.env_names.GLUE_DATABASE_BUSINESS)   = local.business_database
    (local.env_names.GLUE_DATABASE_QUARANTINE) = local.quarantine_database
    (local.env_names.ATHENA_WORKGROUP)         = local.pipeline_workgroup_name
    (local.env_names.STATE_MACHINE_ARN)        = local.state_machine_arn
    (local.env_names.REFRESH_DEBOUNCE_SECONDS) = tostring(var.refresh_debounce_seconds)
    (local.env_names.FAILURE_TOPIC_ARN)        = local.topic_arn
    (local.env_names.METRICS_NAMESPACE)        = local.metrics_namespace
    (local.env_names.CODE_VERSION)             = coalesce(var.code_version, local.lambda_zip_hash)
    (local.env_names.MAINTENANCE_RETAIN_DAYS)  = tostring(var.maintenance_retain_days)
  }
  function_env = {
    for name, spec in local.functions : name => { for env in spec.env : env => lookup(local.env_values, env, "") }
  }
}
