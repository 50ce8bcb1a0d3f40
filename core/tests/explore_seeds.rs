//! The explorer finds the known defects of the semaphores in the wild, each
//! with a short counterexample, while stepforge's fragment passes the same
//! checks:
//!
//! - seed 001's race: the AWS sample (`examples/seed001-concurrency-controller/`,
//!   no lease) leaks a slot when an acquire lands after its execution's cleanup;
//! - seed 000's three defects in a hand-written fixture shaped like what
//!   `@dontirun/state-machine-semaphore` 0.1.583 synthesizes for its Example 1
//!   (`tests/fixtures/explore/`; synthesizing the real one comes with the CDK work).

use serde_json::{Value, json};
use stepforge::exec::explore::{Counterexample, Fault, Faults, SemaphoreDesign, SemaphoreScenario};

fn read(path: &str) -> String {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn dontirun(executions: usize, lock_item: Option<Value>) -> SemaphoreScenario {
    SemaphoreScenario {
        design: SemaphoreDesign::Asl {
            main: read("tests/fixtures/explore/dontirun-0.1.583-example1.json"),
            cleanup: None,
            lease_seconds: None,
        },
        table: "SemaphoreTable".into(),
        lock: "life".into(),
        limit: 2,
        executions,
        job_states: ["ContestedJobPart1", "Wait", "AnotherWait", "YetAnotherWait"].map(String::from).to_vec(),
        job_ms: (1000, 5000),
        lock_item,
    }
}

/// stepforge's fragment in the same setup (same table, lock and limit), with a lease.
fn fragment_like(s: &SemaphoreScenario) -> SemaphoreScenario {
    SemaphoreScenario {
        design: SemaphoreDesign::Fragment { cleanup: true, lease_seconds: Some(60) },
        job_states: vec!["Work".into()],
        ..s.clone()
    }
}

fn shown(cx: &Counterexample) -> String {
    let text = cx.describe();
    eprintln!("{text}\n{}", cx.mermaid());
    assert!(cx.mermaid().starts_with("sequenceDiagram\n"));
    text
}

#[test]
fn seed_001s_race_an_acquire_that_lands_after_its_cleanup_leaks_the_slot() {
    let scenario = SemaphoreScenario {
        design: SemaphoreDesign::Asl {
            main: read("../examples/seed001-concurrency-controller/expected/semaphore.json"),
            cleanup: Some(read("../examples/seed001-concurrency-controller/expected/cleanup.json")),
            lease_seconds: None,
        },
        table: "CC-locktable".into(),
        lock: "MySemaphore".into(),
        limit: 5,
        executions: 3,
        job_states: vec!["Do Work".into()],
        job_ms: (1000, 5000),
        lock_item: Some(json!({"LockName": {"S": "MySemaphore"}, "currentlockcount": {"N": "0"}})),
    };
    let faults = Faults::none().with(Fault::LateWrite, 0.2);
    let report = scenario.explorer().unwrap().faults(faults.clone()).random(200, 1);
    let cx = report.counterexample.as_ref().expect("the race is found");
    let text = shown(cx);
    assert_eq!(cx.violation.invariant, "no slot held at the end");
    assert!(cx.violation.message.contains("ABORTED"), "{}", cx.violation.message);
    assert!(text.contains("in-flight DynamoDB updateItem lands"), "{text}");
    assert!(cx.steps <= 40, "a short counterexample: {} steps", cx.steps);
    // The counterexample replays from its text form.
    let replayed =
        scenario.explorer().unwrap().faults(faults.clone()).replay(&cx.schedule.to_string().parse().unwrap());
    assert_eq!(replayed.0.map(|v| v.invariant), Some(cx.violation.invariant.clone()));
    // stepforge's fragment, same lock, same faults: the lease gets the slot back.
    let ours = fragment_like(&scenario).explorer().unwrap().faults(faults).random(50, 1);
    assert!(ours.counterexample.is_none(), "{}", ours.counterexample.unwrap().describe());
}

#[test]
fn seed_000_defect_1_the_execution_that_creates_the_lock_item_skips_the_lock() {
    let scenario = dontirun(3, None);
    let report = scenario.explorer().unwrap().random(20, 1);
    let cx = report.counterexample.as_ref().expect("defect 1 is found");
    let text = shown(cx);
    assert_eq!(cx.violation.invariant, "never more than the limit inside the job");
    assert!(text.contains("Initialize life Lock Item: 1"), "{text}");
    let ours = fragment_like(&scenario).explorer().unwrap().random(20, 1);
    assert!(ours.counterexample.is_none(), "{}", ours.counterexample.unwrap().describe());
}

#[test]
fn seed_000_defect_2_a_retried_acquire_never_sees_its_own_slot() {
    let item = json!({"LockName": {"S": "life"}, "currentlockcount": {"N": "0"}});
    let scenario = dontirun(2, Some(item));
    // One fault: two would also exhaust the retries and fail the execution
    // while it holds its slot (which leaks too: this construct has no cleanup).
    let faults = Faults::none().with(Fault::ErrorAfterWrite, 0.3).max_per_schedule(1);
    // A horizon of 5 virtual minutes: the stuck execution loops about 5 times.
    let report = scenario.explorer().unwrap().horizon_ms(300_000).faults(faults.clone()).random(50, 1);
    let cx = report.counterexample.as_ref().expect("defect 2 is found");
    let text = shown(cx);
    assert_eq!(cx.violation.invariant, "every execution ended");
    assert!(text.contains("the write is applied, then the caller sees a 500"), "{text}");
    assert!(text.contains("Check if life Lock Already Acquired: 1"), "{text}");
    let ours = fragment_like(&scenario).explorer().unwrap().faults(faults).random(50, 1);
    assert!(ours.counterexample.is_none(), "{}", ours.counterexample.unwrap().describe());
}

#[test]
fn seed_000_defect_3_not_equal_admits_more_once_the_count_is_past_the_limit() {
    // Three slots left by a deployment whose limit was 3, taken a day ago;
    // the limit is now 2.
    let mut item = json!({"LockName": {"S": "life"}, "currentlockcount": {"N": "3"}});
    for i in 1..=3 {
        item[format!("arn:aws:states:us-east-1:123456789012:execution:main:old{i}")] =
            json!({"S": "2023-12-31T00:00:00.000Z"});
    }
    let scenario = dontirun(1, Some(item));
    let report = scenario.explorer().unwrap().random(5, 1);
    let cx = report.counterexample.as_ref().expect("defect 3 is found");
    shown(cx);
    assert_eq!(cx.violation.invariant, "count never above the limit");
    assert!(cx.violation.message.contains("from 3 to 4"), "{}", cx.violation.message);
    assert!(cx.steps <= 10, "{} steps", cx.steps);
    // stepforge's fragment waits, reclaims the stale slots after its lease, and never passes the limit.
    let ours = fragment_like(&scenario).explorer().unwrap().random(5, 1);
    assert!(ours.counterexample.is_none(), "{}", ours.counterexample.unwrap().describe());
}
