variable "region" {
  description = "AWS region to deploy into: one of supported_regions (us-east-1 by default)."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = contains(var.supported_regions, var.region)
    error_message = "Region ${var.region} is not in supported_regions. Once you have checked that Lambda runs python3.12 on arm64 there (the runtime list of the Lambda console in ${var.region}), add it: -var 'supported_regions=[\"${var.region}\"]' or supported_regions in deploy.auto.tfvars (docs/deploy.md, Regions)."
  }
}

variable "supported_regions" {
  description = <<-EOT
    Regions this deployment is known to work in: every commercial region where Lambda runs python3.12
    on arm64, which are the regions where the AWS SDK for pandas publishes its
    AWSSDKPandas-Python312-Arm64 layer (release 3.16.1, https://aws-sdk-pandas.readthedocs.io/en/stable/layers.html).
    The functions' dependencies are the project's own layer (make package), published by this
    configuration in the deployment's region, so no per-region layer ARN is needed.
  EOT
  type        = list(string)
  default = [
    "af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
    "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
    "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1",
    "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1",
    "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
  ]
}

variable "name_prefix" {
  description = "Prefix of every resource name (buckets add the account id to be globally unique)."
  type        = string
  default     = "olist-lakehouse"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}$", var.name_prefix))
    error_message = "name_prefix must be 3-31 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "lambda_zip_path" {
  description = "The deployment package built by `make package`; null means build/lambda.zip at the repository root."
  type        = string
  default     = null
}

variable "layer_zip_path" {
  description = "The dependency layer built by `make package`; null means build/layer.zip at the repository root."
  type        = string
  default     = null
}

variable "code_version" {
  description = "Version recorded in run records (OLIST_CODE_VERSION), e.g. the git commit; null uses the zip's hash."
  type        = string
  default     = null
}

variable "function_memory_mb" {
  description = <<-EOT
    Memory per function in MB; functions not listed get 512. Measured at full Olist scale (1x): landing
    peaks at 304 MB for one file and runs single-threaded and CPU-bound (geolocation, 1M rows: 19 s on
    one x86 core), so 1769 MB, where Lambda gives one full vCPU, is its fastest size at about the same
    GB-seconds; quality_checks reads every clean table (54 MB of Parquet, 361 MB peak) into memory;
    maintenance rewrites a partition's small files at a time (compaction) and reads every
    manifest of a table, so it gets the landing's size.
  EOT
  type        = map(number)
  default = {
    landing        = 1769
    quality_checks = 1024
    maintenance    = 1769
  }

  validation {
    condition     = alltrue([for mb in values(var.function_memory_mb) : mb >= 128 && mb <= 10240])
    error_message = "Lambda memory must be between 128 and 10240 MB."
  }
}

variable "function_timeout_seconds" {
  description = "Timeout per function in seconds; functions not listed get 60. build_table waits for an Athena query; landing lands a batch of up to landing_batch_size files; maintenance goes through every table of the lake (Lambda's maximum: a run cut short is finished by the next)."
  type        = map(number)
  default = {
    landing        = 600
    build_table    = 300
    quality_checks = 300
    maintenance    = 900
  }

  validation {
    condition     = alltrue([for s in values(var.function_timeout_seconds) : s >= 1 && s <= 900])
    error_message = "Lambda timeout must be between 1 and 900 seconds."
  }
}

variable "landing_max_concurrency" {
  description = <<-EOT
    Most landing invocations at once (the SQS event source mapping's maximum concurrency, 2-1000).
    Each landing commits to one Iceberg table in the Glue catalog; concurrent landings of one table
    conflict and retry with a recompute, and Glue's UpdateTable and the table's metadata writes to
    S3 are the shared resources. 5 keeps a 500-file backfill moving (5 batches of 10 at once) while
    at most 5 commits compete, well under Glue's API rate limits, and leaves the account's
    unreserved concurrency to other functions. Raise it for bigger backfills across many tables.
  EOT
  type        = number
  default     = 5

  validation {
    condition     = var.landing_max_concurrency >= 2 && var.landing_max_concurrency <= 1000
    error_message = "The SQS event source mapping's maximum concurrency must be between 2 and 1000."
  }
}

variable "landing_batch_size" {
  description = "Messages (S3 events, one file each) per landing invocation, 1-10."
  type        = number
  default     = 10

  validation {
    condition     = var.landing_batch_size >= 1 && var.landing_batch_size <= 10
    error_message = "landing_batch_size must be between 1 and 10 (above 10 Lambda requires a batching window)."
  }
}

variable "landing_batching_window_seconds" {
  description = "How long Lambda gathers messages before invoking the landing with a partial batch (0-300)."
  type        = number
  default     = 5

  validation {
    condition     = var.landing_batching_window_seconds >= 0 && var.landing_batching_window_seconds <= 300
    error_message = "landing_batching_window_seconds must be between 0 and 300."
  }
}

variable "landing_max_receive_count" {
  description = "Receives of a message whose landing keeps failing before SQS moves it to the landing dead-letter queue."
  type        = number
  default     = 5

  validation {
    condition     = var.landing_max_receive_count >= 1 && var.landing_max_receive_count <= 1000
    error_message = "landing_max_receive_count must be between 1 and 1000."
  }
}

variable "async_max_retries" {
  description = "Retries of a failed asynchronous invocation of record_failure (0-2; CloudWatch alarms invoke it) before its dead-letter queue."
  type        = number
  default     = 2

  validation {
    condition     = var.async_max_retries >= 0 && var.async_max_retries <= 2
    error_message = "async_max_retries must be 0, 1 or 2."
  }
}

variable "maintenance_schedule_expression" {
  description = "When table maintenance runs: an EventBridge schedule expression, cron(...) in UTC or rate(...). Nightly at 04:30 UTC by default, like the local Dagster schedule."
  type        = string
  default     = "cron(30 4 * * ? *)"

  validation {
    condition     = can(regex("^(cron\\([^)]+\\)|rate\\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\\))$", var.maintenance_schedule_expression))
    error_message = "maintenance_schedule_expression must be an EventBridge cron(...) or rate(N unit) expression."
  }
}

variable "maintenance_retain_days" {
  description = <<-EOT
    Days of snapshots (time travel, rollback) and of unreferenced files the maintenance keeps
    (OLIST_MAINTENANCE_RETAIN_DAYS). At least 1: a file younger than the retention may belong to a
    landing's or a build's commit still in flight, which must not lose it.
  EOT
  type        = number
  default     = 7

  validation {
    condition     = var.maintenance_retain_days >= 1
    error_message = "maintenance_retain_days must be at least 1: younger unreferenced files may belong to a commit in flight."
  }
}

variable "maintenance_max_retries" {
  description = "Retries of a failed scheduled maintenance run (0-2, Lambda's asynchronous retries); the next scheduled run redoes what a failed one left."
  type        = number
  default     = 1

  validation {
    condition     = var.maintenance_max_retries >= 0 && var.maintenance_max_retries <= 2
    error_message = "maintenance_max_retries must be 0, 1 or 2."
  }
}

variable "log_retention_days" {
  description = "Retention of the functions' and state machine's log groups."
  type        = number
  default     = 30
}

variable "refresh_debounce_seconds" {
  description = "Quiet period: a burst of landings is refreshed once no file landed for this many seconds (OLIST_REFRESH_DEBOUNCE_SECONDS)."
  type        = number
  default     = 60

  validation {
    condition     = var.refresh_debounce_seconds >= 1
    error_message = "The quiet period must be at least one second."
  }
}

variable "refresh_overdue_seconds" {
  description = "Alarm when a landed file has waited this long without a business refresh claiming it (the RefreshPendingSeconds metric)."
  type        = number
  default     = 3600
}

variable "quarantine_rate_alarm_percent" {
  description = "Alarm when one landed batch sends more than this percent of its rows to quarantine (the QuarantineRate metric; the clean checks block at 5)."
  type        = number
  default     = 5
}

variable "landing_backlog_alarm_seconds" {
  description = "Alarm when the oldest S3 event waiting in the landing queue is older than this."
  type        = number
  default     = 3600
}

variable "raw_transition_days" {
  description = "Days after which raw/ objects move to S3 Standard-IA (they are only re-read on a full rebuild)."
  type        = number
  default     = 30

  validation {
    condition     = var.raw_transition_days >= 30
    error_message = "S3 requires at least 30 days before a transition to STANDARD_IA."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days a replaced or deleted raw/ object version is kept before it expires (derived zones keep theirs one day)."
  type        = number
  default     = 30
}

variable "athena_results_expiration_days" {
  description = "Days Athena query results are kept."
  type        = number
  default     = 7
}

variable "athena_bytes_scanned_cutoff" {
  description = "Per-query cap on bytes scanned by the Athena workgroup (minimum 10 MB); a runaway query is cancelled, not billed beyond it."
  type        = number
  default     = 1073741824

  validation {
    condition     = var.athena_bytes_scanned_cutoff >= 10485760
    error_message = "Athena requires a bytes-scanned cutoff of at least 10485760 (10 MB)."
  }
}

variable "alert_email" {
  description = "E-mail address subscribed to the failure topic (confirm the subscription mail); null for none."
  type        = string
  default     = null
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the lake bucket with its data. The provider applies it only after an apply: tear down with `make destroy` (infrastructure/destroy.sh), which applies it first. Keep false otherwise."
  type        = bool
  default     = false
}
