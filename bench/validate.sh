#!/usr/bin/env bash
# Validation speed: stepforge against the npm package asl-validator, on the
# same generated definitions, in one run. Prints a table with ratios.
#
#   bash bench/validate.sh [STATES...]      (default: 1000 10000)
#
# Two comparisons per definition:
#   in-process  the validator called as a library, median of many calls
#               (stepforge: examples/time_validate; asl-validator: its JS API)
#   CLI         the whole command, process start included, median of 5 runs
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/target-dir.sh"
WORK="${TMPDIR:-/tmp}/stepforge-bench-validate"
mkdir -p "$WORK"

cargo build -q --release -p stepforge --bin stepforge --example generate_definition --example time_validate \
  --manifest-path "$ROOT/Cargo.toml"
BIN="$CARGO_TARGET_DIR/release"

if [ ! -d "$WORK/node_modules/asl-validator" ]; then
  (cd "$WORK" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error asl-validator@4.0.0)
fi
cat > "$WORK/inprocess.js" <<'JS'
// Median time of asl-validator's library call on one file.
const { readFileSync } = require('fs')
const validator = require('asl-validator')
const fn = validator.default || validator
const text = readFileSync(process.argv[2], 'utf8')
const rounds = Number(process.argv[3] || 10)
const times = []
let result
for (let i = 0; i < rounds; i++) {
  const t = process.hrtime.bigint()
  result = fn(JSON.parse(text))
  times.push(Number(process.hrtime.bigint() - t) / 1e6)
}
times.sort((a, b) => a - b)
if (!result.isValid) { console.error(JSON.stringify(result.errors).slice(0, 500)); process.exit(1) }
console.log(times[Math.floor(times.length / 2)].toFixed(2))
JS

# Median wall time, in ms, of a command run 5 times.
median_ms() {
  local times=()
  for _ in 1 2 3 4 5; do
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 3p | awk '{printf "%.1f", $1/1000}'
}

printf '%-8s %9s | %14s %14s %7s | %12s %12s %7s\n' states bytes "stepforge lib" "asl-val lib" ratio "stepforge CLI" "asl-val CLI" ratio
for states in "${@:-1000 10000}"; do
  for n in $states; do
    file="$WORK/def-$n.json"
    "$BIN/examples/generate_definition" "$n" > "$file"
    bytes=$(wc -c < "$file")
    ours_lib=$("$BIN/examples/time_validate" "$file" 50 only | awk '{print $2}' | sed 's/ms//')
    case "$ours_lib" in *µs) ours_lib=$(echo "${ours_lib%µs}" | awk '{print $1/1000}');; esac
    theirs_lib=$(node "$WORK/inprocess.js" "$file" 5)
    ours_cli=$(median_ms "$BIN/stepforge" validate "$file")
    theirs_cli=$(median_ms node "$WORK/node_modules/asl-validator/dist/bin/asl-validator.js" --json-path "$file")
    printf '%-8s %9s | %12.2fms %12.2fms %6.0fx | %10.1fms %10.1fms %6.0fx\n' "$n" "$bytes" \
      "$ours_lib" "$theirs_lib" "$(awk "BEGIN{print $theirs_lib/$ours_lib}")" \
      "$ours_cli" "$theirs_cli" "$(awk "BEGIN{print $theirs_cli/$ours_cli}")"
  done
done
