#!/usr/bin/env bash
# Exploration speed (issue 15): random schedules of stepforge's semaphore
# (10 executions, limit 3, every fault at 3 %) and the bounded exhaustive run
# (3 executions, limit 2), for each design; prints a Markdown table.
#
#   bash bench/explore.sh [SCHEDULES]     (default 10000)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/target-dir.sh"
cd "$ROOT"
cargo bench -q -p stepforge --no-default-features --features mimalloc --bench explore -- "${1:-10000}"
