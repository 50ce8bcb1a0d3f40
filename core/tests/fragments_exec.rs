//! The fragments run on the local executor with the in-memory DynamoDB: the
//! semaphore (first user, a retried acquire, the limit, failed jobs, cleanup
//! and lease), seed 002's phased graph and seed 004's Map.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use stepforge::builder::*;
use stepforge::exec::dynamodb::KeyType;
use stepforge::exec::{Status, StatusRule, TaskCall, TaskOutcome, World};
use stepforge::fragments::*;

mod lock_world;
use lock_world::{Log, T0, TABLE, released};

/// The job: one Lambda invoke of `work`.
fn job() -> Task {
    Task::new("Work")
        .resource("arn:aws:states:::lambda:invoke")
        .parameters(json!({"FunctionName": "work", "Payload.$": "$"}))
        .output_path("$.Payload")
}

/// A world with the lock table and the semaphore machine around [`job`] registered as `sem`.
fn world(semaphore: &Semaphore, seed: u64) -> (World, String) {
    lock_world::world(semaphore, &job(), seed)
}

/// Jobs that take `1..5` s, and record who ran when.
fn timed_work(w: &mut World) -> Log {
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = log.clone();
    w.handle("work", move |c: &TaskCall| {
        seen.lock().unwrap().push((c.execution_arn.clone(), c.now_millis));
        TaskOutcome::Succeed {
            output: json!({"by": c.execution_arn}),
            after: Duration::from_millis(1000 + c.random % 4000),
        }
    });
    log
}

#[test]
fn never_more_than_the_limit_inside_the_job_and_every_slot_comes_back() {
    let semaphore = Semaphore::new("life", 3, TABLE).timeout_seconds(3600);
    let (mut w, arn) = world(&semaphore, 11);
    let log = timed_work(&mut w);
    let runs: Vec<String> = (0..12).map(|i| w.start_execution(&arn, json!({"n": i}), None).unwrap()).collect();
    let idle = w.run_until_idle();
    assert_eq!(idle.running, 0);
    for run in &runs {
        let e = w.execution(run).unwrap();
        assert_eq!(e.status(), Status::Succeeded, "{:?} {:?}", e.error(), e.cause());
        assert_eq!(e.output(), Some(&json!({"by": run})), "the job's output is the fragment's output");
    }
    assert_eq!(log.lock().unwrap().len(), 12, "each job ran once");
    let peak = w.peak_occupancy(&["Work"]);
    assert_eq!(peak.count, 3, "the limit is reached and never passed: {peak:?}");
    // The first user created the lock item (no lock item existed) and still took a slot.
    assert!(w.stays().iter().any(|(_, state, ..)| state == "Initialize life Lock Item: 1"));
    let first_job = log.lock().unwrap().iter().map(|(_, t)| *t).min().unwrap();
    assert_eq!(first_job, T0, "the first executions do not wait");
    released(&mut w, "life");
}

#[test]
fn a_failed_job_gives_its_slot_back_and_fails_with_the_jobs_error() {
    let semaphore = Semaphore::new("life", 1, TABLE);
    let (mut w, arn) = world(&semaphore, 3);
    w.handle("work", |c: &TaskCall| {
        if c.input["fail"] == true {
            TaskOutcome::fail("JobFailed", "the job could not finish")
        } else {
            TaskOutcome::ok(json!("done"))
        }
    });
    let failing = w.start_execution(&arn, json!({"fail": true}), None).unwrap();
    let fine = w.start_execution(&arn, json!({"fail": false}), None).unwrap();
    w.run_until_idle();
    let e = w.execution(&failing).unwrap();
    assert_eq!(
        (e.status(), e.error(), e.cause()),
        (Status::Failed, Some("JobFailed"), Some("the job could not finish"))
    );
    assert_eq!(w.execution(&fine).unwrap().status(), Status::Succeeded);
    // No cleanup machine here: the fragment itself released the slot.
    released(&mut w, "life");
}

#[test]
fn an_acquire_that_already_succeeded_is_recognised() {
    // As if the acquire's first attempt had written the entry and its response
    // was lost: the retry meets its own entry (ConditionalCheckFailed).
    let semaphore = Semaphore::new("life", 1, TABLE);
    let (mut w, arn) = world(&semaphore, 5);
    w.handle("work", |_: &TaskCall| TaskOutcome::ok(json!("done")));
    let exec_arn = format!("{}:again", arn.replace(":stateMachine:", ":execution:"));
    let item = json!({"LockName": {"S": "life"}, "currentlockcount": {"N": "1"}, exec_arn.clone(): {"S": "2025-01-01T00:00:00.000Z"}});
    w.dynamodb_mut().call("PutItem", &json!({"TableName": TABLE, "Item": item})).unwrap();
    let run = w.start_execution(&arn, json!({}), Some("again")).unwrap();
    assert_eq!(run, exec_arn);
    w.run_until_idle();
    let e = w.execution(&run).unwrap();
    assert_eq!(e.status(), Status::Succeeded, "{:?}", e.cause());
    assert_eq!(e.stop_millis(), Some(T0), "no wait: the slot was already this execution's");
    assert!(!w.stays().iter().any(|(_, state, ..)| state.starts_with("Wait for")));
    released(&mut w, "life");
}

/// Limit 1; the first execution's job outlives the machine's 60 s timeout,
/// then a second execution (whose job takes 1 s) wants the lock.
fn timed_out_holder(cleanup: bool) -> (World, String, String, Log) {
    let semaphore = Semaphore::new("life", 1, TABLE).timeout_seconds(60);
    let (mut w, arn) = world(&semaphore, 9);
    if cleanup {
        let mut semaphores = Semaphores::new();
        semaphores.wrap(&semaphore, &job()).unwrap();
        let text = semaphores.cleanup_machine().unwrap().render().unwrap();
        w.register_json("cleanup", &text).unwrap();
        w.on_status_change(StatusRule {
            source: Some(arn.clone()),
            statuses: vec![Status::Failed, Status::TimedOut, Status::Aborted],
            target: "cleanup".into(),
        });
    }
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = log.clone();
    w.handle("work", move |c: &TaskCall| {
        seen.lock().unwrap().push((c.execution_arn.clone(), c.now_millis));
        let slow = c.execution_arn.ends_with(":slow");
        TaskOutcome::Succeed { output: json!("done"), after: Duration::from_secs(if slow { 120 } else { 1 }) }
    });
    // The holder runs until it times out at T0 + 60 s (and, with the rule, its cleanup runs).
    let slow = w.start_execution(&arn, json!({}), Some("slow")).unwrap();
    w.run_until_idle();
    assert_eq!(w.now_millis(), T0 + 60_000);
    // A later execution of the lock (its own timeout runs from now).
    let next = w.start_execution(&arn, json!({}), Some("next")).unwrap();
    w.run_until_idle();
    (w, slow, next, log)
}

#[test]
fn the_cleanup_machine_gives_back_the_slot_of_a_timed_out_execution() {
    let (mut w, slow, next, log) = timed_out_holder(true);
    let e = w.execution(&slow).unwrap();
    assert_eq!(e.status(), Status::TimedOut);
    let cleanups: Vec<_> = w.executions().filter(|e| e.state_machine_arn().ends_with(":cleanup")).collect();
    assert_eq!(cleanups.len(), 1);
    assert_eq!(cleanups[0].status(), Status::Succeeded, "{:?}", cleanups[0].cause());
    let e = w.execution(&next).unwrap();
    assert_eq!(e.status(), Status::Succeeded, "{:?}", e.cause());
    assert!(!w.stays().iter().any(|(_, state, ..)| state.starts_with("Reclaim")), "the cleanup, not the lease");
    let (_, started) = log.lock().unwrap().iter().find(|(a, _)| a == &next).cloned().unwrap();
    assert_eq!(started, T0 + 60_000, "the cleanup had given the slot back: no wait");
    assert_eq!(log.lock().unwrap().len(), 2);
    released(&mut w, "life");
}

#[test]
fn without_cleanup_the_lease_gives_the_slot_back() {
    let (mut w, slow, next, log) = timed_out_holder(false);
    assert_eq!(w.execution(&slow).unwrap().status(), Status::TimedOut);
    let e = w.execution(&next).unwrap();
    assert_eq!(e.status(), Status::Succeeded, "{:?}", e.cause());
    let reclaims: Vec<_> =
        w.stays().into_iter().filter(|(a, state, ..)| a == &next && state.starts_with("Reclaim")).collect();
    assert_eq!(reclaims.len(), 1, "the waiter reclaimed the stale slot once");
    // The holder acquired at T0; its lease (the 60 s timeout) runs out strictly after T0 + 60 s,
    // so the newcomer, finding the lock full at T0 + 60 s, waits once, then reclaims.
    let waits = w.stays().into_iter().filter(|(a, state, ..)| a == &next && state.starts_with("Wait for")).count();
    assert_eq!(waits, 1);
    let (_, started) = log.lock().unwrap().iter().find(|(a, _)| a == &next).cloned().unwrap();
    assert!(started > T0 + 60_000, "the slot was reclaimed only after the lease: {}", started - T0);
    released(&mut w, "life");
}

#[test]
fn seed_002_catch_the_fish_runs_phases_in_order_and_a_steps_jobs_in_parallel() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/seed002-phased-jobs/catch_the_fish.json");
    let graph: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let machine = PhasedJob::from_json(&graph).unwrap().state_machine().unwrap();
    let mut w = World::new(2);
    w.register_json("fish", &machine.render().unwrap()).unwrap();
    let calls = Arc::new(Mutex::new(Vec::new()));
    let seen = calls.clone();
    w.handle("*", move |c: &TaskCall| {
        seen.lock().unwrap().push((c.resource.clone(), c.now_millis - T0));
        // drink_beer takes longest; everyone else a second.
        let secs = if c.resource == "drink_beer" { 5 } else { 1 };
        TaskOutcome::Succeed { output: json!({}), after: Duration::from_secs(secs) }
    });
    let run = w.start_execution("fish", json!({"who": "me"}), None).unwrap();
    w.run_until_idle();
    let e = w.execution(&run).unwrap();
    assert_eq!(e.status(), Status::Succeeded, "{:?}", e.cause());
    assert_eq!(e.output(), Some(&json!({"who": "me"})), "jobs keep the input");
    let mut calls = calls.lock().unwrap().clone();
    calls.sort_by_key(|(name, t)| (*t, name.clone()));
    let at = |job: &str| calls.iter().find(|(n, _)| n == job).map(|(_, t)| *t).unwrap();
    assert_eq!(calls.len(), 9);
    assert_eq!((at("buy_fishing_gear"), at("rent_a_boat"), at("go_to_fishing_ground")), (0, 1000, 2000));
    assert_eq!((at("cast_fishing_pole"), at("drink_beer"), at("catch_fish")), (3000, 3000, 3000), "in parallel");
    assert_eq!(at("go_home"), 4000, "right after catch_fish, in its branch");
    // Cooking starts when every job of thinking is done (drink_beer, at 8 s).
    assert_eq!((at("clean"), at("cook")), (8000, 9000));
}

#[test]
fn seed_004_map_from_the_fragment() {
    let config_text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/seed004-map-over-dynamodb/config.json"
    ))
    .unwrap();
    let run = |concurrency: u64, wait: u64| {
        let mut config: Value = serde_json::from_str(&config_text).unwrap();
        config["stepfunc"]["maxConcurrency"] = json!(concurrency);
        config["stepfunc"]["waitDurationSeconds"] = json!(wait);
        let map = DynamoDbListMap::new(MapConfig::from_json(&config).unwrap(), "LogItem");
        let mut w = World::new(4);
        w.dynamodb_mut().create_table("MapStateList", ("mapstatelist", KeyType::S), None).unwrap();
        let item = json!({"mapstatelist": {"S": "mapitems"}, "values": {"L": [{"S": "Computer Science"}, {"S": "Economics"}, {"S": "Mathematics"}]}});
        w.dynamodb_mut().call("PutItem", &json!({"TableName": "MapStateList", "Item": item})).unwrap();
        let times = Arc::new(Mutex::new(Vec::new()));
        let seen = times.clone();
        w.handle("LogItem", move |c: &TaskCall| {
            seen.lock().unwrap().push(c.now_millis - T0);
            TaskOutcome::ok(c.input.clone())
        });
        w.register_json("seed004", &map.state_machine().unwrap().render().unwrap()).unwrap();
        let arn = w.start_execution("seed004", json!({}), None).unwrap();
        w.run_until_idle();
        let e = w.execution(&arn).unwrap();
        let times = times.lock().unwrap().clone();
        (e.status(), e.output().cloned(), times)
    };
    let (status, output, times) = run(1, 2);
    assert_eq!(status, Status::Succeeded);
    assert_eq!(times, [2000, 4000, 6000], "one at a time, 2 s apart");
    assert_eq!(output, Some(json!([{"S": "Computer Science"}, {"S": "Economics"}, {"S": "Mathematics"}])));
    assert_eq!(run(3, 2).2, [2000, 2000, 2000], "together");
    let (status, _, times) = run(1, 25);
    assert_eq!(status, Status::TimedOut, "a 25 s wait under the 20 s timeout");
    assert!(times.is_empty());
}

#[test]
fn a_slot_leaked_after_its_cleanup_is_reclaimed_by_the_lease() {
    // Seed 001's reported race: an acquire that lands after its execution's
    // cleanup leaves an entry nobody will remove. Here the lock is full of
    // such an entry, two hours old; the lease is the machine's one-hour timeout.
    let semaphore = Semaphore::new("life", 1, TABLE).timeout_seconds(3600);
    let (mut w, arn) = world(&semaphore, 21);
    w.handle("work", |_: &TaskCall| TaskOutcome::ok(json!("done")));
    let gone = "arn:aws:states:us-east-1:123456789012:execution:sem:long-gone";
    let leaked = jiff::Timestamp::from_millisecond(T0 - 2 * 3600 * 1000).unwrap().to_string();
    let item = json!({"LockName": {"S": "life"}, "currentlockcount": {"N": "1"}, gone: {"S": leaked}});
    w.dynamodb_mut().call("PutItem", &json!({"TableName": TABLE, "Item": item})).unwrap();
    let run = w.start_execution(&arn, json!({}), None).unwrap();
    w.run_until_idle();
    let e = w.execution(&run).unwrap();
    assert_eq!(e.status(), Status::Succeeded, "{:?}", e.cause());
    assert_eq!(e.stop_millis(), Some(T0), "reclaimed at once: no wait");
    released(&mut w, "life");
}

#[test]
fn two_locks_and_a_reused_lock_in_one_machine_hold_their_limits_under_failures() {
    // Seed 000's Example 2 with `life` used again after `liberty`, 25
    // executions, jobs failing 1 time in 8, and the cleanup machine on the
    // status rule; over several seeds (interleavings).
    for seed in [1, 2, 3, 4] {
        let mut semaphores = Semaphores::new();
        let step = |name: &str| {
            Task::new(name)
                .resource("arn:aws:states:::lambda:invoke")
                .parameters(json!({"FunctionName": "work", "Payload.$": "$"}))
                .result_path(Value::Null)
        };
        let (a, b, c) = (step("Contested 1"), step("Contested 2"), step("Contested 3"));
        let first = semaphores.wrap(&Semaphore::new("life", 3, TABLE).timeout_seconds(900), &a).unwrap();
        let second = semaphores.wrap(&Semaphore::new("liberty", 2, TABLE).timeout_seconds(900), &b).unwrap();
        let third =
            semaphores.wrap(&Semaphore::new("life", 3, TABLE).reuse_lock(true).timeout_seconds(900), &c).unwrap();
        let definition = Chain::sequence(&[&first, &second, &third, &Succeed::new("Done")]).unwrap();
        let mut w = World::new(seed);
        w.dynamodb_mut().create_table(TABLE, ("LockName", KeyType::S), None).unwrap();
        let arn =
            w.register_json("two", &StateMachine::new(&definition).timeout_seconds(900).render().unwrap()).unwrap();
        w.register_json("cleanup", &semaphores.cleanup_machine().unwrap().render().unwrap()).unwrap();
        w.on_status_change(StatusRule {
            source: Some(arn.clone()),
            statuses: vec![Status::Failed, Status::TimedOut, Status::Aborted],
            target: "cleanup".into(),
        });
        w.handle("work", |c: &TaskCall| {
            if c.random % 8 == 0 {
                TaskOutcome::fail("JobFailed", "one in eight")
            } else {
                TaskOutcome::Succeed { output: json!({}), after: Duration::from_millis(500 + c.random % 3000) }
            }
        });
        for i in 0..25 {
            w.start_execution(&arn, json!({"i": i}), None).unwrap();
        }
        let idle = w.run_until_idle();
        assert_eq!(idle.running, 0, "seed {seed}");
        let runs: Vec<_> = w.executions().filter(|e| e.state_machine_arn() == arn).collect();
        assert!(runs.iter().all(|e| matches!(e.status(), Status::Succeeded | Status::Failed)));
        assert!(runs.iter().filter(|e| e.status() == Status::Failed).all(|e| e.error() == Some("JobFailed")));
        assert!(runs.iter().any(|e| e.status() == Status::Failed), "seed {seed}: some job failed");
        assert!(runs.iter().any(|e| e.status() == Status::Succeeded), "seed {seed}: some got through");
        let life = w.peak_occupancy(&["Contested 1", "Contested 3"]);
        let liberty = w.peak_occupancy(&["Contested 2"]);
        assert!(life.count <= 3 && liberty.count <= 2, "seed {seed}: {life:?} {liberty:?}");
        assert_eq!((life.count, liberty.count), (3, 2), "seed {seed}: the limits are reached");
        released(&mut w, "life");
        released(&mut w, "liberty");
    }
}
