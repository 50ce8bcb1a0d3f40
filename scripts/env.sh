# Shared set-up for the project's scripts: sourced, not run.
# Puts Cargo's build output outside the clone so later runs (and CI on the same
# machine) reuse it; a cold machine simply creates it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/stepforge/target}"
mkdir -p "$CARGO_TARGET_DIR"
VENV="$ROOT/.venv"
log() { printf '\n==> %s\n' "$*"; }

# A virtual environment with the build and test tools, made once per clone.
ensure_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating $VENV"
    python3 -m venv "$VENV"
  fi
  "$VENV/bin/python" -m pip install -q -r "$ROOT/bindings-python/requirements-dev.txt"
}

# Builds the wheel with maturin and installs it into the virtual environment.
build_python() {
  ensure_venv
  log "building the Python wheel"
  rm -rf "$ROOT/target-wheels"
  (cd "$ROOT/bindings-python" && "$VENV/bin/maturin" build --release -q -o "$ROOT/target-wheels")
  "$VENV/bin/python" -m pip install -q --force-reinstall --no-deps "$ROOT"/target-wheels/stepforge-*.whl
}

# `npm install` rather than `npm ci`: npm 11 rejects in `npm ci` the lock file it
# wrote itself, over @napi-rs/cli's optional per-platform packages. The committed
# lock still pins every version that gets installed.
npm_install() {
  (cd "$1" && npm install --no-audit --no-fund --loglevel=error)
}

# Installs the Node build tools and builds the addon in place.
build_node() {
  log "building the Node addon"
  npm_install "$ROOT/bindings-node"
  (cd "$ROOT/bindings-node" && npx napi build --platform --release)
}
