#!/usr/bin/env bash
# The end-to-end demo, in a screenful. It builds the Python and Node packages, then
#   1. builds the seeds' state machines from Python, TypeScript and Rust, checks
#      that the languages render the same bytes, and shows each machine as a
#      short summary (states, types, transitions); the full JSON and a Mermaid
#      diagram of each go to target/demo/ (gitignored), named as they are written;
#   2. validates them, then a copy of seed 004's machine with three real
#      mistakes: the validator reports each with its code, pointer and message;
#   3. loads seed 004's lists (the seed's own flags) and 5,000 generated orders
#      into a DynamoDB-compatible server on 127.0.0.1 (moto) with `load-ddb`:
#      its progress (drawn when stderr is a terminal) and its summary.
#   4. runs seeds 001, 000 and 002 on the local executor (virtual clock,
#      in-memory DynamoDB), seed 001 again from Python and TypeScript and seed
#      004's three experiments, and prints a semaphore machine for plain ASL users.
source "$(dirname "$0")/env.sh"
DEMO="$ROOT/target/demo"
rm -rf "$DEMO" && mkdir -p "$DEMO"
trap 'stop_moto' EXIT
PY="$VENV/bin/python"
SEED1="$ROOT/examples/seed001-concurrency-controller"
SEED3="$ROOT/examples/seed003-cdk-library"
SEED4="$ROOT/examples/seed004-map-over-dynamodb"
summary() { "$PY" "$ROOT/scripts/asl_summary.py" "$@"; }
# Fails the demo unless two renderings are byte for byte the same.
same() { cmp -s "$1" "$2" || { echo "$1 and $2 differ" >&2; exit 1; }; }

ensure_venv
build_python >"$DEMO/build.log" 2>&1 || { cat "$DEMO/build.log"; exit 1; }
build_node >>"$DEMO/build.log" 2>&1 || { cat "$DEMO/build.log"; exit 1; }
(cd "$ROOT/bindings-node" && npx --no -- tsc -p ../examples/tsconfig.json) >>"$DEMO/build.log" 2>&1 \
  || { cat "$DEMO/build.log"; exit 1; }
OUT="$ROOT/bindings-node/build/examples/examples"
echo "built the wheel, the Node addon and the TypeScript examples (log: $DEMO/build.log)"

log "Seed 004: a Map over a list read from DynamoDB, built from config.json"
"$PY" "$SEED4/state_machine.py" "$SEED4/config.json" >"$DEMO/seed004.asl.json"
node "$OUT/seed004-map-over-dynamodb/state_machine.js" "$SEED4/config.json" >"$DEMO/seed004.ts.json"
(cd "$ROOT" && cargo run -q -p stepforge-examples --bin seed004_state_machine -- "$SEED4/config.json") >"$DEMO/seed004.rs.json"
same "$DEMO/seed004.asl.json" "$DEMO/seed004.ts.json" && same "$DEMO/seed004.asl.json" "$DEMO/seed004.rs.json"
echo "Python, TypeScript and Rust rendered the same $(wc -c <"$DEMO/seed004.asl.json") bytes"
summary "seed 004" "$DEMO/seed004.asl.json"

log "Seed 003: the CDK docs' job poller"
"$PY" "$SEED3/run.py" job_poller | tail -n +2 >"$DEMO/job_poller.asl.json"
node "$OUT/seed003-cdk-library/run.js" job_poller | tail -n +2 >"$DEMO/job_poller.ts.json"
same "$DEMO/job_poller.asl.json" "$DEMO/job_poller.ts.json"
echo "Python and TypeScript rendered the same $(wc -c <"$DEMO/job_poller.asl.json") bytes"
summary "job poller" "$DEMO/job_poller.asl.json"

log "Seed 001: the concurrency controller's semaphore, cleanup and test machines"
for machine in semaphore cleanup test; do
  "$PY" "$SEED1/state_machines.py" "$machine" >"$DEMO/seed001-$machine.asl.json"
  node "$OUT/seed001-concurrency-controller/state_machines.js" "$machine" >"$DEMO/seed001-$machine.ts.json"
  same "$DEMO/seed001-$machine.asl.json" "$DEMO/seed001-$machine.ts.json"
  summary "seed 001 $machine (Python = TypeScript)" "$DEMO/seed001-$machine.asl.json"
done

log "The validator"
"$VENV/bin/stepforge" validate "$DEMO"/*.asl.json && echo "stepforge validate: $(ls "$DEMO"/*.asl.json | wc -l) definitions, no problems"
# Three mistakes people make: a misspelt state name, a path that is not
# JSONPath, a concurrency that is not a number.
"$PY" - "$DEMO/seed004.asl.json" "$DEMO/seed004-broken.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["States"]["Get List"]["Next"] = "Proces Items"
items = d["States"]["Process Items"]
items["MaxConcurrency"] = str(items["MaxConcurrency"])
items["ItemProcessor"]["States"]["Log Item"]["Parameters"]["Payload.$"] = "$.item["
json.dump(d, open(sys.argv[2], "w"), indent=2)
PY
echo "\$ stepforge validate $DEMO/seed004-broken.json"
if "$VENV/bin/stepforge" validate "$DEMO/seed004-broken.json"; then
  echo "the validator missed the mistakes" >&2
  exit 1
fi
echo "(exit code 1: CODE POINTER: message, one line per problem; --format json for tools)"

log "load-ddb: seed 004's lists, then 5,000 orders, into DynamoDB (moto on 127.0.0.1)"
start_moto >/dev/null
TABLE="$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["ddb"]["tableName"])' "$SEED4/config.json")"
"$PY" - "$STEPFORGE_DYNAMODB_ENDPOINT" "$TABLE" "$DEMO/orders.jsonl" <<'PY'
import json, sys, boto3
endpoint, table, orders = sys.argv[1:]
client = boto3.client("dynamodb", endpoint_url=endpoint)
for name, key in ((table, "mapstatelist"), ("Orders", "id")):
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                        KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}])
with open(orders, "w") as out:
    for i in range(5000):
        out.write(json.dumps({"id": f"order-{i:05}", "total": f"{i * 1.25:.2f}", "lines": i % 7 + 1}) + "\n")
print(f"created tables {table} and Orders; wrote {orders}")
PY
for list in simplelist.json listofdicts.json; do
  echo "\$ load-ddb --config config.json --json $list"
  "$VENV/bin/load-ddb" --config "$SEED4/config.json" --json "$SEED4/$list" --endpoint-url "$STEPFORGE_DYNAMODB_ENDPOINT"
done
"$PY" - "$STEPFORGE_DYNAMODB_ENDPOINT" "$TABLE" <<'PY'
import json, sys, boto3
endpoint, table = sys.argv[1:]
item = boto3.client("dynamodb", endpoint_url=endpoint).get_item(
    TableName=table, Key={"mapstatelist": {"S": "mapitems"}})["Item"]
values = item["values"]["L"]
print(f"GetItem -> $.Item.values.L, what the Map iterates over: {len(values)} values, "
      f"the first {json.dumps(values[0])}")
PY
echo "\$ load-ddb --table Orders --reject-file rejects.jsonl orders.jsonl"
"$VENV/bin/load-ddb" --table Orders --reject-file "$DEMO/rejects.jsonl" --endpoint-url "$STEPFORGE_DYNAMODB_ENDPOINT" \
  "$DEMO/orders.jsonl"
log "Run locally: the seeds on the executor's virtual clock (Rust examples, examples/rust/)"
# Seed 001's three machines together (100 executions, limit 5, a job that fails
# 10% of the time, the cleanup started by status events), seed 000's Example 2
# with the semaphore fragment, seed 002's phased job graph.
for example in seed001_run seed000_semaphore seed002_phased_job; do
  (cd "$ROOT" && cargo run -q -p stepforge-examples --bin "$example")
done
log "Run locally from Python and TypeScript: seed 001 again (the same run for the same seed), seed 004's experiments"
echo "\$ python examples/seed001-concurrency-controller/run.py"
"$PY" "$SEED1/run.py"
echo "\$ node seed001-concurrency-controller/run.js    (compiled from run.ts)"
node "$OUT/seed001-concurrency-controller/run.js"
echo "\$ python examples/seed004-map-over-dynamodb/run.py"
"$PY" "$SEED4/run.py"
echo "\$ stepforge semaphore --lock-name MySemaphore --limit 5 --table LockTable --job job.json > semaphore.asl.json && stepforge validate semaphore.asl.json"
printf '%s\n' '{"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work", "End": true}}}' >"$DEMO/job.json"
"$VENV/bin/stepforge" semaphore --lock-name MySemaphore --limit 5 --table LockTable --job "$DEMO/job.json" >"$DEMO/semaphore.asl.json"
"$VENV/bin/stepforge" validate "$DEMO/semaphore.asl.json" &&
  echo "the semaphore machine ($(grep -c '"Type"' "$DEMO/semaphore.asl.json") states) is valid: $DEMO/semaphore.asl.json"
log "demo done: the definitions, diagrams and inputs are in $DEMO"
