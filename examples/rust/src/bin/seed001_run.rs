//! Seed 001, run locally: the concurrency controller's three machines
//! (`examples/seed001-concurrency-controller/expected/`) on the local
//! executor. The test machine starts 100 executions of the semaphore machine
//! through its Map of `startExecution.sync:2`; the semaphore lets 5 at a time
//! into "Do Work", a job that fails 10% of the time (seeded) and otherwise
//! takes 1–5 virtual seconds; each failed execution's status-change event
//! starts the cleanup machine, which gives its slot back.
//!
//! `cargo run -p stepforge-examples --bin seed001_run [SEED]`

use std::time::{Duration, Instant};

use serde_json::json;
use stepforge::exec::dynamodb::KeyType;
use stepforge::exec::{Status, StatusRule, TaskCall, TaskOutcome, World};

const SEMAPHORE: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:CC-ConcurrencyControlledStateMachine";
const CLEANUP: &str = "CC-CleanFromIncomplete";
const TEST: &str = "CC-ThreadTest";
const DO_WORK: &str = "arn:aws:lambda:us-east-1:123456789012:function:CC-DoWork";
const TABLE: &str = "CC-locktable";

fn machine(file: &str) -> Result<String, String> {
    let path = format!("{}/../seed001-concurrency-controller/expected/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))
}

fn run(seed: u64) -> Result<(), String> {
    let mut w = World::new(seed);
    let fail = |e: stepforge::exec::ExecError| e.to_string();
    w.register_json(SEMAPHORE, &machine("semaphore.json")?).map_err(fail)?;
    w.register_json(CLEANUP, &machine("cleanup.json")?).map_err(fail)?;
    w.register_json(TEST, &machine("test.json")?).map_err(fail)?;
    // The EventBridge rule of the sample: FAILED, TIMED_OUT or ABORTED starts the cleanup.
    w.on_status_change(StatusRule {
        source: Some(SEMAPHORE.into()),
        statuses: vec![Status::Failed, Status::TimedOut, Status::Aborted],
        target: CLEANUP.into(),
    });
    let db = w.dynamodb_mut();
    db.create_table(TABLE, ("LockName", KeyType::S), None).map_err(|e| e.to_string())?;
    let lock = json!({"TableName": TABLE, "Item": {"LockName": {"S": "MySemaphore"}, "currentlockcount": {"N": "0"}}});
    db.call("PutItem", &lock).map_err(|e| e.to_string())?;
    w.handle(DO_WORK, |c: &TaskCall| {
        if c.random.is_multiple_of(10) {
            TaskOutcome::fail("RandomSimulatedFailure", "the seeded 10%")
        } else {
            TaskOutcome::Succeed { output: json!({"done": true}), after: Duration::from_millis(1000 + c.random % 4000) }
        }
    });

    let started = Instant::now();
    let t0 = w.now_millis();
    w.start_execution(TEST, json!({}), Some("run")).map_err(fail)?;
    let idle = w.run_until_idle();
    let wall = started.elapsed();

    let item = w
        .dynamodb_mut()
        .call("GetItem", &json!({"TableName": TABLE, "Key": {"LockName": {"S": "MySemaphore"}}}))
        .map_err(|e| e.to_string())?;
    let count = |arn: &str, status: Status| {
        w.executions().filter(|e| e.state_machine_arn().ends_with(arn) && e.status() == status).count()
    };
    let peak = w.peak_occupancy(&["Do Work"]);
    println!("seed 001, run locally (seed {seed})");
    println!("  executions:        {} ({} still running)", w.executions().count(), idle.running);
    println!(
        "  semaphore machine: {} succeeded, {} failed (job failures, retried by the test machine)",
        count(SEMAPHORE, Status::Succeeded),
        count(SEMAPHORE, Status::Failed)
    );
    println!("  cleanup machine:   {} runs, started by the status-change events", count(CLEANUP, Status::Succeeded));
    let when = peak.at_millis.map(|at| format!(", first at +{} s", (at - t0) / 1000)).unwrap_or_default();
    println!("  inside \"Do Work\":  at most {} at once (limit 5){when}", peak.count);
    println!("  lock item at end:  {}", item["Item"]);
    println!("  virtual time {} s, wall time {:.0?}", (w.now_millis() - t0) / 1000, wall);
    if peak.count > 5 || idle.running > 0 || item["Item"]["currentlockcount"] != json!({"N": "0"}) {
        return Err("the semaphore did not hold: see above".into());
    }
    Ok(())
}

fn main() {
    let seed = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(2026);
    if let Err(e) = run(seed) {
        eprintln!("seed001_run: {e}");
        std::process::exit(1);
    }
}
