//! A distributed Map runs as Step Functions runs it: a Map Run with its
//! history events in the parent, child workflow executions of their own, and
//! the Map Run read back like `DescribeMapRun` / `ListMapRuns` / `ListExecutions`.
//! Each test names the AWS page its expected values come from.

use std::time::Duration;

use serde_json::{Value, json};
use stepforge::exec::{MapRunStatus, Status, TaskCall, TaskOutcome, World};

fn distributed(label: Option<&str>, processor: Value, extra: Value) -> Value {
    let mut map = json!({"Type": "Map", "End": true,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}}});
    for (k, v) in processor.as_object().unwrap() {
        map["ItemProcessor"][k] = v.clone();
    }
    for (k, v) in extra.as_object().unwrap() {
        map[k] = v.clone();
    }
    if let Some(l) = label {
        map["Label"] = l.into();
    }
    json!({"StartAt": "Each", "States": {"Each": map}})
}

fn run(world: &mut World, def: Value, input: Value) -> String {
    world.register_json("Orders", &def.to_string()).expect("definition registers");
    let arn = world.start_execution("Orders", input, Some("parent")).expect("starts");
    world.run_until_idle();
    arn
}

fn kinds(world: &World, arn: &str) -> Vec<String> {
    world.execution(arn).unwrap().history().iter().map(|e| e.kind.clone()).collect()
}

fn echo_context() -> Value {
    json!({"StartAt": "Ctx", "States": {"Ctx": {"Type": "Pass",
        "Parameters": {"item.$": "$", "execution.$": "$$.Execution.Id", "name.$": "$$.Execution.Name",
            "machine.$": "$$.StateMachine.Id"}, "End": true}}})
}

// https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
// (MapRunStarted with mapRunStartedEventDetails.mapRunArn, MapRunSucceeded) and
// https://docs.aws.amazon.com/step-functions/latest/dg/concepts-asl-use-map-state-distributed.html
// ("each child workflow execution has its own, separate execution history").
#[test]
fn the_parent_history_has_map_run_events_and_no_iteration_events() {
    let mut w = World::new(1);
    let arn = run(&mut w, distributed(Some("nightly"), echo_context(), json!({})), json!([1, 2, 3]));
    let e = w.execution(&arn).unwrap();
    assert_eq!(e.status(), Status::Succeeded, "{:?}", e.cause());
    assert_eq!(
        kinds(&w, &arn),
        [
            "ExecutionStarted",
            "MapStateEntered",
            "MapStateStarted",
            "MapRunStarted",
            "MapRunSucceeded",
            "MapStateSucceeded",
            "MapStateExited",
            "ExecutionSucceeded"
        ]
    );
    let started = e.history().iter().find(|h| h.kind == "MapRunStarted").unwrap();
    let run_arn = started.details.as_ref().unwrap()["mapRunArn"].as_str().unwrap().to_string();
    let json = started.to_json();
    assert_eq!(json["mapRunStartedEventDetails"]["mapRunArn"], run_arn.as_str());
    // The Map Run ARN's shape: arn:aws:states:REGION:ACCOUNT:mapRun:MACHINE/LABEL:UUID.
    let prefix = "arn:aws:states:us-east-1:123456789012:mapRun:Orders/nightly:";
    assert!(run_arn.starts_with(prefix), "{run_arn}");
    assert_eq!(run_arn[prefix.len()..].len(), 36, "a UUID ends the ARN: {run_arn}");
}

// https://docs.aws.amazon.com/step-functions/latest/dg/concepts-examine-map-run.html (children run the
// labelled state machine arn:…:stateMachine:MACHINE/LABEL) and
// https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
// (the qualified ARN stateMachine:myStateMachine/mapStateLabel names a Distributed Map by its label).
#[test]
fn each_item_is_a_child_execution_with_its_own_history_and_context() {
    let mut w = World::new(2);
    let arn = run(&mut w, distributed(Some("nightly"), echo_context(), json!({})), json!(["a", "b"]));
    let run_arn = w.map_runs().next().unwrap().arn().to_string();
    let children = w.map_run_executions(&run_arn).unwrap();
    assert_eq!(children.len(), 2);
    let labelled = "arn:aws:states:us-east-1:123456789012:stateMachine:Orders/nightly";
    let mut outputs = Vec::new();
    for child in &children {
        assert!(child.arn().starts_with("arn:aws:states:us-east-1:123456789012:execution:Orders/nightly:"));
        assert_eq!(child.state_machine_arn(), labelled);
        assert_eq!(child.status(), Status::Succeeded);
        assert_eq!(child.map_run_arn(), Some(run_arn.as_str()));
        let h: Vec<&str> = child.history().iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(h, ["ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]);
        // $$.Execution inside a child is the child's.
        let out = child.output().unwrap();
        assert_eq!(out["execution"], child.arn());
        assert_eq!(out["name"], child.name());
        assert_eq!(out["machine"], labelled);
        assert_eq!(child.describe()["mapRunArn"], run_arn.as_str());
        outputs.push(out["item"].clone());
        // Listed and found like any other execution.
        assert!(w.execution(child.arn()).is_some());
    }
    assert_eq!(outputs, [json!("a"), json!("b")]);
    assert_eq!(w.executions().count(), 3);
    // The Map's output is the children's outputs in item order.
    let out = w.execution(&arn).unwrap().output().unwrap().clone();
    assert_eq!(out.as_array().unwrap().iter().map(|o| o["item"].clone()).collect::<Vec<_>>(), outputs);
}

// https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeMapRun.html and
// https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListMapRuns.html (MapRunListItem).
#[test]
fn describe_and_list_map_runs() {
    let mut w = World::new(3);
    let def = distributed(
        Some("batches"),
        json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}),
        json!({"MaxConcurrency": 2, "ToleratedFailurePercentage": 10, "ItemBatcher": {"MaxItemsPerBatch": 2}}),
    );
    let arn = run(&mut w, def, json!([1, 2, 3, 4, 5]));
    let list = w.list_map_runs(&arn).unwrap();
    let runs = list["mapRuns"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run_arn = runs[0]["mapRunArn"].as_str().unwrap();
    assert_eq!(runs[0]["executionArn"], arn.as_str());
    assert_eq!(runs[0]["stateMachineArn"], "arn:aws:states:us-east-1:123456789012:stateMachine:Orders");
    assert!(runs[0]["startDate"].is_i64() && runs[0]["stopDate"].is_i64());
    let d = w.describe_map_run(run_arn).unwrap();
    assert_eq!(d["status"], "SUCCEEDED");
    assert_eq!(d["executionArn"], arn.as_str());
    assert_eq!(d["maxConcurrency"], 2);
    assert_eq!(d["toleratedFailurePercentage"], 10.0);
    assert_eq!(d["toleratedFailureCount"], 0);
    // Five items in three batches: items and child executions are counted apart.
    assert_eq!(d["itemCounts"]["total"], 5);
    assert_eq!(d["itemCounts"]["succeeded"], 5);
    assert_eq!(d["itemCounts"]["pending"], 0);
    assert_eq!(d["executionCounts"]["total"], 3);
    assert_eq!(d["executionCounts"]["succeeded"], 3);
    assert_eq!(d["executionCounts"]["running"], 0);
    let listed = w.list_map_run_executions(run_arn, None).unwrap();
    let counts: Vec<u64> =
        listed["executions"].as_array().unwrap().iter().map(|e| e["itemCount"].as_u64().unwrap()).collect();
    assert_eq!(counts, [2, 2, 1]);
    assert!(listed["executions"].as_array().unwrap().iter().all(|e| e["mapRunArn"] == run_arn));
    assert_eq!(w.list_map_run_executions(run_arn, Some(Status::Failed)).unwrap()["executions"], json!([]));
    assert!(w.describe_map_run("arn:aws:states:us-east-1:123456789012:mapRun:Nope/x:y").is_none());
    assert!(w.list_map_runs("arn:aws:states:us-east-1:123456789012:execution:Nope:x").is_err());
}

// https://docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html (past the
// tolerated failures the Map Run fails with States.ExceedToleratedFailureThreshold) and
// https://docs.aws.amazon.com/step-functions/latest/apireference/API_MapRunFailedEventDetails.html
// (error and cause); running children are aborted
// (https://docs.aws.amazon.com/step-functions/latest/apireference/API_MapRunExecutionCounts.html).
#[test]
fn too_many_failures_fail_the_map_run_and_abort_running_children() {
    let mut w = World::new(4);
    w.handle("arn:aws:lambda:us-east-1:123456789012:function:work", |call: &TaskCall| {
        if call.input == json!(1) {
            TaskOutcome::fail("Broken", "item 1 breaks")
        } else {
            TaskOutcome::Succeed { output: call.input.clone(), after: Duration::from_secs(60) }
        }
    });
    let processor = json!({"StartAt": "T", "States": {"T": {"Type": "Task",
        "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work", "End": true}}});
    let def = distributed(None, processor, json!({"ToleratedFailureCount": 0}));
    let arn = run(&mut w, def, json!([1, 2, 3]));
    let e = w.execution(&arn).unwrap();
    assert_eq!(e.error(), Some("States.ExceedToleratedFailureThreshold"));
    let k = kinds(&w, &arn);
    let tail: Vec<&str> = k.iter().rev().take(4).rev().map(String::as_str).collect();
    assert_eq!(tail, ["MapRunStarted", "MapRunFailed", "MapStateFailed", "ExecutionFailed"]);
    let failed = e.history().iter().find(|h| h.kind == "MapRunFailed").unwrap().to_json();
    assert_eq!(failed["mapRunFailedEventDetails"]["error"], "States.ExceedToleratedFailureThreshold");
    assert!(failed["mapRunFailedEventDetails"]["cause"].as_str().is_some());
    let run = w.map_runs().next().unwrap();
    assert_eq!(run.status(), MapRunStatus::Failed);
    // Without a Label a UUID stands in for it in the ARN.
    assert_eq!(run.label().len(), 36);
    assert!(run.arn().contains(&format!("mapRun:Orders/{}:", run.label())));
    let counts = run.execution_counts();
    assert_eq!((counts.failed, counts.aborted, counts.total), (1, 2, 3));
    let statuses: Vec<Status> = w.map_run_executions(run.arn()).unwrap().iter().map(|c| c.status()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == Status::Aborted).count(), 2);
    let aborted = w.map_run_executions(run.arn()).unwrap().into_iter().find(|c| c.status() == Status::Aborted);
    assert_eq!(aborted.unwrap().last_event_kind(), Some("ExecutionAborted"));
}

// https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html (MapRunAborted)
// and https://docs.aws.amazon.com/step-functions/latest/apireference/API_StopExecution.html.
#[test]
fn stopping_the_parent_aborts_the_map_run_and_its_children() {
    let mut w = World::new(5);
    let processor = json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": true}}});
    w.register_json("Orders", &distributed(Some("slow"), processor, json!({})).to_string()).unwrap();
    let arn = w.start_execution("Orders", json!([1, 2]), Some("parent")).unwrap();
    w.run_until(w.now_millis() + 1000);
    let run_arn = w.map_runs().next().unwrap().arn().to_string();
    assert_eq!(w.describe_map_run(&run_arn).unwrap()["status"], "RUNNING");
    assert_eq!(w.describe_map_run(&run_arn).unwrap()["executionCounts"]["running"], 2);
    assert!(w.describe_map_run(&run_arn).unwrap().get("stopDate").is_none());
    w.stop_execution(&arn, Some("Stop"), Some("by hand")).unwrap();
    let k = kinds(&w, &arn);
    assert_eq!(&k[k.len() - 2..], ["MapRunAborted", "ExecutionAborted"]);
    let d = w.describe_map_run(&run_arn).unwrap();
    assert_eq!(d["status"], "ABORTED");
    assert_eq!(d["executionCounts"]["aborted"], 2);
    assert!(w.map_run_executions(&run_arn).unwrap().iter().all(|c| c.status() == Status::Aborted));
}

// https://docs.aws.amazon.com/step-functions/latest/apireference/API_MapRunExecutionCounts.html
// ("aborted: ... stopped by the user"); a stopped child is a failed item for the threshold
// (https://docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html).
#[test]
fn stopping_a_child_counts_as_a_failed_item() {
    let mut w = World::new(6);
    let processor = json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": true}}});
    w.register_json("Orders", &distributed(None, processor, json!({"ToleratedFailureCount": 1})).to_string()).unwrap();
    let arn = w.start_execution("Orders", json!([1, 2]), Some("parent")).unwrap();
    w.run_until(w.now_millis() + 1000);
    let run_arn = w.map_runs().next().unwrap().arn().to_string();
    let first = w.map_run_executions(&run_arn).unwrap()[0].arn().to_string();
    w.stop_execution(&first, Some("Stop"), None).unwrap();
    w.run_until_idle();
    let parent = w.execution(&arn).unwrap();
    assert_eq!(parent.status(), Status::Succeeded, "{:?}", parent.cause());
    let out = parent.output().unwrap();
    assert_eq!(out[0]["Error"], "Stop");
    assert_eq!(out[1], 2);
    let d = w.describe_map_run(&run_arn).unwrap();
    assert_eq!(d["status"], "SUCCEEDED");
    assert_eq!(
        (d["executionCounts"]["aborted"].as_u64(), d["executionCounts"]["succeeded"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(w.execution(&first).unwrap().status(), Status::Aborted);
}

// https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html (MaxConcurrency
// bounds the child workflow executions running at once).
#[test]
fn max_concurrency_bounds_running_children() {
    let mut w = World::new(7);
    let processor = json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10, "End": true}}});
    let arn = run(&mut w, distributed(Some("two"), processor, json!({"MaxConcurrency": 2})), json!([1, 2, 3, 4, 5]));
    let e = w.execution(&arn).unwrap();
    assert_eq!(e.status(), Status::Succeeded);
    // Three waves of at most two ten-second children.
    assert_eq!(e.stop_millis().unwrap() - e.start_millis(), 30_000);
    let starts: Vec<i64> = w.executions().filter(|c| c.map_run_arn().is_some()).map(|c| c.start_millis()).collect();
    assert_eq!(starts.len(), 5);
    for t in &starts {
        assert!(starts.iter().filter(|s| *s == t).count() <= 2);
    }
}

// https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html (ExecutionType EXPRESS
// child workflows): their ARNs use `express:` in place of `execution:`.
#[test]
fn express_children_and_an_inline_map_are_told_apart() {
    let mut w = World::new(8);
    let mut def =
        distributed(Some("fast"), json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}), json!({}));
    def["States"]["Each"]["ItemProcessor"]["ProcessorConfig"]["ExecutionType"] = "EXPRESS".into();
    run(&mut w, def, json!([1]));
    let child = w.executions().find(|c| c.map_run_arn().is_some()).unwrap();
    assert!(child.arn().starts_with("arn:aws:states:us-east-1:123456789012:express:Orders/fast:"), "{}", child.arn());
    // An inline Map keeps its iterations in-process: no Map Run, no child execution.
    let mut w = World::new(8);
    let inline = json!({"StartAt": "Each", "States": {"Each": {"Type": "Map", "End": true,
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}});
    let arn = run(&mut w, inline, json!([1, 2]));
    assert_eq!(w.map_runs().count(), 0);
    assert_eq!(w.executions().count(), 1);
    assert!(kinds(&w, &arn).iter().any(|k| k == "MapIterationStarted"));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html (Label: at most 40
// characters, none of the characters state machine names forbid).
#[test]
fn labels_are_validated() {
    let mut w = World::new(9);
    let ok = |label: &str| {
        let def = distributed(
            Some(label),
            json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}),
            json!({}),
        );
        World::new(0).register_json("m", &def.to_string()).is_ok()
    };
    assert!(ok("nightly-run_2024.v1"));
    assert!(ok(&"L".repeat(40)));
    assert!(!ok(&"L".repeat(41)));
    for bad in ["a b", "a/b", "a:b", "a*b", "a{b", "a\u{7}b"] {
        assert!(!ok(bad), "{bad:?} should be refused");
    }
    // A run after a refused registration still works.
    let arn = run(
        &mut w,
        distributed(Some("x"), json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}), json!({})),
        json!([]),
    );
    assert_eq!(w.execution(&arn).unwrap().status(), Status::Succeeded);
    assert_eq!(w.map_runs().next().unwrap().status(), MapRunStatus::Succeeded);
}

// https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListMapRuns.html ("all Map Runs that
// were started by a given state machine execution"): a retried distributed Map starts a new Map Run.
#[test]
fn a_retried_map_starts_a_new_map_run() {
    let mut w = World::new(10);
    let processor = json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Nope"}}});
    let def = distributed(
        Some("again"),
        processor,
        json!({"Retry": [{"ErrorEquals": ["Nope"], "MaxAttempts": 1, "IntervalSeconds": 1}]}),
    );
    let arn = run(&mut w, def, json!([1]));
    assert_eq!(w.execution(&arn).unwrap().error(), Some("Nope"));
    let runs = w.list_map_runs(&arn).unwrap();
    let runs = runs["mapRuns"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert_ne!(runs[0]["mapRunArn"], runs[1]["mapRunArn"]);
    for r in runs {
        let d = w.describe_map_run(r["mapRunArn"].as_str().unwrap()).unwrap();
        assert_eq!(d["status"], "FAILED");
        assert_eq!(d["itemCounts"]["failed"], 1);
    }
    let failed = kinds(&w, &arn).iter().filter(|k| *k == "MapRunFailed").count();
    assert_eq!(failed, 2);
}

// https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html (without MaxConcurrency,
// up to 10,000 child workflow executions run in parallel).
#[test]
fn ten_thousand_items_run_as_ten_thousand_children_at_once() {
    let mut w = World::new(11);
    let processor = json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "End": true}}});
    let items: Vec<u64> = (0..10_000).collect();
    let started = std::time::Instant::now();
    let arn = run(&mut w, distributed(Some("big"), processor, json!({})), json!(items));
    let elapsed = started.elapsed();
    let e = w.execution(&arn).unwrap();
    assert_eq!(e.status(), Status::Succeeded);
    // All at once: one five-second wave.
    assert_eq!(e.stop_millis().unwrap() - e.start_millis(), 5_000);
    let run = w.map_runs().next().unwrap();
    assert_eq!((run.item_counts().succeeded, run.execution_counts().total), (10_000, 10_000));
    assert_eq!(w.executions().count(), 10_001);
    eprintln!("10,000-item distributed Map: {elapsed:?}");
}

// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
// ("Variable scope": a Distributed Map's states cannot reference variables of
// outer scopes; an inline Map's iterations can).
#[test]
fn a_child_execution_sees_no_outer_variables_an_inline_iteration_does() {
    let outer = |config: Value| {
        json!({"QueryLanguage": "JSONata", "StartAt": "Set", "States": {
            "Set": {"Type": "Pass", "Assign": {"x": 5}, "Next": "Each"},
            "Each": {"Type": "Map", "End": true, "Items": [1],
                "ItemProcessor": {"ProcessorConfig": config,
                    "StartAt": "Read", "States": {"Read": {"Type": "Pass", "Output": "{% $exists($x) %}", "End": true}}}}}})
    };
    let mut w = World::new(1);
    let arn = run(&mut w, outer(json!({"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"})), json!({}));
    assert_eq!(w.execution(&arn).unwrap().output(), Some(&json!([false])));
    let mut w = World::new(1);
    let arn = run(&mut w, outer(json!({"Mode": "INLINE"})), json!({}));
    assert_eq!(w.execution(&arn).unwrap().output(), Some(&json!([true])));
}
