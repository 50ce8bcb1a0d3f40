//! The seeds' scenarios, run on the local executor: seed 001's concurrency
//! controller (three machines from `examples/seed001-concurrency-controller/expected/`)
//! and seed 004's Map over a DynamoDB list with its README's three experiments.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use stepforge::exec::dynamodb::KeyType;
use stepforge::exec::{Status, StatusRule, TaskCall, TaskOutcome, World};

const T0: i64 = stepforge::exec::DEFAULT_EPOCH_MILLIS;

fn example(path: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples").join(path);
    std::fs::read_to_string(&root).unwrap_or_else(|e| panic!("{}: {e}", root.display()))
}

const SEMAPHORE: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:CC-ConcurrencyControlledStateMachine";
const DO_WORK: &str = "arn:aws:lambda:us-east-1:123456789012:function:CC-DoWork";

/// The lock item, read back from the in-memory table.
fn lock_item(w: &mut World) -> Value {
    let got = w
        .dynamodb_mut()
        .call("GetItem", &json!({"TableName": "CC-locktable", "Key": {"LockName": {"S": "MySemaphore"}}}))
        .expect("GetItem");
    got["Item"].clone()
}

/// Seed 001: the test machine's Map starts 100 semaphore executions with
/// `startExecution.sync:2`; the semaphore admits 5 at a time into "Do Work",
/// whose job fails 10% of the time; a failed execution's slot is released by
/// the cleanup machine, started by the status-change event.
fn seed001(seed: u64) -> World {
    let mut w = World::new(seed);
    w.register_json(SEMAPHORE, &example("seed001-concurrency-controller/expected/semaphore.json")).unwrap();
    w.register_json("CC-CleanFromIncomplete", &example("seed001-concurrency-controller/expected/cleanup.json"))
        .unwrap();
    w.register_json("CC-ThreadTest", &example("seed001-concurrency-controller/expected/test.json")).unwrap();
    w.on_status_change(StatusRule {
        source: Some(SEMAPHORE.into()),
        statuses: vec![Status::Failed, Status::TimedOut, Status::Aborted],
        target: "CC-CleanFromIncomplete".into(),
    });
    w.dynamodb_mut().create_table("CC-locktable", ("LockName", KeyType::S), None).unwrap();
    w.dynamodb_mut()
        .call(
            "PutItem",
            &json!({"TableName": "CC-locktable", "Item": {"LockName": {"S": "MySemaphore"}, "currentlockcount": {"N": "0"}}}),
        )
        .unwrap();
    w.handle(DO_WORK, |c: &TaskCall| {
        if c.random % 10 == 0 {
            TaskOutcome::fail("JobFailed", "the seeded 10%")
        } else {
            TaskOutcome::Succeed { output: json!({"done": true}), after: Duration::from_millis(1000 + c.random % 4000) }
        }
    });
    w.start_execution("CC-ThreadTest", json!({}), Some("run")).unwrap();
    w
}

#[test]
fn seed001_concurrency_controller() {
    let started = Instant::now();
    let mut w = seed001(2026);
    let idle = w.run_until_idle();
    let wall = started.elapsed();
    assert_eq!(idle.running, 0, "every execution ended");
    assert!(w.executions().all(|e| e.status() != Status::Running));

    let test = w.executions().find(|e| e.name() == "run").unwrap();
    assert_eq!(test.status(), Status::Succeeded, "{:?} {:?}", test.error(), test.cause());

    let semaphore: Vec<_> = w.executions().filter(|e| e.state_machine_arn() == SEMAPHORE).collect();
    let succeeded = semaphore.iter().filter(|e| e.status() == Status::Succeeded).count();
    let failed = semaphore.iter().filter(|e| e.status() == Status::Failed).count();
    assert_eq!(succeeded, 100, "each of the 100 iterations ends with one successful job (failures are retried)");
    assert!(failed > 0, "the job fails some of the time");
    assert!(semaphore.iter().filter(|e| e.status() == Status::Failed).all(|e| e.error() == Some("JobFailed")));
    let cleanups: Vec<_> =
        w.executions().filter(|e| e.state_machine_arn().ends_with(":CC-CleanFromIncomplete")).collect();
    assert_eq!(cleanups.len(), failed, "one cleanup per failed semaphore execution");
    assert!(cleanups.iter().all(|e| e.status() == Status::Succeeded));

    let peak = w.peak_occupancy(&["Do Work"]);
    assert_eq!(peak.count, 5, "never more than 5 inside the job, and the limit is used: {peak:?}");
    let item = lock_item(&mut w);
    assert_eq!(item, json!({"LockName": {"S": "MySemaphore"}, "currentlockcount": {"N": "0"}}), "no slot held");
    eprintln!(
        "seed 001: {} executions, {} failed jobs, virtual {} s, wall {:?}",
        w.executions().count(),
        failed,
        (w.now_millis() - T0) / 1000,
        wall
    );
}

#[test]
fn seed001_is_reproducible() {
    let histories = |seed| {
        let mut w = seed001(seed);
        w.run_until_idle();
        w.executions().map(|e| e.history_json().to_string()).collect::<Vec<_>>()
    };
    assert_eq!(histories(7), histories(7));
}

/// Seed 004's state machine as its builders render it from `config.json`.
fn seed004_definition(max_concurrency: u64, wait: u64, timeout: u64) -> Value {
    let config: Value = serde_json::from_str(&example("seed004-map-over-dynamodb/config.json")).unwrap();
    let ddb = &config["ddb"];
    json!({
        "StartAt": "Get List",
        "States": {
            "Get List": {
                "Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
                "Parameters": {"TableName": ddb["tableName"],
                    "Key": {ddb["partitionKeyName"].as_str().unwrap(): {"S": ddb["partitionKeyValueField"]}}},
                "OutputPath": "$.Item.values.L", "Next": "Process Items"},
            "Process Items": {
                "Type": "Map", "MaxConcurrency": max_concurrency,
                "ItemProcessor": {"StartAt": "Take Item", "States": {
                    "Take Item": {"Type": "Pass", "Next": "Wait Between Items"},
                    "Wait Between Items": {"Type": "Wait", "Seconds": wait, "Next": "Log Item"},
                    "Log Item": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                        "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:LogItem", "Payload.$": "$"},
                        "OutputPath": "$.Payload", "End": true}}},
                "End": true}},
        "TimeoutSeconds": timeout
    })
}

/// Runs seed 004 over `list` (loaded as the seed's load-ddb would: one item
/// whose `values` attribute is the list); returns the world, the execution
/// and the virtual times at which LogItem was called, with its input.
fn seed004(list: &str, max_concurrency: u64, wait: u64, timeout: u64) -> (World, String, Vec<(i64, Value)>) {
    let mut w = World::new(4);
    w.dynamodb_mut().create_table("MapStateList", ("mapstatelist", KeyType::S), None).unwrap();
    let values: Value = serde_json::from_str(&example(&format!("seed004-map-over-dynamodb/{list}"))).unwrap();
    let item = json!({"mapstatelist": "mapitems", "values": values});
    let typed =
        stepforge::dynamo::attr::item_to_dynamodb_json(&stepforge::dynamo::marshall_item(&item).expect("marshalls"));
    w.dynamodb_mut().call("PutItem", &json!({"TableName": "MapStateList", "Item": typed})).unwrap();
    let calls = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = calls.clone();
    w.handle("arn:aws:lambda:us-east-1:123456789012:function:LogItem", move |c: &TaskCall| {
        seen.lock().unwrap().push((c.now_millis, c.input.clone()));
        TaskOutcome::ok(c.input.clone())
    });
    w.register_json("seed004", &seed004_definition(max_concurrency, wait, timeout).to_string()).unwrap();
    let arn = w.start_execution("seed004", json!({}), None).unwrap();
    w.run_until_idle();
    let calls = calls.lock().unwrap().clone();
    (w, arn, calls)
}

// Seed 004 README, experiment 1: concurrency 1 and a 2 s wait — the Lambda
// function is invoked once per item, about 2 seconds apart.
#[test]
fn seed004_concurrency_one_invokes_two_seconds_apart() {
    let (w, arn, calls) = seed004("simplelist.json", 1, 2, 20);
    let e = w.execution(&arn).unwrap();
    assert_eq!(e.status(), Status::Succeeded, "{:?}", e.cause());
    let times: Vec<i64> = calls.iter().map(|(t, _)| t - T0).collect();
    assert_eq!(times, [2000, 4000, 6000]);
    assert_eq!(e.output(), Some(&json!([{"S": "Computer Science"}, {"S": "Economics"}, {"S": "Mathematics"}])));
}

// Seed 004 README, experiment 2: concurrency 3 — the three invocations happen together.
#[test]
fn seed004_concurrency_three_invokes_together() {
    let (w, arn, calls) = seed004("simplelist.json", 3, 2, 20);
    assert_eq!(w.execution(&arn).unwrap().status(), Status::Succeeded);
    let times: Vec<i64> = calls.iter().map(|(t, _)| t - T0).collect();
    assert_eq!(times, [2000, 2000, 2000]);
    // listofdicts.json: each item reaches the function as a DynamoDB map (`M`).
    let (_, _, calls) = seed004("listofdicts.json", 3, 2, 20);
    assert_eq!(calls.len(), 4);
    assert!(calls.iter().all(|(_, input)| input["M"]["topic"]["S"].is_string()), "{calls:?}");
}

// Seed 004 README, experiment 3: a 25 s wait under a 20 s execution timeout fails with a timeout.
#[test]
fn seed004_wait_longer_than_the_timeout() {
    let (w, arn, calls) = seed004("simplelist.json", 1, 25, 20);
    let e = w.execution(&arn).unwrap();
    assert_eq!((e.status(), e.error()), (Status::TimedOut, Some("States.Timeout")));
    assert_eq!(e.stop_millis(), Some(T0 + 20_000));
    assert!(calls.is_empty());
}
