#!/usr/bin/env bash
# Deployment rehearsals on a local moto server (no account, no network beyond 127.0.0.1):
#   infrastructure/deploy_local.sh [rehearse|burst]
#   rehearse (`make deploy-local`): land a generated dataset through the deployed event path
#     (S3 -> the landing queue -> the landing handler, run in process), check the clean layer, the
#     wiring and the refresh request, check `terraform plan` shows no drift.
#   burst (`make burst`): 500 dated drops through the same path; prints one line of figures and
#     fails unless every file landed and exactly one refresh was started (local/burst.py).
# Both deploy as docs/deploy.md does (`make package`, then `terraform apply` with force_destroy
# off) and tear down with the documented teardown (destroy.sh, what `make destroy` runs), then
# check nothing is left. Every moto gap and its workaround is documented where it is made and in
# docs/deploy.md.
set -euo pipefail

mode="${1:-rehearse}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
python="$repo/.venv/bin/python"
work="$(mktemp -d -t olist-deploy-local-XXXXXX)"
moto_pid=""

# shellcheck source=local/moto.sh
source "$here/local/moto.sh"
cleanup() {
  stop_moto
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }

export TF_CLI_CONFIG_FILE="$here/terraform.rc"
export TF_IN_AUTOMATION=1
export CHECKPOINT_DISABLE=1

case "$mode" in
  rehearse | burst) ;;
  *)
    echo "usage: $0 [rehearse|burst]" >&2
    exit 2
    ;;
esac

start_moto "$work/moto.log"
step "moto server on $moto_endpoint"

step "make package"
make -C "$repo" --no-print-directory package

step "configuration"
scratch_configuration "$work/tf"
cd "$work/tf"
tf_vars=(
  -var "region=us-east-1"
  -var "moto_endpoint=$moto_endpoint"
  -var "lambda_zip_path=$repo/build/lambda.zip"
  -var "layer_zip_path=$repo/build/layer.zip"
)

step "terraform apply"
started=$SECONDS
terraform apply -auto-approve -input=false -no-color "${tf_vars[@]}" >"$work/apply.log" ||
  { tail -40 "$work/apply.log"; exit 1; }
grep -E '^Apply complete' "$work/apply.log"
echo "applied in $((SECONDS - started)) s"
terraform output -json >"$work/outputs.json"

if [ "$mode" = rehearse ]; then
  step "land a generated dataset through the deployed event path"
  "$python" "$here/local/rehearse.py" --outputs "$work/outputs.json" 2>"$work/handler.log" ||
    { tail -20 "$work/handler.log"; exit 1; }

  step "terraform plan after landing: nothing drifted from the configuration"
  # Known moto-only differences: it does not store a function's logging_config, nor an event source
  # mapping's scaling_config and response types. Any other planned change fails the rehearsal.
  terraform plan -input=false -no-color "${tf_vars[@]}" >"$work/plan.log"
  unexpected="$(grep -E '^  # ' "$work/plan.log" |
    grep -vE '^  # aws_lambda_function\.this\["[a-z_]+"\] will be updated in-place$' |
    grep -vE '^  # aws_lambda_event_source_mapping\.landing will be updated in-place$' |
    grep -vE 'has changed$' || true)"
  if [ -n "$unexpected" ]; then
    echo "FAIL unexpected changes:"; echo "$unexpected"
    sed -n '/^Terraform will perform/,/^Plan:/p' "$work/plan.log"
    exit 1
  fi
  echo "ok   no drift beyond the documented moto gaps"
else
  step "burst: 500 dated drops through the deployed event path"
  started=$SECONDS
  "$python" "$here/local/burst.py" --outputs "$work/outputs.json" 2>"$work/burst.log" ||
    { tail -20 "$work/burst.log"; exit 1; }
  grep -vE '^\{' "$work/burst.log" | grep -E '^(uploaded|consumed)' || true
  echo "burst ran in $((SECONDS - started)) s"
fi

step "teardown, as documented: bash infrastructure/destroy.sh (make destroy)"
started=$SECONDS
bash "$here/destroy.sh" -auto-approve -no-color "${tf_vars[@]}" >"$work/destroy.log" ||
  { tail -40 "$work/destroy.log"; exit 1; }
grep -E '^Destroy complete' "$work/destroy.log"
echo "torn down in $((SECONDS - started)) s"
"$python" "$here/local/rehearse.py" --destroyed
