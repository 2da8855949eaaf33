data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  # One source of truth: rendered from the Python modules by render_generated.py.
  catalogue    = jsondecode(file("${path.module}/generated/lambda_functions.json"))
  clean_tables = jsondecode(file("${path.module}/generated/clean_tables.json"))
  zones        = jsondecode(file("${path.module}/generated/lake.json")).zones
  env_names    = local.catalogue.environment
  functions    = local.catalogue.functions

  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  lake_bucket_name    = "${var.name_prefix}-lake-${local.account_id}"
  results_bucket_name = "${var.name_prefix}-athena-results-${local.account_id}"

  lambda_zip_path  = coalesce(var.lambda_zip_path, "${path.module}/../build/lambda.zip")
  lambda_zip_hash  = filebase64sha256(local.lambda_zip_path)
  pandas_layer_arn = lookup(var.aws_sdk_pandas_layer_arns, var.region, null)

  function_names = {
    for name in keys(local.functions) : name => "${var.name_prefix}-${replace(name, "_", "-")}"
  }
  # Built from names, not resource attributes: the state machine invokes the functions and the
  # landing function starts the state machine, so ARNs from attributes would form a cycle.
  function_arns = {
    for name, function_name in local.function_names :
    name => "arn:${local.partition}:lambda:${var.region}:${local.account_id}:function:${function_name}"
  }
  state_machine_name = "${var.name_prefix}-refresh-business"
  state_machine_arn  = "arn:${local.partition}:states:${var.region}:${local.account_id}:stateMachine:${local.state_machine_name}"

  clean_database          = replace("${var.name_prefix}_clean", "-", "_")
  business_database       = replace("${var.name_prefix}_business", "-", "_")
  workgroup_name          = var.name_prefix
  pipeline_workgroup_name = "${var.name_prefix}-pipeline"

  # Every environment variable a handler may read, by its constant name in settings.py.
  env_values = {
    (local.env_names.LAKE_URL)                 = "s3://${local.lake_bucket_name}/"
    (local.env_names.GLUE_DATABASE_CLEAN)      = local.clean_database
    (local.env_names.GLUE_DATABASE_BUSINESS)   = local.business_database
    (local.env_names.ATHENA_WORKGROUP)         = local.pipeline_workgroup_name
    (local.env_names.STATE_MACHINE_ARN)        = local.state_machine_arn
    (local.env_names.REFRESH_DEBOUNCE_SECONDS) = tostring(var.refresh_debounce_seconds)
    (local.env_names.FAILURE_TOPIC_ARN)        = aws_sns_topic.failures.arn
    (local.env_names.CODE_VERSION)             = coalesce(var.code_version, local.lambda_zip_hash)
  }
  function_env = {
    for name, spec in local.functions : name => { for env in spec.env : env => lookup(local.env_values, env, "") }
  }
}
