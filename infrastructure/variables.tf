variable "region" {
  description = "AWS region to deploy into; it must have an entry in aws_sdk_pandas_layer_arns."
  type        = string
  default     = "us-east-1"
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

variable "code_version" {
  description = "Version recorded in run records (OLIST_CODE_VERSION), e.g. the git commit; null uses the zip's hash."
  type        = string
  default     = null
}

variable "aws_sdk_pandas_layer_arns" {
  description = <<-EOT
    AWS SDK for pandas managed layer (AWSSDKPandas-Python312-Arm64) ARN by region. Version numbers
    differ per region: take yours from https://aws-sdk-pandas.readthedocs.io/en/stable/layers.html
    (docs/deploy.md explains). The default pins the 3.16.1 release where its number is documented.
  EOT
  type        = map(string)
  default = {
    "af-south-1" = "arn:aws:lambda:af-south-1:336392948345:layer:AWSSDKPandas-Python312-Arm64:26"
  }

  validation {
    condition = alltrue([
      for arn in values(var.aws_sdk_pandas_layer_arns) :
      can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:AWSSDKPandas-Python312-Arm64:[0-9]+$", arn))
    ])
    error_message = "Each ARN must be a version of the AWSSDKPandas-Python312-Arm64 layer (python3.12, arm64)."
  }
}

variable "function_memory_mb" {
  description = <<-EOT
    Memory per function in MB; functions not listed get 512. Measured at full Olist scale (1x): landing
    peaks at 304 MB for one file and runs single-threaded and CPU-bound (geolocation, 1M rows: 19 s on
    one x86 core), so 1769 MB, where Lambda gives one full vCPU, is its fastest size at about the same
    GB-seconds; quality_checks reads every clean table (54 MB of Parquet, 361 MB peak) into memory.
  EOT
  type        = map(number)
  default = {
    landing        = 1769
    quality_checks = 1024
  }

  validation {
    condition     = alltrue([for mb in values(var.function_memory_mb) : mb >= 128 && mb <= 10240])
    error_message = "Lambda memory must be between 128 and 10240 MB."
  }
}

variable "function_timeout_seconds" {
  description = "Timeout per function in seconds; functions not listed get 60. build_table waits for an Athena query."
  type        = map(number)
  default = {
    landing        = 300
    build_table    = 300
    quality_checks = 300
  }

  validation {
    condition     = alltrue([for s in values(var.function_timeout_seconds) : s >= 1 && s <= 900])
    error_message = "Lambda timeout must be between 1 and 900 seconds."
  }
}

variable "reserved_concurrency" {
  description = <<-EOT
    Reserved concurrent executions per function; functions not listed are unreserved. Landing is 1:
    it read-modify-writes a table's manifest, so two concurrent invocations for the same table could
    lose a batch record; S3 events queue in Lambda's async queue meanwhile. Set {} on accounts whose
    concurrency quota is too low to reserve any (new accounts).
  EOT
  type        = map(number)
  default = {
    landing = 1
  }
}

variable "async_max_retries" {
  description = "Retries of a failed asynchronous invocation (0-2) before the event goes to the dead-letter queue."
  type        = number
  default     = 1

  validation {
    condition     = var.async_max_retries >= 0 && var.async_max_retries <= 2
    error_message = "async_max_retries must be 0, 1 or 2."
  }
}

variable "async_max_event_age_seconds" {
  description = "How long an S3 event may wait in Lambda's async queue (throttled behind reserved concurrency) before the dead-letter queue."
  type        = number
  default     = 21600

  validation {
    condition     = var.async_max_event_age_seconds >= 60 && var.async_max_event_age_seconds <= 21600
    error_message = "async_max_event_age_seconds must be between 60 and 21600."
  }
}

variable "log_retention_days" {
  description = "Retention of the functions' and state machine's log groups."
  type        = number
  default     = 30
}

variable "refresh_debounce_seconds" {
  description = "Quiet period after the last landed file before the business refresh runs (OLIST_REFRESH_DEBOUNCE_SECONDS)."
  type        = number
  default     = 60
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
  description = "Let `terraform destroy` delete non-empty buckets. Keep false for a lake you care about."
  type        = bool
  default     = false
}
