#!/usr/bin/env bash
# Offline checks of the Terraform in infrastructure/, exactly what `make infra-check` and CI run.
#   infrastructure/check.sh [generated|fmt|validate|test|policies|asl|checkov|all]   (default: all)
# Needs terraform (provider mirror at /opt/tf-plugins), node/npm and python3; the first run creates
# infrastructure/.venv-checkov (checkov pins its own boto3) and node_modules/ (asl-validator).
# The policies stage plans against a moto server on 127.0.0.1 (local/moto.sh): offline, no account.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
python="$repo/.venv/bin/python"
checkov_version="3.3.30"
fixture_zip="../tests/system/infrastructure/fixtures/lambda.zip"

export TF_CLI_CONFIG_FILE="$here/terraform.rc"
export TF_IN_AUTOMATION=1
export CHECKPOINT_DISABLE=1
cd "$here"

step() { printf '\n== %s\n' "$*"; }

init() {
  if [ ! -d .terraform/providers ]; then
    terraform init -backend=false -input=false -no-color >/dev/null
  fi
}

check_generated() {
  step "generated/*.json match the Python modules"
  "$python" render_generated.py --check
}

check_fmt() {
  step "terraform fmt -check"
  terraform fmt -check -recursive -diff
}

check_validate() {
  step "terraform validate"
  init
  terraform validate -no-color
}

check_test() {
  step "terraform test (mocked aws provider)"
  init
  terraform test -no-color
}

# Every policy a plan renders (planned against a local moto server, so data sources resolve without
# an account), linted by parliament (lint_policies.py). terraform test asserts what they grant.
check_policies() {
  step "policies as the plan renders them pass parliament"
  local work
  work="$(mktemp -d -t olist-policies-XXXXXX)"
  # shellcheck source=local/moto.sh
  source "$here/local/moto.sh"
  start_moto "$work/moto.log"
  trap 'stop_moto; rm -rf "$work"' RETURN
  scratch_configuration "$work/tf"
  (
    cd "$work/tf"
    terraform plan -out=plan.bin -input=false -no-color -var "moto_endpoint=$moto_endpoint" \
      -var "lambda_zip_path=$here/$fixture_zip" -var "layer_zip_path=$here/$fixture_zip" >plan.log ||
      { tail -30 plan.log; exit 1; }
    terraform show -json plan.bin >plan.json
  )
  "$python" "$here/lint_policies.py" "$work/tf/plan.json"
}

# Renders the state machine template through Terraform's own templatefile (terraform console),
# with the placeholders orchestration.tf passes (their values, ARNs, are only known after apply, so
# each gets a well-formed stand-in ARN), then validates the definition.
check_asl() {
  step "state machine definition is valid Amazon States Language"
  init
  if [ ! -x node_modules/.bin/asl-validator ]; then
    npm ci --no-audit --no-fund --silent
  fi
  local rendered
  rendered="$(mktemp --suffix=.asl.json)"
  trap 'rm -f "$rendered"' RETURN
  echo 'templatefile("${path.module}/templates/refresh_business.asl.json", { for placeholder, arn in local.state_machine_template_vars : placeholder => "arn:aws:lambda:us-east-1:123456789012:function:${trimsuffix(placeholder, "_arn")}" })' |
    terraform console -var "lambda_zip_path=$fixture_zip" -var "layer_zip_path=$fixture_zip" |
    sed -e '1{/^<<EOT$/d}' -e '/^EOT$/d' >"$rendered"
  node_modules/.bin/asl-validator --json-path "$rendered"
}

check_checkov() {
  step "checkov $checkov_version"
  if [ "$(.venv-checkov/bin/checkov --version 2>/dev/null)" != "$checkov_version" ]; then
    rm -rf .venv-checkov
    python3 -m venv .venv-checkov
    .venv-checkov/bin/pip install --quiet "checkov==$checkov_version"
  fi
  .venv-checkov/bin/checkov --directory . --framework terraform --compact --quiet --skip-download \
    --skip-path .venv-checkov --skip-path node_modules --skip-path .terraform --skip-path tests
}

stage="${1:-all}"
case "$stage" in
  generated | fmt | validate | test | policies | asl | checkov) "check_$stage" ;;
  all)
    check_generated
    check_fmt
    check_validate
    check_test
    check_policies
    check_asl
    check_checkov
    ;;
  *)
    echo "usage: $0 [generated|fmt|validate|test|policies|asl|checkov|all]" >&2
    exit 2
    ;;
esac
