# Shared set-up for the project's scripts: sourced, not run.
# Cargo builds into the clone's own target/ (see target-dir.sh for why, and
# for the opt-in to a folder elsewhere).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/target-dir.sh"
VENV="$ROOT/.venv"
log() { printf '\n==> %s\n' "$*"; }

# A virtual environment with the build and test tools, made once per clone.
ensure_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating $VENV"
    python3 -m venv "$VENV"
  fi
  "$VENV/bin/python" -m pip install -q -r "$ROOT/bindings-python/requirements-dev.txt" \
    -r "$ROOT/scripts/requirements-test.txt"
}

# Starts moto's DynamoDB-compatible server on a free port of 127.0.0.1 and
# exports its address (and local credentials) for every test suite.
start_moto() {
  local port
  port="$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  "$VENV/bin/python" -m moto.server -H 127.0.0.1 -p "$port" >"${TMPDIR:-/tmp}/stepforge-moto-$port.log" 2>&1 &
  MOTO_PID=$!
  for _ in $(seq 1 100); do
    if "$VENV/bin/python" -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null; then
      break
    fi
    sleep 0.2
  done
  export STEPFORGE_DYNAMODB_ENDPOINT="http://127.0.0.1:$port"
  export STEPFORGE_PYTHON="$VENV/bin/python"
  export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
  export AWS_EC2_METADATA_DISABLED=true
  log "moto on $STEPFORGE_DYNAMODB_ENDPOINT (pid $MOTO_PID)"
}

stop_moto() {
  if [ -n "${MOTO_PID:-}" ]; then
    kill "$MOTO_PID" 2>/dev/null || true
    wait "$MOTO_PID" 2>/dev/null || true
  fi
}

# Builds the wheel with maturin and installs it into the virtual environment.
build_python() {
  ensure_venv
  log "building the Python wheel"
  rm -rf "$ROOT/target-wheels"
  (cd "$ROOT/bindings-python" && "$VENV/bin/maturin" build --release -q -o "$ROOT/target-wheels")
  "$VENV/bin/python" -m pip install -q --force-reinstall --no-deps "$ROOT"/target-wheels/stepforge-*.whl
}

# `npm ci`: exactly the committed lock, which it never rewrites (so the clone
# stays clean). The lock is the one npm 11 writes, every optional per-platform
# package of @napi-rs/cli included; after changing package.json, refresh it
# with `npm install` and commit it.
npm_install() {
  (cd "$1" && npm ci --no-audit --no-fund --loglevel=error)
}

# Installs the Node build tools and builds the addon in place.
build_node() {
  log "building the Node addon"
  npm_install "$ROOT/bindings-node"
  (cd "$ROOT/bindings-node" && npx napi build --platform --release)
}
