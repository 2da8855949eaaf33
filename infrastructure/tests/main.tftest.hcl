# Offline checks of the plan's properties that matter, against a mocked AWS provider.
# Run from infrastructure/: `terraform test` (infrastructure/check.sh does).

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
  # The mock's random strings are not JSON; the policies' statements are asserted on instead.
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
  # Computed ARNs the provider validates (alarm actions, role ARNs, destinations) must look real.
  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:af-south-1:123456789012:olist-lakehouse-failures"
    }
  }
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:af-south-1:123456789012:olist-lakehouse-dead-letter"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/olist-lakehouse-mocked"
    }
  }
  mock_resource "aws_s3_bucket" {
    defaults = {
      arn = "arn:aws:s3:::olist-lakehouse-mocked"
    }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:af-south-1:123456789012:log-group:mocked"
    }
  }
  mock_resource "aws_athena_workgroup" {
    defaults = {
      arn = "arn:aws:athena:af-south-1:123456789012:workgroup/olist-lakehouse"
    }
  }
  mock_resource "aws_sfn_state_machine" {
    defaults = {
      arn = "arn:aws:states:af-south-1:123456789012:stateMachine:olist-lakehouse-refresh-business"
    }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn = "arn:aws:lambda:af-south-1:123456789012:function:mocked"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
}

variables {
  region          = "af-south-1"
  lambda_zip_path = "../tests/system/infrastructure/fixtures/lambda.zip"
}

run "buckets_are_encrypted_private_and_tls_only" {
  assert {
    condition     = length(aws_s3_bucket_server_side_encryption_configuration.this) == length(local.buckets)
    error_message = "Every bucket needs default encryption."
  }
  assert {
    condition = alltrue([
      for config in aws_s3_bucket_server_side_encryption_configuration.this :
      contains(["AES256", "aws:kms"], one(one(config.rule).apply_server_side_encryption_by_default).sse_algorithm)
    ])
    error_message = "Default encryption must be SSE-S3 or SSE-KMS."
  }
  assert {
    condition = length(aws_s3_bucket_public_access_block.this) == length(local.buckets) && alltrue([
      for block in aws_s3_bucket_public_access_block.this :
      block.block_public_acls && block.block_public_policy && block.ignore_public_acls && block.restrict_public_buckets
    ])
    error_message = "Every bucket must block all public access."
  }
  assert {
    condition = length(aws_s3_bucket_policy.this) == length(local.buckets) && alltrue([
      for name, document in data.aws_iam_policy_document.tls_only : anytrue([
        for statement in document.statement :
        statement.effect == "Deny" && contains(statement.actions, "s3:*") && anytrue([
          for condition in statement.condition :
          condition.variable == "aws:SecureTransport" && toset(condition.values) == toset(["false"])
        ]) && contains(statement.resources, "${local.buckets[name].arn}/*")
      ])
    ])
    error_message = "Every bucket policy must deny requests without TLS."
  }
  assert {
    condition     = one(aws_s3_bucket_versioning.lake.versioning_configuration).status == "Enabled"
    error_message = "The lake bucket must be versioned to protect raw/."
  }
}

run "functions_match_the_python_catalogue" {
  assert {
    condition     = toset(keys(aws_lambda_function.this)) == toset(keys(jsondecode(file("generated/lambda_functions.json")).functions))
    error_message = "Every function of settings.LAMBDA_FUNCTIONS, and only those, is deployed."
  }
  assert {
    condition = alltrue([
      for name, function in aws_lambda_function.this :
      function.handler == local.functions[name].handler && can(regex("^lambda_adapters\\.handle_[a-z_]+\\.lambda_handler$", function.handler))
    ])
    error_message = "Each handler must be the catalogue's lambda_adapters.<module>.lambda_handler."
  }
  assert {
    condition = alltrue([
      for name, function in aws_lambda_function.this :
      toset(keys(one(function.environment).variables)) == toset(local.functions[name].env)
      && alltrue([for value in values(one(function.environment).variables) : value != ""])
    ])
    error_message = "Each function must get exactly the environment variables its handler reads, none empty."
  }
  assert {
    condition = alltrue([
      for function in aws_lambda_function.this :
      function.runtime == "python3.12" && one(function.architectures) == "arm64" && one(function.layers) == var.aws_sdk_pandas_layer_arns["af-south-1"]
    ])
    error_message = "Functions run python3.12 on arm64 with the AWS SDK for pandas layer of their region."
  }
  assert {
    condition     = one(aws_lambda_function.this["landing"].environment).variables["OLIST_LAKE_URL"] == "s3://olist-lakehouse-lake-123456789012/"
    error_message = "The landing function must receive the lake bucket as its lake URL."
  }
  assert {
    condition     = aws_lambda_function.this["landing"].reserved_concurrent_executions == 1
    error_message = "Landing writes a table's manifest read-modify-write: it must run one at a time."
  }
  assert {
    condition = alltrue([
      for config in aws_lambda_function_event_invoke_config.this :
      config.maximum_retry_attempts <= 2 && one(one(config.destination_config).on_failure).destination == aws_sqs_queue.dead_letter.arn
    ])
    error_message = "Asynchronous retries must be bounded and end in the dead-letter queue."
  }
  assert {
    condition     = alltrue([for group in aws_cloudwatch_log_group.function : group.retention_in_days > 0])
    error_message = "Every log group needs a retention."
  }
}

run "policies_name_actions_and_resources" {
  assert {
    condition = alltrue(flatten([
      for document in data.aws_iam_policy_document.function : [
        for statement in document.statement :
        !contains(statement.actions, "*") && alltrue([for action in statement.actions : !endswith(action, ":*")])
        && !contains(statement.resources, "*")
      ]
    ]))
    error_message = "Function policies may not use a wildcard action or the \"*\" resource."
  }
  assert {
    condition = alltrue(flatten([
      for statement in data.aws_iam_policy_document.state_machine.statement :
      [for action in statement.actions : action != "*" && !endswith(action, ":*")]
    ]))
    error_message = "The state machine's policy may not use a wildcard action."
  }
  assert {
    condition = alltrue([
      for name, document in data.aws_iam_policy_document.function : !anytrue([
        for statement in document.statement :
        contains(statement.actions, "s3:PutObject") && contains(statement.resources, local.lake_objects.raw)
      ])
    ])
    error_message = "No function may write to raw/: it is the record of what was received."
  }
}

run "state_machine_renders_and_invokes_the_pipeline_functions" {
  assert {
    condition     = can(jsondecode(aws_sfn_state_machine.refresh_business.definition).States)
    error_message = "The state machine definition must render to JSON with States."
  }
  assert {
    condition = alltrue([
      for name in ["check_inputs", "build_table", "quality_checks", "record_failure"] :
      strcontains(aws_sfn_state_machine.refresh_business.definition, local.function_arns[name])
    ])
    error_message = "The refresh must invoke check_inputs, build_table, quality_checks and record_failure."
  }
  assert {
    condition = alltrue([
      for arn in regexall("arn:aws:lambda:[^\"]+", aws_sfn_state_machine.refresh_business.definition) :
      contains(values(local.function_arns), arn)
    ])
    error_message = "Every function the definition invokes must be one this configuration deploys."
  }
  assert {
    condition     = one(aws_lambda_function.this["landing"].environment).variables["OLIST_STATE_MACHINE_ARN"] == "arn:aws:states:af-south-1:123456789012:stateMachine:${aws_sfn_state_machine.refresh_business.name}"
    error_message = "The landing function must start this state machine."
  }
}

run "athena_workgroups_cap_bytes_scanned_and_encrypt_results" {
  variables {
    athena_bytes_scanned_cutoff = 104857600
  }
  assert {
    condition = alltrue([
      for workgroup in [aws_athena_workgroup.analysts, aws_athena_workgroup.pipeline] :
      one(workgroup.configuration).bytes_scanned_cutoff_per_query == 104857600
      && one(one(workgroup.configuration).engine_version).selected_engine_version == "Athena engine version 3"
      && one(one(one(workgroup.configuration).result_configuration).encryption_configuration).encryption_option == "SSE_S3"
    ])
    error_message = "Every workgroup must cap bytes scanned per query, run engine v3 and encrypt results."
  }
  assert {
    condition     = one(aws_athena_workgroup.analysts.configuration).enforce_workgroup_configuration
    error_message = "The analysts' workgroup must enforce its configuration."
  }
  assert {
    condition = (
      !one(aws_athena_workgroup.pipeline.configuration).enforce_workgroup_configuration
      && one(aws_lambda_function.this["build_table"].environment).variables["OLIST_ATHENA_WORKGROUP"] == aws_athena_workgroup.pipeline.name
    )
    error_message = "The business build must run in the pipeline workgroup, which lets CTAS write into the lake."
  }
}

run "glue_clean_tables_follow_the_contracts" {
  assert {
    condition = alltrue([
      for name, table in jsondecode(file("generated/clean_tables.json")) :
      [for column in one(aws_glue_catalog_table.clean[name].storage_descriptor).columns : { name = column.name, type = column.type }]
      == [for column in table.columns : { name = column.name, type = column.type }]
    ])
    error_message = "Each clean table's Glue columns must equal its contract's names and Athena types, in order."
  }
  assert {
    condition = alltrue([
      for name, table in aws_glue_catalog_table.clean :
      one(table.storage_descriptor).location == "s3://olist-lakehouse-lake-123456789012/clean/${name}/"
      && one(one(table.storage_descriptor).ser_de_info).serialization_library == "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    ])
    error_message = "Clean tables read Parquet under clean/<table>/ in the lake bucket."
  }
}

run "a_region_without_a_layer_arn_is_refused" {
  command = plan
  variables {
    region = "eu-west-3"
  }
  expect_failures = [aws_lambda_function.this]
}

run "email_subscription_is_optional" {
  command = plan
  variables {
    alert_email = "data-team@example.com"
  }
  assert {
    condition     = length(aws_sns_topic_subscription.alert_email) == 1
    error_message = "An alert e-mail must subscribe to the failure topic."
  }
}
