#!/usr/bin/env bash
# Runs every test: the Rust core, the Python package (pytest) and the Node
# package (node --test). Starts one DynamoDB-compatible server (moto) on
# 127.0.0.1 for the loader tests of all three, and stops it at the end.
source "$(dirname "$0")/env.sh"

ensure_venv
start_moto
trap stop_moto EXIT

log "Generated stubs and typings: cargo run -p xtask -- check"
(cd "$ROOT" && cargo run -q -p xtask -- check)

log "Rust: cargo test -p stepforge"
(cd "$ROOT" && cargo test -p stepforge)

log "Isolation: a second clone builds its own code"
bash "$ROOT/scripts/check-isolation.sh"

bash "$ROOT/scripts/test-python.sh"
bash "$ROOT/scripts/test-node.sh"

log "README: the quick starts"
"$VENV/bin/python" "$ROOT/scripts/check_readme.py"

log "all tests passed"
