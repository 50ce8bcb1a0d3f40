//! The semaphore in JSONata (issue 14): every state it renders is JSONata,
//! the machine validates with a JSONata top level, and on the local executor
//! it behaves as the JSONPath form does (first user, an owner recognised, the
//! limit under many executions, a failed job released and re-raised, a stale
//! slot reclaimed by the lease).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use stepforge::asl::QueryLanguage;
use stepforge::builder::*;
use stepforge::exec::dynamodb::KeyType;
use stepforge::exec::{Status, TaskCall, TaskOutcome, World};
use stepforge::fragments::*;

mod lock_world;
use lock_world::{Log, T0, TABLE, released};

/// The job, in JSONata: one Lambda invoke of `work` with the state's input.
fn job() -> Task {
    Task::new("Work")
        .query_language("JSONata")
        .resource("arn:aws:states:::lambda:invoke")
        .arguments(json!({"FunctionName": "work", "Payload": "{% $states.input %}"}))
        .output("{% $states.result.Payload %}")
}

fn jsonata(lock: &str, limit: i64) -> Semaphore {
    Semaphore::new(lock, limit, TABLE).query_language(QueryLanguage::Jsonata)
}

/// A world with the lock table and the semaphore machine around [`job`] registered as `sem`.
fn world(semaphore: &Semaphore, seed: u64) -> (World, String) {
    lock_world::world(semaphore, &job(), seed)
}

/// Every field name used anywhere in `value` (object keys, at any depth).
fn keys(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(o) => {
            for (k, v) in o {
                out.push(k.clone());
                keys(v, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

#[test]
fn every_state_is_jsonata_and_the_machine_validates() {
    let semaphore = jsonata("life", 2).timeout_seconds(600).comments(true);
    let machine = semaphore.state_machine(&job()).unwrap().to_json().unwrap();
    assert_eq!(machine["QueryLanguage"], "JSONata");
    assert!(stepforge::validate::validate_value(&machine).is_empty());
    let states = machine["States"].as_object().unwrap();
    assert_eq!(states.len(), 6, "Get, Run, Release, Released, Release After Failure, Reraise");
    let mut all = Vec::new();
    keys(&machine, &mut all);
    for jsonpath in [
        "Parameters",
        "ResultPath",
        "OutputPath",
        "InputPath",
        "ResultSelector",
        "Variable",
        "SecondsPath",
        "ErrorPath",
        "CausePath",
    ] {
        assert!(!all.iter().any(|k| k == jsonpath), "`{jsonpath}` in {machine:#}");
    }
    assert!(!all.iter().any(|k| k.ends_with(".$")), "a JSONPath `.$` field in {machine:#}");
    // Each state says JSONata itself, so the fragment also fits in a JSONPath machine.
    let fragment = semaphore.wrap(&job()).unwrap();
    let in_jsonpath = StateMachine::new(&fragment).to_json().unwrap();
    assert!(in_jsonpath.get("QueryLanguage").is_none());
    assert!(stepforge::validate::validate_value(&in_jsonpath).is_empty());
}

#[test]
fn the_jsonpath_form_is_unchanged_by_default() {
    let default = Semaphore::new("life", 2, TABLE).state_machine(&Pass::new("Job")).unwrap().render().unwrap();
    let explicit = Semaphore::new("life", 2, TABLE)
        .query_language(QueryLanguage::JsonPath)
        .state_machine(&Pass::new("Job"))
        .unwrap()
        .render()
        .unwrap();
    assert_eq!(default, explicit);
    assert_eq!(default.matches("\"QueryLanguage\"").count(), 1, "only the read step is JSONata");
}

#[test]
fn the_option_by_name_in_both_spellings_and_a_wrong_value() {
    for (name, value) in [("query_language", "JSONata"), ("queryLanguage", "jsonata")] {
        let s = Semaphore::new("l", 1, TABLE).set_option(name, &json!(value)).unwrap();
        assert_eq!(s.language(), QueryLanguage::Jsonata);
    }
    let err = Semaphore::new("l", 1, TABLE).set_option("queryLanguage", &json!("XPath")).unwrap_err();
    assert_eq!(err.0[0].pointer, "/query_language");
    assert!(err.0[0].message.contains("JSONata"), "{}", err.0[0].message);
    let err = Semaphore::new("l", 1, TABLE).set_option("query_language", &json!(true)).unwrap_err();
    assert_eq!(err.0[0].pointer, "/query_language");
}

#[test]
fn never_more_than_the_limit_and_the_first_user_creates_the_lock_item() {
    let semaphore = jsonata("life", 3).timeout_seconds(3600);
    let (mut w, arn) = world(&semaphore, 11);
    let log: Log = Arc::new(Mutex::new(Vec::new()));
    let seen = log.clone();
    w.handle("work", move |c: &TaskCall| {
        seen.lock().unwrap().push((c.execution_arn.clone(), c.now_millis));
        TaskOutcome::Succeed {
            output: json!({"by": c.execution_arn, "n": c.input["n"]}),
            after: Duration::from_millis(1000 + c.random % 4000),
        }
    });
    let runs: Vec<String> = (0..12).map(|i| w.start_execution(&arn, json!({"n": i}), None).unwrap()).collect();
    let idle = w.run_until_idle();
    assert_eq!(idle.running, 0);
    for (i, run) in runs.iter().enumerate() {
        let e = w.execution(run).unwrap();
        assert_eq!(e.status(), Status::Succeeded, "{:?} {:?}", e.error(), e.cause());
        assert_eq!(e.output(), Some(&json!({"by": run, "n": i})), "the job's output is the fragment's output");
    }
    assert_eq!(log.lock().unwrap().len(), 12, "each job ran once");
    assert_eq!(w.peak_occupancy(&["Work"]).count, 3, "the limit is reached and never passed");
    assert!(w.stays().iter().any(|(_, state, ..)| state == "Initialize life Lock Item: 1"));
    assert!(w.stays().iter().any(|(_, state, ..)| state == "Wait for life Lock: 1"), "some waited");
    let first_job = log.lock().unwrap().iter().map(|(_, t)| *t).min().unwrap();
    assert_eq!(first_job, T0, "the first executions do not wait");
    released(&mut w, "life");
}

#[test]
fn a_failed_job_gives_its_slot_back_and_fails_with_the_jobs_error_and_cause() {
    let (mut w, arn) = world(&jsonata("life", 1), 3);
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
    let e = w.execution(&fine).unwrap();
    assert_eq!((e.status(), e.output()), (Status::Succeeded, Some(&json!("done"))));
    released(&mut w, "life");
}

#[test]
fn an_acquire_that_already_succeeded_is_recognised() {
    let (mut w, arn) = world(&jsonata("life", 1), 5);
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

#[test]
fn a_stale_slot_is_reclaimed_by_the_lease_and_a_fresh_one_is_waited_for() {
    let (mut w, arn) = world(&jsonata("life", 1).timeout_seconds(3600), 21);
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
    assert!(w.stays().iter().any(|(_, state, ..)| state == "Reclaim Stale life Slot: 1"));
    released(&mut w, "life");

    // A holder within its lease: the newcomer waits (jittered, capped) until it is gone.
    let (mut w, arn) = world(&jsonata("life", 1).timeout_seconds(3600), 22);
    w.handle("work", |_: &TaskCall| TaskOutcome::ok(json!("done")));
    let holder = "arn:aws:states:us-east-1:123456789012:execution:sem:holder";
    let recent = jiff::Timestamp::from_millisecond(T0 - 60 * 1000).unwrap().to_string();
    let item = json!({"LockName": {"S": "life"}, "currentlockcount": {"N": "1"}, holder: {"S": recent}});
    w.dynamodb_mut().call("PutItem", &json!({"TableName": TABLE, "Item": item})).unwrap();
    let run = w.start_execution(&arn, json!({}), None).unwrap();
    w.run_until(T0 + 30_000);
    assert_eq!(w.execution(&run).unwrap().status(), Status::Running, "waits while the holder's lease lasts");
    let waits: Vec<_> = w.stays().into_iter().filter(|(_, state, ..)| state.starts_with("Wait for")).collect();
    assert!(waits.len() >= 3, "{waits:?}");
    assert!(!w.stays().iter().any(|(_, state, ..)| state.starts_with("Reclaim")));
}

#[test]
fn the_jsonata_form_holds_under_random_schedules_with_every_fault() {
    use stepforge::exec::explore::{Faults, SemaphoreDesign, SemaphoreScenario};
    // The JSONata machine given to the explorer as ASL (its fragment design is the JSONPath form).
    let semaphore = Semaphore::new("life", 2, TABLE).query_language(QueryLanguage::Jsonata).lease_seconds(60);
    let main = semaphore.state_machine(&job()).unwrap().render().unwrap();
    let cleanup = cleanup_machine(&[(TABLE.into(), "life".into())]).unwrap().render().unwrap();
    let mut scenario = SemaphoreScenario::fragment(2, 4, true, Some(60));
    scenario.design = SemaphoreDesign::Asl { main, cleanup: Some(cleanup), lease_seconds: Some(60) };
    let report = scenario.explorer().unwrap().faults(Faults::all(0.03)).random(200, 14);
    if let Some(cx) = &report.counterexample {
        panic!("{}\n{}", report.summary(), cx.describe());
    }
    eprintln!("{}", report.summary());
    assert_eq!(report.schedules, 200);
    assert!(report.transitions > 200 * 40, "{}", report.summary());
}

#[test]
fn the_dynamodb_list_map_in_jsonata_validates_and_runs_as_seed_004() {
    let config_text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/seed004-map-over-dynamodb/config.json"
    ))
    .unwrap();
    let run = |concurrency: u64| {
        let mut config: Value = serde_json::from_str(&config_text).unwrap();
        config["stepfunc"]["maxConcurrency"] = json!(concurrency);
        config["stepfunc"]["waitDurationSeconds"] = json!(2);
        let map = DynamoDbListMap::new(MapConfig::from_json(&config).unwrap(), "LogItem")
            .query_language(QueryLanguage::Jsonata);
        let machine = map.state_machine().unwrap().to_json().unwrap();
        assert_eq!(machine["QueryLanguage"], "JSONata");
        assert!(stepforge::validate::validate_value(&machine).is_empty());
        let mut all = Vec::new();
        keys(&machine, &mut all);
        assert!(!all.iter().any(|k| k.ends_with("Path") || k == "Parameters" || k.ends_with(".$")), "{machine:#}");
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
        w.register_json("seed004", &machine.to_string()).unwrap();
        let arn = w.start_execution("seed004", json!({}), None).unwrap();
        w.run_until_idle();
        let e = w.execution(&arn).unwrap();
        let times = times.lock().unwrap().clone();
        (e.status(), e.output().cloned(), times)
    };
    let (status, output, times) = run(1);
    assert_eq!(status, Status::Succeeded);
    assert_eq!(times, [2000, 4000, 6000], "one at a time, 2 s apart");
    assert_eq!(output, Some(json!([{"S": "Computer Science"}, {"S": "Economics"}, {"S": "Mathematics"}])));
    assert_eq!(run(3).2, [2000, 2000, 2000], "together");
}
