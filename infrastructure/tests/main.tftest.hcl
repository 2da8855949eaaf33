# Offline checks of the plan's properties that matter, against a mocked AWS provider.
# Run from infrastructure/: `terraform test` (infrastructure/check.sh does). Policies are JSON built
# from names (iam.tf), so the documents asserted here are the ones AWS receives.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
  # Computed ARNs the provider validates (roles, layers, destinations) must look real.
  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:us-east-1:123456789012:olist-lakehouse-failures"
    }
  }
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:us-east-1:123456789012:olist-lakehouse-queue"
      url = "https://sqs.us-east-1.amazonaws.com/123456789012/olist-lakehouse-queue"
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
      arn = "arn:aws:logs:us-east-1:123456789012:log-group:mocked"
    }
  }
  mock_resource "aws_athena_workgroup" {
    defaults = {
      arn = "arn:aws:athena:us-east-1:123456789012:workgroup/olist-lakehouse"
    }
  }
  mock_resource "aws_sfn_state_machine" {
    defaults = {
      arn = "arn:aws:states:us-east-1:123456789012:stateMachine:olist-lakehouse-refresh-business"
    }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn = "arn:aws:lambda:us-east-1:123456789012:function:mocked"
    }
  }
  mock_resource "aws_lambda_layer_version" {
    defaults = {
      arn = "arn:aws:lambda:us-east-1:123456789012:layer:olist-lakehouse-dependencies:7"
    }
  }
}

override_resource {
  target = aws_sqs_queue.landing
  values = {
    arn = "arn:aws:sqs:us-east-1:123456789012:olist-lakehouse-landing"
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/olist-lakehouse-landing"
  }
}

override_resource {
  target = aws_sqs_queue.landing_dead_letter
  values = {
    arn = "arn:aws:sqs:us-east-1:123456789012:olist-lakehouse-landing-dead-letter"
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/olist-lakehouse-landing-dead-letter"
  }
}

override_resource {
  target = aws_s3_bucket.lake
  values = {
    arn = "arn:aws:s3:::olist-lakehouse-lake-123456789012"
    id  = "olist-lakehouse-lake-123456789012"
  }
}

variables {
  lambda_zip_path = "../tests/system/infrastructure/fixtures/lambda.zip"
  layer_zip_path  = "../tests/system/infrastructure/fixtures/lambda.zip"
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
      for name, policy in aws_s3_bucket_policy.this : anytrue([
        for statement in jsondecode(policy.policy).Statement :
        statement.Effect == "Deny" && statement.Action == "s3:*"
        && statement.Condition.Bool["aws:SecureTransport"] == "false"
        && contains(flatten([statement.Resource]), "arn:aws:s3:::${local.bucket_names[name]}/*")
      ])
    ])
    error_message = "Every bucket policy must deny requests without TLS."
  }
  assert {
    condition     = one(aws_s3_bucket_versioning.lake.versioning_configuration).status == "Enabled"
    error_message = "The lake bucket must be versioned to protect raw/."
  }
}

run "functions_match_the_python_catalogue_and_run_on_the_projects_layer" {
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
      for name, function in aws_lambda_function.this :
      function.runtime == "python3.12" && one(function.architectures) == "arm64"
      && length(function.layers) == length(local.functions[name].layers)
      && alltrue([for layer in function.layers : layer == aws_lambda_layer_version.dependencies.arn])
    ])
    error_message = "Functions run python3.12 on arm64, with the project's dependency layer where the catalogue names it."
  }
  assert {
    condition     = length(aws_lambda_function.this["record_failure"].layers) == 0 && length(aws_lambda_function.this["landing"].layers) == 1
    error_message = "record_failure needs only the runtime's boto3; the landing runs on the dependency layer."
  }
  assert {
    condition = (
      aws_lambda_layer_version.dependencies.compatible_runtimes == toset(["python3.12"])
      && aws_lambda_layer_version.dependencies.compatible_architectures == toset(["arm64"])
      && aws_lambda_layer_version.dependencies.s3_bucket == aws_s3_object.layer.bucket
      && aws_s3_object.layer.source_hash == filesha256(var.layer_zip_path)
    )
    error_message = "The layer is published from the uploaded build/layer.zip for python3.12 on arm64."
  }
  assert {
    condition = alltrue([
      for name in ["landing", "build_table", "quality_checks"] :
      one(aws_lambda_function.this[name].environment).variables["OLIST_CATALOG"] == "glue"
      && one(aws_lambda_function.this[name].environment).variables["OLIST_GLUE_DATABASE_QUARANTINE"] == aws_glue_catalog_database.quarantine.name
    ])
    error_message = "landing, build_table and quality_checks read the catalog kind and the quarantine database."
  }
  assert {
    condition     = one(aws_lambda_function.this["landing"].environment).variables["OLIST_LAKE_URL"] == "s3://olist-lakehouse-lake-123456789012/"
    error_message = "The landing function must receive the lake bucket as its lake URL."
  }
  assert {
    condition = (
      aws_lambda_function_event_invoke_config.record_failure.maximum_retry_attempts <= 2
      && one(one(aws_lambda_function_event_invoke_config.record_failure.destination_config).on_failure).destination == aws_sqs_queue.notify_dead_letter.arn
    )
    error_message = "record_failure, invoked asynchronously by the alarms, retries a bounded number of times, then keeps the event."
  }
  assert {
    condition     = alltrue([for group in aws_cloudwatch_log_group.function : group.retention_in_days > 0])
    error_message = "Every log group needs a retention."
  }
}

run "catalog_is_the_three_databases" {
  assert {
    condition = (
      aws_glue_catalog_database.clean.name == "olist_lakehouse_clean"
      && aws_glue_catalog_database.business.name == "olist_lakehouse_business"
      && aws_glue_catalog_database.quarantine.name == "olist_lakehouse_quarantine"
    )
    error_message = "Terraform owns the clean, business and quarantine databases."
  }
}

run "landing_is_fed_by_a_queue_in_concurrent_batches_with_partial_failures" {
  variables {
    landing_max_concurrency = 12
  }
  assert {
    condition = (
      length(aws_s3_bucket_notification.lake.lambda_function) == 0
      && one(aws_s3_bucket_notification.lake.queue).queue_arn == aws_sqs_queue.landing.arn
      && one(aws_s3_bucket_notification.lake.queue).filter_prefix == "raw/"
      && one(aws_s3_bucket_notification.lake.queue).events == toset(["s3:ObjectCreated:*", "s3:ObjectRemoved:*"])
    )
    error_message = "Object-created and object-removed events under raw/ go to the landing queue, not to the function."
  }
  assert {
    condition = (
      aws_lambda_event_source_mapping.landing.event_source_arn == aws_sqs_queue.landing.arn
      && aws_lambda_event_source_mapping.landing.function_name == aws_lambda_function.this["landing"].arn
      && aws_lambda_event_source_mapping.landing.function_response_types == toset(["ReportBatchItemFailures"])
      && aws_lambda_event_source_mapping.landing.batch_size == 10
    )
    error_message = "The landing consumes the queue in batches and reports the messages to retry."
  }
  assert {
    condition     = one(aws_lambda_event_source_mapping.landing.scaling_config).maximum_concurrency == 12
    error_message = "The landing's concurrency is landing_max_concurrency."
  }
  assert {
    condition     = aws_sqs_queue.landing.visibility_timeout_seconds >= 6 * aws_lambda_function.this["landing"].timeout
    error_message = "A message must stay invisible for six landing timeouts, so a retried batch does not run twice."
  }
  assert {
    condition = alltrue([
      for statement in jsondecode(aws_sqs_queue_policy.landing.policy).Statement :
      statement.Effect == "Allow" && statement.Principal == { Service = "s3.amazonaws.com" }
      && statement.Action == "sqs:SendMessage"
      && statement.Condition.ArnEquals["aws:SourceArn"] == "arn:aws:s3:::olist-lakehouse-lake-123456789012"
    ])
    error_message = "Only the lake bucket's S3 events may be sent to the landing queue."
  }
  assert {
    condition     = alltrue([for queue in [aws_sqs_queue.landing, aws_sqs_queue.landing_dead_letter, aws_sqs_queue.notify_dead_letter] : queue.sqs_managed_sse_enabled])
    error_message = "Every queue is encrypted at rest."
  }
}

run "failed_landings_end_in_a_dead_letter_queue_they_can_be_redriven_from" {
  variables {
    landing_max_receive_count = 3
  }
  assert {
    condition = jsondecode(aws_sqs_queue.landing.redrive_policy) == {
      deadLetterTargetArn = "arn:aws:sqs:us-east-1:123456789012:olist-lakehouse-landing-dead-letter"
      maxReceiveCount     = 3
    }
    error_message = "The landing queue moves a message to its dead-letter queue after landing_max_receive_count receives."
  }
  assert {
    condition = jsondecode(aws_sqs_queue_redrive_allow_policy.landing_dead_letter.redrive_allow_policy) == {
      redrivePermission = "byQueue"
      sourceQueueArns   = ["arn:aws:sqs:us-east-1:123456789012:olist-lakehouse-landing"]
    }
    error_message = "Only the landing queue may use the landing dead-letter queue."
  }
  assert {
    condition     = output.redrive_command == "aws sqs start-message-move-task --region us-east-1 --source-arn arn:aws:sqs:us-east-1:123456789012:olist-lakehouse-landing-dead-letter --destination-arn arn:aws:sqs:us-east-1:123456789012:olist-lakehouse-landing"
    error_message = "The documented redrive command moves the dead letters back to the landing queue."
  }
}

run "a_concurrency_below_the_event_source_minimum_is_refused" {
  command = plan
  variables {
    landing_max_concurrency = 1
  }
  expect_failures = [var.landing_max_concurrency]
}

run "policies_grant_each_role_only_its_prefixes_databases_and_records" {
  assert {
    condition = alltrue(flatten([
      for policy in aws_iam_role_policy.function : [
        for statement in jsondecode(policy.policy).Statement : [
          for action in flatten([statement.Action]) : action != "*" && !endswith(action, ":*")
        ]
      ]
    ]))
    error_message = "Function policies may not use a wildcard action."
  }
  assert {
    condition = alltrue(flatten([
      for policy in aws_iam_role_policy.function : [
        for statement in jsondecode(policy.policy).Statement : !contains(flatten([statement.Resource]), "*")
      ]
    ]))
    error_message = "Function policies may not use the \"*\" resource."
  }
  assert {
    condition = alltrue(flatten([
      for policy in aws_iam_role_policy.function : [
        for statement in jsondecode(policy.policy).Statement :
        !contains(flatten([statement.Action]), "s3:ListBucket") || try(
          length(statement.Condition.StringLikeIfExists["s3:prefix"]) > 0
          && alltrue([for prefix in statement.Condition.StringLikeIfExists["s3:prefix"] : endswith(prefix, "/*") && prefix != "/*"]),
          false
        )
      ]
    ]))
    error_message = "Every s3:ListBucket is limited to named prefixes by an s3:prefix condition."
  }
  assert {
    condition = jsonencode({
      for name, policy in aws_iam_role_policy.function : name => sort(distinct(flatten([
        for statement in jsondecode(policy.policy).Statement : [
          for resource in flatten([statement.Resource]) :
          trimprefix(resource, "arn:aws:s3:::olist-lakehouse-lake-123456789012/runs/")
          if contains(flatten([statement.Action]), "s3:PutObject") && startswith(resource, "arn:aws:s3:::olist-lakehouse-lake-123456789012/runs/")
        ]
      ])))
      }) == jsonencode({
      landing        = ["failures/landing/*", "landing/*", "refresh/state.json"]
      check_inputs   = ["refresh/state.json"]
      build_table    = ["business/*"]
      quality_checks = ["checks/*"]
      maintenance    = []
      record_failure = ["failures/alarm/*", "failures/refresh/*"]
    })
    error_message = "Each role writes only its own records under runs/ (and the shared refresh state object)."
  }
  assert {
    condition = alltrue([
      for name, policy in aws_iam_role_policy.function : !anytrue([
        for statement in jsondecode(policy.policy).Statement :
        contains(flatten([statement.Action]), "s3:PutObject") && contains(flatten([statement.Resource]), "arn:aws:s3:::olist-lakehouse-lake-123456789012/raw/*")
      ])
    ])
    error_message = "No function may write to raw/: it is the record of what was received."
  }
  assert {
    condition = jsonencode({
      for name, policy in aws_iam_role_policy.function : name => sort(distinct(flatten([
        for statement in jsondecode(policy.policy).Statement : [
          for resource in flatten([statement.Resource]) : split("/", resource)[1]
          if contains(flatten([statement.Action]), "glue:UpdateTable") && strcontains(resource, ":table/")
        ]
      ])))
      }) == jsonencode({
      landing        = ["olist_lakehouse_clean", "olist_lakehouse_quarantine"]
      check_inputs   = []
      build_table    = ["olist_lakehouse_business"]
      quality_checks = []
      maintenance    = ["olist_lakehouse_business", "olist_lakehouse_clean", "olist_lakehouse_quarantine"]
      record_failure = []
    })
    error_message = "Only the landing commits clean and quarantine tables, only build_table commits business tables, and maintenance commits compactions and expiries of all three."
  }
  assert {
    condition = alltrue([
      for action in ["glue:GetTable", "glue:CreateTable", "glue:UpdateTable", "glue:GetDatabase"] : anytrue([
        for statement in jsondecode(aws_iam_role_policy.function["landing"].policy).Statement :
        contains(flatten([statement.Action]), action)
        && contains(flatten([statement.Resource]), "arn:aws:glue:us-east-1:123456789012:table/olist_lakehouse_clean/*")
        && contains(flatten([statement.Resource]), "arn:aws:glue:us-east-1:123456789012:database/olist_lakehouse_quarantine")
      ])
    ])
    error_message = "pyiceberg's Glue catalog needs GetDatabase, GetTable, CreateTable and UpdateTable on the landing's databases."
  }
  assert {
    condition = alltrue([
      for zone in ["clean", "quarantine", "staging"] : anytrue([
        for statement in jsondecode(aws_iam_role_policy.function["landing"].policy).Statement :
        contains(flatten([statement.Action]), "s3:PutObject") && contains(flatten([statement.Action]), "s3:DeleteObject")
        && contains(flatten([statement.Resource]), "arn:aws:s3:::olist-lakehouse-lake-123456789012/${zone}/*")
      ])
    ])
    error_message = "The landing reads and writes the Iceberg table locations clean/ and quarantine/, and staging/."
  }
  assert {
    condition = anytrue([
      for statement in jsondecode(aws_iam_role_policy.function["landing"].policy).Statement :
      statement.Action == ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"]
      && statement.Resource == "arn:aws:sqs:us-east-1:123456789012:olist-lakehouse-landing"
    ])
    error_message = "The landing role consumes the landing queue, and only it."
  }
  assert {
    condition = alltrue(flatten([
      for statement in jsondecode(aws_iam_role_policy.state_machine.policy).Statement :
      [for action in flatten([statement.Action]) : action != "*" && !endswith(action, ":*")]
    ]))
    error_message = "The state machine's policy may not use a wildcard action."
  }
}

run "maintenance_runs_on_its_schedule_with_access_to_the_tables_and_staging_only" {
  variables {
    maintenance_schedule_expression = "cron(0 3 ? * SUN *)"
    maintenance_retain_days         = 14
  }
  assert {
    condition = (
      aws_cloudwatch_event_rule.maintenance.schedule_expression == "cron(0 3 ? * SUN *)"
      && aws_cloudwatch_event_target.maintenance.rule == aws_cloudwatch_event_rule.maintenance.name
      && aws_cloudwatch_event_target.maintenance.arn == aws_lambda_function.this["maintenance"].arn
    )
    error_message = "The maintenance rule runs on maintenance_schedule_expression and targets the maintenance function."
  }
  assert {
    condition = (
      aws_lambda_permission.maintenance_schedule.principal == "events.amazonaws.com"
      && aws_lambda_permission.maintenance_schedule.action == "lambda:InvokeFunction"
      && aws_lambda_permission.maintenance_schedule.source_arn == "arn:aws:events:us-east-1:123456789012:rule/olist-lakehouse-table-maintenance"
    )
    error_message = "Only this deployment's maintenance rule may invoke the maintenance function."
  }
  assert {
    condition = (
      one(aws_lambda_function.this["maintenance"].environment).variables["OLIST_MAINTENANCE_RETAIN_DAYS"] == "14"
      && aws_lambda_function.this["maintenance"].handler == "lambda_adapters.handle_maintenance.lambda_handler"
      && aws_lambda_function.this["maintenance"].timeout == 900
      && aws_lambda_function.this["maintenance"].memory_size == 1769
      && aws_lambda_function_event_invoke_config.maintenance.maximum_retry_attempts == 1
    )
    error_message = "The maintenance function gets the retention, Lambda's longest timeout and the landing's memory, and a bounded retry."
  }
  assert {
    condition = jsonencode(sort(distinct(flatten([
      for statement in jsondecode(aws_iam_role_policy.function["maintenance"].policy).Statement : [
        for resource in flatten([statement.Resource]) :
        trimprefix(resource, "arn:aws:s3:::olist-lakehouse-lake-123456789012/")
        if anytrue([for action in flatten([statement.Action]) : contains(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], action)])
      ]
    ])))) == jsonencode(["business/*", "clean/*", "quarantine/*", "staging/*"])
    error_message = "Maintenance reads, writes and deletes objects only under the table locations and staging/."
  }
  assert {
    condition = alltrue([
      for statement in jsondecode(aws_iam_role_policy.function["maintenance"].policy).Statement :
      !contains(flatten([statement.Resource]), "arn:aws:s3:::olist-lakehouse-lake-123456789012/staging/*")
      || flatten([statement.Action]) == ["s3:DeleteObject"]
    ])
    error_message = "Maintenance only deletes staged batches: it never reads nor writes them."
  }
  assert {
    condition = toset(flatten([
      for statement in jsondecode(aws_iam_role_policy.function["maintenance"].policy).Statement :
      flatten([statement.Action]) if startswith(flatten([statement.Action])[0], "glue:")
    ])) == toset(["glue:GetDatabase", "glue:GetTable", "glue:UpdateTable"])
    error_message = "Maintenance reads and updates Glue tables; it creates and deletes none."
  }
  assert {
    condition = !anytrue([
      for statement in jsondecode(aws_iam_role_policy.state_machine.policy).Statement :
      contains(flatten([statement.Resource]), local.function_arns["maintenance"])
    ])
    error_message = "The business refresh may not invoke the maintenance function: only its schedule does."
  }
}

run "a_maintenance_retention_under_a_day_or_a_malformed_schedule_is_refused" {
  command = plan
  variables {
    maintenance_retain_days         = 0
    maintenance_schedule_expression = "every night at 4"
  }
  expect_failures = [var.maintenance_retain_days, var.maintenance_schedule_expression]
}

run "failure_topic_is_encrypted_and_every_alarm_notifies_through_record_failure" {
  variables {
    refresh_overdue_seconds       = 1800
    quarantine_rate_alarm_percent = 2
  }
  assert {
    condition     = aws_sns_topic.failures.kms_master_key_id == "alias/aws/sns"
    error_message = "The failure topic is encrypted with the AWS-managed SNS key."
  }
  assert {
    condition = alltrue([
      for alarm in aws_cloudwatch_metric_alarm.this : alarm.alarm_actions == toset(["arn:aws:lambda:us-east-1:123456789012:function:olist-lakehouse-record-failure"])
    ])
    error_message = "Alarms cannot publish to a topic under the AWS-managed key: every alarm invokes record_failure."
  }
  assert {
    condition = (
      aws_lambda_permission.alarms_notify.principal == "lambda.alarms.cloudwatch.amazonaws.com"
      && aws_lambda_permission.alarms_notify.source_arn == "arn:aws:cloudwatch:us-east-1:123456789012:alarm:olist-lakehouse-*"
    )
    error_message = "Only this deployment's alarms may invoke record_failure."
  }
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["refresh_overdue"].threshold == 1800
      && one([for q in aws_cloudwatch_metric_alarm.this["refresh_overdue"].metric_query : one(q.metric) if q.return_data]).metric_name == "RefreshPendingSeconds"
      && one([for q in aws_cloudwatch_metric_alarm.this["refresh_overdue"].metric_query : one(q.metric) if q.return_data]).namespace == "olist-lakehouse"
    )
    error_message = "The staleness alarm watches the seconds a landing waits for a refresh."
  }
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["quarantine_rate"].threshold == 2
      && one([for q in aws_cloudwatch_metric_alarm.this["quarantine_rate"].metric_query : one(q.metric) if q.return_data]).metric_name == "QuarantineRate"
      && one([for q in aws_cloudwatch_metric_alarm.this["quarantine_rate"].metric_query : one(q.metric) if q.return_data]).dimensions["FunctionName"] == "olist-lakehouse-landing"
    )
    error_message = "The quarantine alarm watches the landing's per-batch quarantine rate."
  }
  assert {
    condition = (
      one([for q in aws_cloudwatch_metric_alarm.this["refresh_failed"].metric_query : q.expression if q.return_data]) == "failed + timed_out + aborted"
      && length(aws_cloudwatch_metric_alarm.this["refresh_failed"].metric_query) == 4
    )
    error_message = "A refresh that failed, timed out or was aborted alarms."
  }
  assert {
    condition     = alltrue([for name in ["landing_dead_letter", "landing_backlog", "notify_dead_letter"] : contains(keys(aws_cloudwatch_metric_alarm.this), name)])
    error_message = "The dead-letter queues and the landing backlog are alarmed."
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
    condition = alltrue([
      for name in ["landing", "check_inputs"] :
      one(aws_lambda_function.this[name].environment).variables["OLIST_STATE_MACHINE_ARN"] == "arn:aws:states:us-east-1:123456789012:stateMachine:${aws_sfn_state_machine.refresh_business.name}"
    ])
    error_message = "The landing starts this state machine and check_inputs watches its executions."
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

run "us_east_1_deploys_out_of_the_box" {
  command = plan
  assert {
    condition     = var.region == "us-east-1" && aws_lambda_layer_version.dependencies.layer_name == "olist-lakehouse-dependencies"
    error_message = "The default region plans, with the project's layer published there."
  }
  assert {
    condition = (
      length(var.supported_regions) == 28 && length(distinct(var.supported_regions)) == 28
      && alltrue([for region in var.supported_regions : can(regex("^(af|ap|ca|eu|il|me|sa|us)-[a-z]+-[0-9]$", region))])
    )
    error_message = "supported_regions lists the 28 commercial regions where Lambda runs python3.12 on arm64."
  }
}

run "an_opt_in_region_of_the_list_deploys" {
  command = plan
  variables {
    region = "ap-southeast-4"
  }
  assert {
    condition     = strcontains(local.state_machine_arn, ":states:ap-southeast-4:") && strcontains(local.queue_arns.landing, ":sqs:ap-southeast-4:")
    error_message = "Every ARN is built in the deployment's region."
  }
}

run "a_region_outside_the_list_is_refused_at_plan_time" {
  command = plan
  variables {
    region = "us-gov-west-1"
  }
  expect_failures = [var.region]
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
