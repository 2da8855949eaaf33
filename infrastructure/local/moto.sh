# Sourced by deploy_local.sh and check.sh: a moto server on a free loopback port, the AWS
# environment pointing at it, and a scratch copy of the configuration with the endpoint overrides
# (local/moto.tf, local/moto_override.tf). Needs $here (infrastructure/) and $python set.

start_moto() {  # start_moto LOG: sets moto_endpoint and moto_pid, exports the AWS environment
  local port
  port="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  moto_endpoint="http://127.0.0.1:$port"
  "$python" "$here/local/moto_server.py" -H 127.0.0.1 -p "$port" >"$1" 2>&1 &
  moto_pid=$!
  for _ in $(seq 100); do
    if "$python" -c "import urllib.request; urllib.request.urlopen('$moto_endpoint/moto-api/')" 2>/dev/null; then break; fi
    sleep 0.2
  done
  export AWS_ENDPOINT_URL="$moto_endpoint" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
  export AWS_DEFAULT_REGION=us-east-1
  unset AWS_PROFILE AWS_SESSION_TOKEN
}

stop_moto() {
  if [ -n "${moto_pid:-}" ]; then kill "$moto_pid" 2>/dev/null || true; moto_pid=""; fi
}

scratch_configuration() {  # scratch_configuration DIR: the module and the moto overrides, initialised
  mkdir -p "$1"
  cp "$here"/*.tf "$1/"
  cp -r "$here/generated" "$here/templates" "$1/"
  cp "$here"/local/moto.tf "$here"/local/moto_override.tf "$1/"
  (cd "$1" && terraform init -input=false -no-color >/dev/null)
}
