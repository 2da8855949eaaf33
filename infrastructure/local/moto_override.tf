# Used only by deploy_local.sh (with moto.tf): points the provider at the moto server on 127.0.0.1.

provider "aws" {
  region                      = var.region
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  s3_use_path_style           = true
  # An unimplemented call fails the rehearsal in seconds instead of being retried for minutes.
  max_retries = 1

  endpoints {
    athena     = var.moto_endpoint
    cloudwatch = var.moto_endpoint
    glue       = var.moto_endpoint
    iam        = var.moto_endpoint
    lambda     = var.moto_endpoint
    logs       = var.moto_endpoint
    s3         = var.moto_endpoint
    sfn        = var.moto_endpoint
    sns        = var.moto_endpoint
    sqs        = var.moto_endpoint
    sts        = var.moto_endpoint
  }
}
