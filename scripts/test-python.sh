#!/usr/bin/env bash
# The Python package's tests: builds the wheel, installs it into the clone's
# .venv, runs pytest against it (the shared vectors included), then installs
# the same wheel into a fresh virtual environment and runs a smoke test there.
# Needs only Rust and Python 3.10+ with pip; safe to run again and again.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/target-dir.sh"
VENV="$ROOT/.venv"
log() { printf '\n==> %s\n' "$*"; }

if [ ! -x "$VENV/bin/python" ]; then
  log "creating $VENV"
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$ROOT/bindings-python/requirements-dev.txt"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/stepforge-python.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# The wheel stays in target-wheels/ (gitignored), where the README says.
log "Python: building the wheel into target-wheels/"
rm -rf "$ROOT/target-wheels"
(cd "$ROOT/bindings-python" && "$VENV/bin/maturin" build --release -q -o "$ROOT/target-wheels")
WHEEL="$(ls "$ROOT"/target-wheels/stepforge-*.whl)"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$WHEEL"

log "Python: pytest"
(cd "$ROOT" && "$VENV/bin/python" -m pytest -q -p no:cacheprovider bindings-python/tests)

log "Python: the wheel in a fresh virtual environment"
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install -q --disable-pip-version-check "$WHEEL"
(cd "$WORK" && "$WORK/venv/bin/python" "$ROOT/bindings-python/tests/packaging/smoke.py")
