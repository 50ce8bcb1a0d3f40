#!/usr/bin/env bash
# Runs every test: the Rust core, the Python package (pytest) and the Node package (node --test).
source "$(dirname "$0")/env.sh"

# Until every vector has its Python and TypeScript program (being written).
export STEPFORGE_PARTIAL_VECTORS=1

log "Rust: cargo test -p stepforge"
(cd "$ROOT" && cargo test -p stepforge)

build_python
log "Python: pytest"
(cd "$ROOT/bindings-python" && "$VENV/bin/python" -m pytest -q tests)

build_node
log "Node: node --test"
(cd "$ROOT/bindings-node" && node --test __test__/)

log "all tests passed"
