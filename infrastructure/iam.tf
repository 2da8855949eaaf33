# One role per function, each allowed only the actions and lake prefixes its handler needs, plus the
# state machine's role. No "*" action anywhere; the one "*" resource is commented where it occurs.

locals {
  arn_prefix = "arn:${local.partition}"
  # Objects of one lake zone, e.g. arn:aws:s3:::bucket/clean/*
  lake_objects = { for zone, prefix in local.zones : zone => "${aws_s3_bucket.lake.arn}/${prefix}*" }

  glue_catalog = "${local.arn_prefix}:glue:${var.region}:${local.account_id}:catalog"
  glue_clean = [
    local.glue_catalog,
    "${local.arn_prefix}:glue:${var.region}:${local.account_id}:database/${local.clean_database}",
    "${local.arn_prefix}:glue:${var.region}:${local.account_id}:table/${local.clean_database}/*",
  ]
  glue_business = [
    local.glue_catalog,
    "${local.arn_prefix}:glue:${var.region}:${local.account_id}:database/${local.business_database}",
    "${local.arn_prefix}:glue:${var.region}:${local.account_id}:table/${local.business_database}/*",
  ]

  # ListBucket is granted on the lake bucket without a prefix condition: a HeadObject on a missing
  # key (a table's first manifest) answers 404 only to callers allowed to list, 403 otherwise.
  # It reveals key names, never content; reads and writes stay scoped to prefixes below.
  list_lake = {
    sid       = "ListLake"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = [aws_s3_bucket.lake.arn]
  }

  # Athena runs a query with the caller's permissions: the workgroup, the catalog, the data read,
  # and the results bucket. The pipeline's functions may use the pipeline workgroup only.
  athena_query = [
    {
      sid       = "RunQueriesInWorkgroup"
      actions   = ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:StopQueryExecution", "athena:GetWorkGroup"]
      resources = [aws_athena_workgroup.pipeline.arn]
    },
    {
      sid       = "ReadCatalog"
      actions   = ["glue:GetDatabase", "glue:GetDatabases", "glue:GetTable", "glue:GetTables", "glue:GetPartitions"]
      resources = concat(local.glue_clean, slice(local.glue_business, 1, 3))
    },
    {
      sid       = "ListResults"
      actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
      resources = [aws_s3_bucket.athena_results.arn]
    },
    {
      sid       = "ReadWriteResults"
      actions   = ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
      resources = ["${aws_s3_bucket.athena_results.arn}/*"]
    },
  ]

  function_statements = {
    landing = [
      local.list_lake,
      {
        sid       = "ReadRaw"
        actions   = ["s3:GetObject", "s3:GetObjectVersion"]
        resources = [local.lake_objects.raw]
      },
      {
        sid       = "WriteCleanLayer"
        actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
        resources = [for zone in ["clean", "staging", "quarantine", "runs"] : local.lake_objects[zone]]
      },
      {
        sid       = "RegisterCleanTables"
        actions   = ["glue:GetDatabase", "glue:GetTable", "glue:CreateTable", "glue:UpdateTable"]
        resources = local.glue_clean
      },
      {
        sid       = "RequestBusinessRefresh"
        actions   = ["states:StartExecution"]
        resources = [local.state_machine_arn]
      },
    ]
    check_inputs = [
      local.list_lake,
      {
        sid       = "ReadLedgers"
        actions   = ["s3:GetObject"]
        resources = [for zone in ["clean", "quarantine", "runs"] : local.lake_objects[zone]]
      },
      {
        sid       = "UpdateRefreshRequest"
        actions   = ["s3:PutObject"]
        resources = [local.lake_objects.runs]
      },
    ]
    build_table = concat(local.athena_query, [
      local.list_lake,
      {
        sid       = "ReadCleanAndBusiness"
        actions   = ["s3:GetObject"]
        resources = [local.lake_objects.clean, local.lake_objects.business]
      },
      {
        sid       = "WriteBusiness"
        actions   = ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
        resources = [local.lake_objects.business]
      },
      {
        sid       = "ManageBusinessTables"
        actions   = ["glue:CreateTable", "glue:UpdateTable", "glue:DeleteTable"]
        resources = local.glue_business
      },
      {
        # runs.BUSINESS in olist_assets/aws/runs.py: one record per build
        sid       = "WriteBuildRecords"
        actions   = ["s3:PutObject"]
        resources = ["${aws_s3_bucket.lake.arn}/${local.zones.runs}business/*"]
      },
    ])
    quality_checks = concat(local.athena_query, [
      local.list_lake,
      {
        sid       = "ReadLayers"
        actions   = ["s3:GetObject"]
        resources = [for zone in ["clean", "business", "quarantine"] : local.lake_objects[zone]]
      },
      {
        sid       = "WriteRunRecords"
        actions   = ["s3:PutObject"]
        resources = [local.lake_objects.runs]
      },
    ])
    record_failure = [
      {
        sid       = "WriteRunRecords"
        actions   = ["s3:GetObject", "s3:PutObject"]
        resources = [local.lake_objects.runs]
      },
      {
        sid       = "NotifyFailure"
        actions   = ["sns:Publish"]
        resources = [aws_sns_topic.failures.arn]
      },
    ]
  }
}

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "function" {
  for_each = local.functions

  name               = "${local.function_names[each.key]}-role"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

data "aws_iam_policy_document" "function" {
  for_each = local.functions

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.function[each.key].arn}:*"]
  }

  statement {
    sid       = "SendFailedEventsToDeadLetterQueue"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dead_letter.arn]
  }

  dynamic "statement" {
    for_each = lookup(local.function_statements, each.key, [])
    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}

resource "aws_iam_role_policy" "function" {
  for_each = local.functions

  name   = "least-privilege"
  role   = aws_iam_role.function[each.key].id
  policy = data.aws_iam_policy_document.function[each.key].json

  lifecycle {
    precondition {
      condition     = contains(keys(local.function_statements), each.key)
      error_message = "Function ${each.key} (settings.LAMBDA_FUNCTIONS) has no permissions in iam.tf function_statements."
    }
  }
}

data "aws_iam_policy_document" "states_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "state_machine" {
  name               = "${local.state_machine_name}-role"
  assume_role_policy = data.aws_iam_policy_document.states_assume.json
}

data "aws_iam_policy_document" "state_machine" {
  statement {
    sid       = "InvokePipelineFunctions"
    actions   = ["lambda:InvokeFunction"]
    resources = flatten([for arn in values(local.function_arns) : [arn, "${arn}:*"]])
  }

  # Step Functions log delivery: these CloudWatch Logs actions support no resource-level
  # permissions (AWS documents Resource "*" for them), so "*" is the narrowest scope there is.
  statement {
    sid = "DeliverExecutionLogs"
    actions = [
      "logs:CreateLogDelivery",
      "logs:GetLogDelivery",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
      "logs:DescribeLogGroups",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "state_machine" {
  name   = "least-privilege"
  role   = aws_iam_role.state_machine.id
  policy = data.aws_iam_policy_document.state_machine.json
}
