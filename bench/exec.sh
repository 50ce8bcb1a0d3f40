#!/usr/bin/env bash
# Local executor speed: stepforge (from Rust, Python and Node) against
# aws-local-stepfunctions 3.0.0 (npm) and moto's Step Functions executor, on the cases
# of bench/exec/cases.json, in one run. Every executor's output is checked against the
# case's expected output.
#
# stepforge from Python and Node runs release builds: the extension is built into the
# repository's .venv (maturin develop --release) and the addon in bindings-node
# (napi build --release) first; scripts/test-python.sh makes the .venv.
#
#   bash bench/exec.sh [SECONDS_PER_CASE]     (default 2)
#
# The peers go into a scratch folder ($PEERS, default /tmp/stepforge-bench-exec),
# never into the repository: npm aws-local-stepfunctions@3.0.0 with the npm package
# node@22 (its Node 22 binary runs it; Node 20 is the fallback), and a venv with
# moto[stepfunctions].
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/target-dir.sh"
SECONDS_PER_CASE="${1:-2}"
PEERS="${PEERS:-${TMPDIR:-/tmp}/stepforge-bench-exec}"
CASES="$ROOT/bench/exec/cases.json"
mkdir -p "$PEERS"

if [ ! -d "$PEERS/node_modules/aws-local-stepfunctions" ]; then
  (cd "$PEERS" && npm init -y >/dev/null &&
    npm install --no-audit --no-fund --loglevel=error aws-local-stepfunctions@3.0.0 node@22)
fi
NODE="$PEERS/node_modules/.bin/node"
[ -x "$NODE" ] || NODE=node
if [ ! -x "$PEERS/venv/bin/python" ]; then
  python3 -m venv "$PEERS/venv"
  "$PEERS/venv/bin/pip" install -q "moto[stepfunctions]"
fi
cp "$ROOT/bench/exec_peers.js" "$PEERS/exec_peers.js"

echo "stepforge (cargo bench --bench exec -- --report) ..." >&2
cargo bench -q -p stepforge --bench exec --manifest-path "$ROOT/Cargo.toml" -- --report > "$PEERS/rust.jsonl"
echo "stepforge from Python (release build into .venv) ..." >&2
(cd "$ROOT/bindings-python" && "$ROOT/.venv/bin/maturin" develop --release -q >&2)
"$ROOT/.venv/bin/python" "$ROOT/bench/exec_bindings.py" "$CASES" "$SECONDS_PER_CASE" > "$PEERS/python.jsonl"
echo "stepforge from Node (release addon) ..." >&2
(cd "$ROOT/bindings-node" && npx --no -- napi build --platform --release >&2)
"$NODE" "$ROOT/bench/exec_bindings.js" "$CASES" "$SECONDS_PER_CASE" > "$PEERS/node.jsonl"
echo "aws-local-stepfunctions on $("$NODE" --version) ..." >&2
"$NODE" "$PEERS/exec_peers.js" "$CASES" "$SECONDS_PER_CASE" > "$PEERS/als.jsonl"
echo "moto ..." >&2
# moto logs each caught Fail to standard error; keep it out of the table.
"$PEERS/venv/bin/python" "$ROOT/bench/exec_peers.py" "$CASES" "$SECONDS_PER_CASE" > "$PEERS/moto.jsonl" 2> "$PEERS/moto.err"

python3 - "$PEERS" <<'PY'
import json, sys
peers = sys.argv[1]
def load(name):
    return {r["case"]: r for r in map(json.loads, open(f"{peers}/{name}.jsonl"))}
rust, als, moto = load("rust"), load("als"), load("moto")
py, nd = load("python"), load("node")
node = next(iter(als.values()))["node"]
mv = next(iter(moto.values()))["moto"]
print(f"executions/s (aws-local-stepfunctions on Node {node}, moto {mv})")
print(f"| case | transitions | stepforge | transitions/s | allocs/transition | aws-local-stepfunctions | ratio | moto | ratio |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for case, r in rust.items():
    if case not in als:
        continue
    a, m = als[case]["executions_per_s"], moto[case]["executions_per_s"]
    s = r["executions_per_s"]
    print(f"| {case} | {r['transitions_per_execution']:,} | {s:,.1f} | {r['transitions_per_s']:,.0f} | "
          f"{r['allocations_per_transition']:.1f} | {a:,.1f} | {s / a:,.0f}x | {m:,.2f} | {s / m:,.0f}x |")
print()
print("stepforge from Python and Node (release builds; a fresh World per execution, its output read back), executions/s")
print("| case | Python | ratio to aws-local-stepfunctions | Node | ratio to aws-local-stepfunctions | ratio to moto (Python) |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for case in py:
    a, m = als[case]["executions_per_s"], moto[case]["executions_per_s"]
    p, n = py[case]["executions_per_s"], nd[case]["executions_per_s"]
    print(f"| {case} | {p:,.1f} | {p / a:,.1f}x | {n:,.1f} | {n / a:,.1f}x | {p / m:,.0f}x |")
w = rust["wait-10000"]
print()
print(f"10,000 executions in an hour-long Wait at once: {w['waiting']:,} waiting; "
      f"live heap {w['live_heap_bytes'] / 1e6:.1f} MB ({w['heap_bytes_per_execution']:,.0f} B each), "
      f"RSS growth {w['rss_growth_bytes'] / 1e6:.1f} MB (RSS {w['rss_after_bytes'] / 1e6:.1f} MB); "
      f"started and waiting in {w['start_and_enter_wait_s'] * 1e3:.0f} ms, finished after the hour in "
      f"{w['finish_after_the_hour_s'] * 1e3:.0f} ms")
PY
