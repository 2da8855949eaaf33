# One role per function, each allowed only the actions, lake prefixes, Glue databases and queues
# its handler uses, plus the state machine's role. No "*" action anywhere; the one "*" resource is
# commented where it occurs. Policies are JSON built from names (locals.tf), so they render at plan
# time: `terraform test` asserts them and infrastructure/check.sh lints them with parliament.
#
# Listing: s3:ListBucket on the lake only for the prefixes a role reads, with StringLikeIfExists on
# s3:prefix. "IfExists" because S3 also checks ListBucket, without any prefix in the request, to
# answer a GetObject or HeadObject of a missing key with 404 rather than 403, and pyiceberg relies
# on that 404 (it checks a new metadata file does not exist before writing it), as do the run
# records. So a listing under any other prefix is refused; a listing with no prefix parameter at
# all cannot be told apart from that check, and is not.

locals {
  # Objects of one lake zone, e.g. arn:aws:s3:::bucket/clean/*
  lake_objects = { for zone, prefix in local.zones : zone => "${local.lake_bucket_arn}/${prefix}*" }
  # Each role's own records under runs/ (olist_assets/core/runs.py)
  run_records = {
    for kind in ["landing", "business", "checks", "failures/landing", "failures/refresh", "failures/alarm"] :
    kind => "${local.lake_bucket_arn}/${local.zones.runs}${kind}/*"
  }
  # The debounce state landings and check_inputs update (olist_assets/aws/refresh.py STATE_KEY)
  refresh_state = "${local.lake_bucket_arn}/${local.zones.runs}refresh/state.json"

  glue_catalog = "${local.arn.glue}:catalog"
  glue = {
    for layer, database in {
      clean      = local.clean_database
      business   = local.business_database
      quarantine = local.quarantine_database
    } : layer => ["${local.arn.glue}:database/${database}", "${local.arn.glue}:table/${database}/*"]
  }
  glue_read  = ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartitions"]
  glue_write = ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:CreateTable", "glue:UpdateTable"]

  list_lake = {
    for name, prefixes in {
      landing        = ["raw", "clean", "quarantine", "staging", "runs/landing", "runs/refresh"]
      check_inputs   = ["clean", "runs/refresh"]
      build_table    = ["clean", "business"]
      quality_checks = ["clean", "business", "quarantine"]
      maintenance    = ["clean", "quarantine", "business", "staging"]
      } : name => {
      Sid       = "ListOwnLakePrefixes"
      Effect    = "Allow"
      Action    = "s3:ListBucket"
      Resource  = local.lake_bucket_arn
      Condition = { StringLikeIfExists = { "s3:prefix" = [for prefix in prefixes : "${prefix}/*"] } }
    }
  }

  # Athena runs a query with the caller's permissions: the workgroup, the catalog, the data read
  # and the results bucket. The pipeline's functions may use the pipeline workgroup only.
  athena_query = [
    {
      Sid      = "RunQueriesInPipelineWorkgroup"
      Effect   = "Allow"
      Action   = ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:StopQueryExecution", "athena:GetWorkGroup"]
      Resource = local.pipeline_workgroup_arn
    },
    {
      Sid      = "LocateBuckets"
      Effect   = "Allow"
      Action   = "s3:GetBucketLocation"
      Resource = [local.lake_bucket_arn, local.results_arn]
    },
    {
      Sid       = "ListPipelineResults"
      Effect    = "Allow"
      Action    = "s3:ListBucket"
      Resource  = local.results_arn
      Condition = { StringLikeIfExists = { "s3:prefix" = ["pipeline/*"] } }
    },
    {
      Sid      = "ReadWritePipelineResults"
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
      Resource = "${local.results_arn}/pipeline/*"
    },
  ]

  function_statements = {
    landing = [
      local.list_lake.landing,
      {
        Sid      = "ConsumeLandingQueue"
        Effect   = "Allow"
        Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"]
        Resource = local.queue_arns.landing
      },
      {
        Sid      = "ReadRaw"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:GetObjectVersion"]
        Resource = local.lake_objects.raw
      },
      {
        # Iceberg data, metadata and ledger files of the clean and quarantine tables, and the
        # content-addressed staged batches (olist_assets/core/lake.py)
        Sid      = "WriteCleanAndQuarantineTables"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
        Resource = [for zone in ["clean", "quarantine", "staging"] : local.lake_objects[zone]]
      },
      {
        Sid      = "WriteOwnRunRecords"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject"]
        Resource = [local.run_records["landing"], local.run_records["failures/landing"], local.refresh_state]
      },
      {
        Sid      = "CommitCleanAndQuarantineTables"
        Effect   = "Allow"
        Action   = local.glue_write
        Resource = concat([local.glue_catalog], local.glue.clean, local.glue.quarantine)
      },
      {
        Sid      = "RequestBusinessRefresh"
        Effect   = "Allow"
        Action   = "states:StartExecution"
        Resource = local.state_machine_arn
      },
      {
        Sid      = "WatchRefreshExecutions"
        Effect   = "Allow"
        Action   = "states:DescribeExecution"
        Resource = local.executions_arn
      },
    ]
    check_inputs = [
      local.list_lake.check_inputs,
      {
        Sid      = "UpdateRefreshState"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject"]
        Resource = local.refresh_state
      },
      {
        # Which clean tables hold rows: their Iceberg metadata and ledgers
        Sid      = "ReadCleanTables"
        Effect   = "Allow"
        Action   = "s3:GetObject"
        Resource = local.lake_objects.clean
      },
      {
        Sid      = "ReadCleanCatalog"
        Effect   = "Allow"
        Action   = local.glue_read
        Resource = concat([local.glue_catalog], local.glue.clean)
      },
      {
        Sid      = "WatchRefreshExecutions"
        Effect   = "Allow"
        Action   = "states:DescribeExecution"
        Resource = local.executions_arn
      },
    ]
    build_table = concat(local.athena_query, [
      local.list_lake.build_table,
      {
        Sid      = "ReadClean"
        Effect   = "Allow"
        Action   = "s3:GetObject"
        Resource = local.lake_objects.clean
      },
      {
        Sid      = "WriteBusinessTables"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
        Resource = local.lake_objects.business
      },
      {
        Sid      = "ReadCleanCatalog"
        Effect   = "Allow"
        Action   = local.glue_read
        Resource = concat([local.glue_catalog], local.glue.clean)
      },
      {
        Sid      = "CommitBusinessTables"
        Effect   = "Allow"
        Action   = concat(local.glue_write, ["glue:DeleteTable", "glue:GetPartitions"])
        Resource = concat([local.glue_catalog], local.glue.business)
      },
      {
        Sid      = "WriteOwnRunRecords"
        Effect   = "Allow"
        Action   = "s3:PutObject"
        Resource = local.run_records["business"]
      },
    ])
    quality_checks = concat(local.athena_query, [
      local.list_lake.quality_checks,
      {
        Sid      = "ReadTables"
        Effect   = "Allow"
        Action   = "s3:GetObject"
        Resource = [for zone in ["clean", "business", "quarantine"] : local.lake_objects[zone]]
      },
      {
        Sid      = "ReadCatalog"
        Effect   = "Allow"
        Action   = local.glue_read
        Resource = concat([local.glue_catalog], local.glue.clean, local.glue.business, local.glue.quarantine)
      },
      {
        Sid      = "WriteOwnRunRecords"
        Effect   = "Allow"
        Action   = "s3:PutObject"
        Resource = local.run_records["checks"]
      },
    ])
    maintenance = [
      local.list_lake.maintenance,
      {
        # Compaction writes data files and a commit's metadata; orphan removal deletes files under
        # the table locations nothing references (olist_assets/stores/iceberg/maintenance.py)
        Sid      = "MaintainTableFiles"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
        Resource = [for zone in ["clean", "quarantine", "business"] : local.lake_objects[zone]]
      },
      {
        # Staged batches no ledger names any more: listed and deleted, never read
        Sid      = "DeleteUnreferencedStagedBatches"
        Effect   = "Allow"
        Action   = "s3:DeleteObject"
        Resource = local.lake_objects.staging
      },
      {
        Sid      = "CommitMaintenanceSnapshots"
        Effect   = "Allow"
        Action   = ["glue:GetDatabase", "glue:GetTable", "glue:UpdateTable"]
        Resource = concat([local.glue_catalog], local.glue.clean, local.glue.quarantine, local.glue.business)
      },
    ]
    record_failure = [
      {
        Sid      = "WriteOwnRunRecords"
        Effect   = "Allow"
        Action   = "s3:PutObject"
        Resource = [local.run_records["failures/refresh"], local.run_records["failures/alarm"]]
      },
      {
        Sid      = "NotifyFailure"
        Effect   = "Allow"
        Action   = "sns:Publish"
        Resource = local.topic_arn
      },
      {
        # Lambda sends an alarm event record_failure could not handle to its on-failure
        # destination with the function's role.
        Sid      = "KeepUndeliveredNotifications"
        Effect   = "Allow"
        Action   = "sqs:SendMessage"
        Resource = local.queue_arns.notify_dead_letter
      },
    ]
  }

  function_policies = {
    for name in keys(local.functions) : name => {
      Version = "2012-10-17"
      Statement = concat([{
        Sid      = "WriteOwnLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${local.arn.logs}:log-group:${local.log_group_names[name]}:*"
      }], lookup(local.function_statements, name, []))
    }
  }

  lambda_assume_policy = {
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  }
}

resource "aws_iam_role" "function" {
  for_each = local.functions

  name               = "${local.function_names[each.key]}-role"
  assume_role_policy = jsonencode(local.lambda_assume_policy)
}

resource "aws_iam_role_policy" "function" {
  for_each = local.functions

  name   = "least-privilege"
  role   = aws_iam_role.function[each.key].id
  policy = jsonencode(local.function_policies[each.key])

  lifecycle {
    precondition {
      condition     = contains(keys(local.function_statements), each.key)
      error_message = "Function ${each.key} (settings.LAMBDA_FUNCTIONS) has no permissions in iam.tf function_statements."
    }
  }
}

locals {
  states_assume_policy = {
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "states.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  }

  state_machine_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "InvokePipelineFunctions"
        Effect   = "Allow"
        Action   = "lambda:InvokeFunction"
        Resource = flatten([for name, arn in local.function_arns : [arn, "${arn}:*"] if !contains(["landing", "maintenance"], name)])
      },
      {
        # Step Functions log delivery: these CloudWatch Logs actions support no resource-level
        # permissions (AWS documents Resource "*" for them), so "*" is the narrowest scope there is.
        Sid    = "DeliverExecutionLogs"
        Effect = "Allow"
        Action = [
          "logs:CreateLogDelivery",
          "logs:GetLogDelivery",
          "logs:UpdateLogDelivery",
          "logs:DeleteLogDelivery",
          "logs:ListLogDeliveries",
          "logs:PutResourcePolicy",
          "logs:DescribeResourcePolicies",
          "logs:DescribeLogGroups",
        ]
        Resource = "*"
      },
    ]
  }
}

resource "aws_iam_role" "state_machine" {
  name               = "${local.state_machine_name}-role"
  assume_role_policy = jsonencode(local.states_assume_policy)
}

resource "aws_iam_role_policy" "state_machine" {
  name   = "least-privilege"
  role   = aws_iam_role.state_machine.id
  policy = jsonencode(local.state_machine_policy)
}
