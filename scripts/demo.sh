#!/usr/bin/env bash
# The end-to-end demo: builds the Python and Node packages, then
#   1. builds, validates and prints state machines from Python and TypeScript
#      (seed 003's job poller; seed 004's Map over a DynamoDB list, from its
#      config.json; seed 001's concurrency controller) and shows that Python,
#      TypeScript and Rust render the same bytes;
#   2. loads seed 004's lists into a DynamoDB-compatible server on 127.0.0.1
#      with `load-ddb` (the command `pip install stepforge` installs) and reads
#      the item back, as the state machine's GetItem would.
source "$(dirname "$0")/env.sh"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/stepforge-demo.XXXXXX")"
trap 'stop_moto; rm -rf "$WORK"' EXIT
SEED4="$ROOT/examples/seed004-map-over-dynamodb"

ensure_venv
build_python
build_node

log "Python: seed 003's job poller"
"$VENV/bin/python" "$ROOT/examples/seed003-cdk-library/run.py" job_poller

log "Python: seed 004's state machine, from config.json"
"$VENV/bin/python" "$SEED4/state_machine.py" "$SEED4/config.json" | tee "$WORK/python.json"

log "TypeScript: compiling the examples against the package's index.d.ts"
(cd "$ROOT/bindings-node" && npx --no -- tsc -p ../examples/tsconfig.json)
OUT="$ROOT/bindings-node/build/examples/examples"

log "TypeScript: seed 003's job poller"
node "$OUT/seed003-cdk-library/run.js" job_poller

log "TypeScript: seed 004's state machine, from config.json"
node "$OUT/seed004-map-over-dynamodb/state_machine.js" "$SEED4/config.json" | tee "$WORK/typescript.json"

log "Rust: seed 004's state machine"
(cd "$ROOT" && cargo run -q -p stepforge-examples --bin seed004_state_machine -- "$SEED4/config.json") >"$WORK/rust.json"
cmp "$WORK/python.json" "$WORK/typescript.json" && cmp "$WORK/python.json" "$WORK/rust.json"
echo "Python, TypeScript and Rust rendered the same $(wc -c <"$WORK/python.json") bytes"

log "Seed 001's concurrency controller: the semaphore, cleanup and test machines"
SEED1="$ROOT/examples/seed001-concurrency-controller"
for machine in semaphore cleanup test; do
  "$VENV/bin/python" "$SEED1/state_machines.py" "$machine" >"$WORK/seed1-$machine-python.json"
  node "$OUT/seed001-concurrency-controller/state_machines.js" "$machine" >"$WORK/seed1-$machine-typescript.json"
  cmp "$WORK/seed1-$machine-python.json" "$WORK/seed1-$machine-typescript.json"
  echo "$machine: Python and TypeScript rendered the same $(wc -c <"$WORK/seed1-$machine-python.json") bytes"
done
cat "$WORK/seed1-semaphore-python.json"

log "The same definitions through the validator"
"$VENV/bin/python" -m stepforge validate "$WORK"/seed1-*-python.json && echo "stepforge validate (seed 001's three machines): no problems"

"$VENV/bin/python" -m stepforge validate "$WORK/python.json" && echo "stepforge validate (seed 004's machine): no problems"

log "load-ddb: seed 004's lists into DynamoDB (moto on 127.0.0.1)"
start_moto
TABLE="$("$VENV/bin/python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["ddb"]["tableName"])' "$SEED4/config.json")"
"$VENV/bin/python" - "$STEPFORGE_DYNAMODB_ENDPOINT" "$TABLE" <<'PY'
import sys, boto3
endpoint, table = sys.argv[1:]
boto3.client("dynamodb", endpoint_url=endpoint).create_table(
    TableName=table, BillingMode="PAY_PER_REQUEST",
    KeySchema=[{"AttributeName": "mapstatelist", "KeyType": "HASH"}],
    AttributeDefinitions=[{"AttributeName": "mapstatelist", "AttributeType": "S"}])
print(f"created table {table}")
PY
for list in simplelist.json listofdicts.json; do
  "$VENV/bin/load-ddb" --config "$SEED4/config.json" --json "$SEED4/$list" --endpoint-url "$STEPFORGE_DYNAMODB_ENDPOINT"
  "$VENV/bin/python" - "$STEPFORGE_DYNAMODB_ENDPOINT" "$TABLE" <<'PY'
import json, sys, boto3
endpoint, table = sys.argv[1:]
item = boto3.client("dynamodb", endpoint_url=endpoint).get_item(
    TableName=table, Key={"mapstatelist": {"S": "mapitems"}})["Item"]
print("GetItem -> $.Item.values.L, the list the Map iterates over:")
print(json.dumps(item["values"]["L"]))
PY
done
log "demo done"
