#!/usr/bin/env bash
# The documented teardown (`make destroy`, docs/deploy.md), run in the Terraform working directory:
#   bash infrastructure/destroy.sh [terraform options, e.g. -auto-approve -var region=...]
# The aws provider applies a bucket's force_destroy only once it is in the state, so a plain
# `terraform destroy -var force_destroy=true` still stops at the lake bucket, which holds the data
# and every replaced raw version. So: apply force_destroy to the lake bucket first, then destroy.
# Without -auto-approve, Terraform asks before each of the two steps. deploy_local.sh runs this
# very script, so the rehearsal tears down the way a user does.
set -euo pipefail

terraform apply -input=false -target=aws_s3_bucket.lake -var force_destroy=true "$@"
terraform destroy -input=false -var force_destroy=true "$@"
