#!/usr/bin/env bash
# Exploration speed (issue 15): random schedules of stepforge's semaphore
# (10 executions, limit 3, every fault at 3 %) and the bounded exhaustive run
# (3 executions, limit 2), for each design; prints a Markdown table.
#
#   bash bench/explore.sh [SCHEDULES] [--threads 1,2] [--random-only|--exhaustive-only]
#   (default: 10000 schedules, one thread per core)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/target-dir.sh"
cd "$ROOT"
if [ $# -eq 0 ]; then set -- 10000; fi
cargo bench -q -p stepforge --no-default-features --features mimalloc --bench explore -- "$@"
