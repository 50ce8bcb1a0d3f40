//! The local executor with many threads and executions: Parallel, Map,
//! nested executions, status-change events, DynamoDB, Lambda. Each test cites
//! the AWS page whose documented behaviour it checks.

use std::time::Duration;

use serde_json::{Value, json};
use stepforge::exec::dynamodb::KeyType;
use stepforge::exec::{Status, StatusRule, TaskCall, TaskOutcome, World};

const T0: i64 = stepforge::exec::DEFAULT_EPOCH_MILLIS;

fn lambda(name: &str) -> String {
    format!("arn:aws:lambda:us-east-1:123456789012:function:{name}")
}

fn run(world: &mut World, def: Value, input: Value) -> String {
    world.register_json("m", &def.to_string()).expect("definition registers");
    let arn = world.start_execution("m", input, Some("e1")).expect("starts");
    world.run_until_idle();
    arn
}

// https://docs.aws.amazon.com/step-functions/latest/dg/state-parallel.html
// (every branch gets the input; the output is the array of branch outputs, in branch order).
#[test]
fn parallel_outputs_in_branch_order() {
    let mut w = World::new(5);
    w.handle(&lambda("slow"), |c: &TaskCall| TaskOutcome::Succeed {
        output: json!({"slow": c.input["v"]}),
        after: Duration::from_secs(10),
    });
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [
        {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": lambda("slow"), "End": true}}},
        {"StartAt": "B", "States": {"B": {"Type": "Pass", "Result": "fast", "End": true}}}],
        "ResultSelector": {"first.$": "$[0].slow", "second.$": "$[1]"}, "ResultPath": "$.out", "End": true}}});
    let arn = run(&mut w, def, json!({"v": 7}));
    let e = w.execution(&arn).unwrap();
    assert_eq!(e.output(), Some(&json!({"v": 7, "out": {"first": 7, "second": "fast"}})));
    assert_eq!(e.stop_millis(), Some(T0 + 10_000));
    let kinds: Vec<&str> = e.history().iter().map(|h| h.kind.as_str()).collect();
    assert!(kinds.starts_with(&["ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted"]));
    assert!(kinds.ends_with(&["ParallelStateSucceeded", "ParallelStateExited", "ExecutionSucceeded"]));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/state-parallel.html (a failed branch fails
// the Parallel state, which its Catch handles) and concepts-error-handling.html (Catch ResultPath).
#[test]
fn parallel_branch_failure_is_caught() {
    let mut w = World::new(5);
    let def = json!({"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "Branches": [
            {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 100, "End": true}}},
            {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom", "Cause": "branch 2"}}}],
            "Catch": [{"ErrorEquals": ["Boom"], "ResultPath": "$.error", "Next": "Handled"}], "End": true},
        "Handled": {"Type": "Pass", "End": true}}});
    let arn = run(&mut w, def, json!({}));
    let e = w.execution(&arn).unwrap();
    assert_eq!(e.output(), Some(&json!({"error": {"Error": "Boom", "Cause": "branch 2"}})));
    assert_eq!(e.stop_millis(), Some(T0), "the waiting branch was stopped");
}

// https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html
// (ItemsPath, ItemSelector with $$.Map.Item.Index/Value, MaxConcurrency, results in item order).
#[test]
fn inline_map_with_item_selector_and_concurrency() {
    let mut w = World::new(9);
    w.handle(&lambda("work"), |c: &TaskCall| TaskOutcome::Succeed {
        output: json!(format!("{}#{}", c.input["value"].as_str().unwrap_or("?"), c.input["index"])),
        after: Duration::from_secs(2),
    });
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.list", "MaxConcurrency": 2,
        "ItemSelector": {"index.$": "$$.Map.Item.Index", "value.$": "$$.Map.Item.Value", "tag.$": "$.tag"},
        "ItemProcessor": {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": lambda("work"), "End": true}}},
        "End": true}}});
    let arn = run(&mut w, def, json!({"list": ["a", "b", "c", "d", "e"], "tag": "x"}));
    let e = w.execution(&arn).unwrap();
    assert_eq!(e.output(), Some(&json!(["a#0", "b#1", "c#2", "d#3", "e#4"])));
    // Two at a time, two seconds each: 2 + 2 + 2 seconds.
    assert_eq!(e.stop_millis(), Some(T0 + 6_000));
    assert_eq!(w.peak_occupancy(&["T"]).count, 1, "one execution, however many iterations");
    let starts = e.history().iter().filter(|h| h.kind == "MapIterationStarted").count();
    assert_eq!(starts, 5);
    let started = e.history().iter().find(|h| h.kind == "MapStateStarted").unwrap();
    assert_eq!(started.details.as_ref().unwrap()["length"], json!(5));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html (the deprecated
// Iterator and Parameters fields still work).
#[test]
fn legacy_iterator_and_parameters() {
    let mut w = World::new(1);
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map",
        "Parameters": {"n.$": "$$.Map.Item.Value"},
        "Iterator": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}});
    let arn = run(&mut w, def, json!([1, 2]));
    assert_eq!(w.execution(&arn).unwrap().output(), Some(&json!([{"n": 1}, {"n": 2}])));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html (a failed
// iteration fails the Map state).
#[test]
fn a_failed_iteration_fails_the_map() {
    let mut w = World::new(1);
    w.handle(&lambda("picky"), |c: &TaskCall| {
        if c.input == json!(3) { TaskOutcome::fail("NotThree", "three") } else { TaskOutcome::ok(c.input.clone()) }
    });
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map",
        "ItemProcessor": {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": lambda("picky"), "End": true}}},
        "End": true}}});
    let arn = run(&mut w, def, json!([1, 2, 3, 4]));
    let e = w.execution(&arn).unwrap();
    assert_eq!((e.status(), e.error(), e.cause()), (Status::Failed, Some("NotThree"), Some("three")));
    assert!(e.history().iter().any(|h| h.kind == "MapIterationFailed"));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html
// (ToleratedFailureCount; past it, States.ExceedToleratedFailureThreshold).
#[test]
fn distributed_map_tolerated_failures() {
    let def = |tolerated: u64| {
        json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ToleratedFailureCount": tolerated,
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "C", "States": {
                    "C": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericGreaterThan": 2, "Next": "F"}], "Default": "S"},
                    "F": {"Type": "Fail", "Error": "TooBig"},
                    "S": {"Type": "Succeed"}}},
            "End": true}}})
    };
    let mut w = World::new(1);
    let arn = run(&mut w, def(2), json!([1, 2, 3, 4]));
    assert_eq!(w.execution(&arn).unwrap().status(), Status::Succeeded);
    let mut w = World::new(1);
    let arn = run(&mut w, def(1), json!([1, 2, 3, 4]));
    assert_eq!(w.execution(&arn).unwrap().error(), Some("States.ExceedToleratedFailureThreshold"));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html
// (startExecution: fire-and-forget returns ExecutionArn/StartDate; .sync:2 returns Output as
// JSON; .sync returns it as a string; a failed child fails the task).
#[test]
fn nested_executions() {
    let mut w = World::new(2);
    let child = json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 30, "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.fail", "IsPresent": true, "Next": "F"}], "Default": "S"},
        "F": {"Type": "Fail", "Error": "ChildFailed", "Cause": "asked to"},
        "S": {"Type": "Pass", "Parameters": {"got.$": "$.x"}, "End": true}}});
    w.register_json("child", &child.to_string()).unwrap();
    let parent = |resource: &str, input: Value| {
        json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource,
            "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:child", "Input": input},
            "End": true}}})
    };
    w.register_json("sync2", &parent("arn:aws:states:::states:startExecution.sync:2", json!({"x": 1})).to_string())
        .unwrap();
    w.register_json("sync", &parent("arn:aws:states:::states:startExecution.sync", json!({"x": 2})).to_string())
        .unwrap();
    w.register_json("fire", &parent("arn:aws:states:::states:startExecution", json!({"x": 3})).to_string()).unwrap();
    w.register_json(
        "fails",
        &parent("arn:aws:states:::states:startExecution.sync:2", json!({"fail": true})).to_string(),
    )
    .unwrap();
    let a = w.start_execution("sync2", json!({}), None).unwrap();
    let b = w.start_execution("sync", json!({}), None).unwrap();
    let c = w.start_execution("fire", json!({}), None).unwrap();
    let d = w.start_execution("fails", json!({}), None).unwrap();
    w.run_until_idle();
    let out = |arn: &str| w.execution(arn).unwrap().output().cloned().unwrap_or(Value::Null);
    assert_eq!(out(&a)["Output"], json!({"got": 1}));
    assert_eq!(out(&a)["Status"], json!("SUCCEEDED"));
    assert_eq!(out(&b)["Output"], json!("{\"got\":2}"));
    assert!(out(&c)["ExecutionArn"].as_str().unwrap().contains(":execution:child:"));
    assert_eq!(w.execution(&a).unwrap().stop_millis(), Some(T0 + 30_000));
    assert_eq!(w.execution(&c).unwrap().stop_millis(), Some(T0), "fire-and-forget does not wait");
    let failed = w.execution(&d).unwrap();
    assert_eq!(failed.error(), Some("States.TaskFailed"));
    assert!(failed.cause().unwrap().contains("ChildFailed"));
    assert_eq!(w.executions().count(), 8);
    assert!(w.executions().all(|e| e.status() != Status::Running));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html (Execution Status Change
// events; detail carries executionArn, stateMachineArn, status).
#[test]
fn status_change_starts_another_machine() {
    let mut w = World::new(4);
    w.register_json("work", &json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}}).to_string())
        .unwrap();
    w.register_json(
        "cleanup",
        &json!({"StartAt": "P", "States": {"P": {"Type": "Pass",
            "Parameters": {"arn.$": "$.detail.executionArn", "status.$": "$.detail.status", "type.$": "$.detail-type"},
            "End": true}}})
        .to_string(),
    )
    .unwrap();
    w.on_status_change(StatusRule {
        source: Some("work".into()),
        statuses: vec![Status::Failed, Status::TimedOut, Status::Aborted],
        target: "cleanup".into(),
    });
    let arn = w.start_execution("work", json!({}), None).unwrap();
    w.run_until_idle();
    let cleanup: Vec<_> = w.executions().filter(|e| e.state_machine_arn().ends_with(":cleanup")).collect();
    assert_eq!(cleanup.len(), 1);
    assert_eq!(
        cleanup[0].output(),
        Some(&json!({"arn": arn, "status": "FAILED", "type": "Step Functions Execution Status Change"}))
    );
}

// https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html (putItem, getItem,
// updateItem with ConditionExpression; errors named DynamoDB.<exception>) and
// https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html (aws-sdk).
#[test]
fn dynamodb_integrations() {
    let mut w = World::new(1);
    w.dynamodb_mut().create_table("Things", ("pk", KeyType::S), None).unwrap();
    let def = json!({"StartAt": "Put", "States": {
        "Put": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
                "Parameters": {"TableName": "Things", "Item": {"pk": {"S.$": "$.id"}, "n": {"N": "1"}}},
                "ResultPath": null, "Next": "Inc"},
        "Inc": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:dynamodb:updateItem",
                "Parameters": {"TableName": "Things", "Key": {"pk": {"S.$": "$.id"}},
                    "UpdateExpression": "SET n = n + :one", "ConditionExpression": "n < :max",
                    "ExpressionAttributeValues": {":one": {"N": "1"}, ":max": {"N": "2"}}, "ReturnValues": "UPDATED_NEW"},
                "ResultPath": "$.updated", "Next": "Again"},
        "Again": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:updateItem",
                "Parameters": {"TableName": "Things", "Key": {"pk": {"S.$": "$.id"}},
                    "UpdateExpression": "SET n = n + :one", "ConditionExpression": "n < :max",
                    "ExpressionAttributeValues": {":one": {"N": "1"}, ":max": {"N": "2"}}},
                "Catch": [{"ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"], "ResultPath": "$.err", "Next": "Get"}],
                "Next": "Get"},
        "Get": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
                "Parameters": {"TableName": "Things", "Key": {"pk": {"S.$": "$.id"}}},
                "ResultSelector": {"n.$": "$.Item.n.N"}, "ResultPath": "$.got", "End": true}}});
    let arn = run(&mut w, def, json!({"id": "a"}));
    let e = w.execution(&arn).unwrap();
    assert_eq!(e.status(), Status::Succeeded, "{:?}", e.cause());
    let out = e.output().unwrap();
    assert_eq!(out["updated"]["Attributes"], json!({"n": {"N": "2"}}));
    assert_eq!(out["err"]["Error"], json!("DynamoDB.ConditionalCheckFailedException"));
    assert_eq!(out["got"], json!({"n": "2"}));
    let items = w.dynamodb().items("Things");
    assert_eq!(items.len(), 1);
}

// https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html (lambda:invoke
// returns the function's result under Payload, with StatusCode 200).
#[test]
fn lambda_invoke_shape_and_routing_by_function_name() {
    let mut w = World::new(1);
    w.handle("arn:aws:lambda:*:function:Echo*", |c: &TaskCall| {
        TaskOutcome::ok(json!({"echo": c.input, "via": c.resource}))
    });
    let def = json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:EchoFn:live", "Payload.$": "$"},
        "ResultSelector": {"p.$": "$.Payload", "code.$": "$.StatusCode"}, "End": true}}});
    let arn = run(&mut w, def, json!({"k": 1}));
    let e = w.execution(&arn).unwrap();
    assert_eq!(
        e.output(),
        Some(
            &json!({"p": {"echo": {"k": 1}, "via": "arn:aws:lambda:us-east-1:123456789012:function:EchoFn:live"}, "code": 200})
        )
    );
    let sched = e.history().iter().find(|h| h.kind == "TaskScheduled").unwrap();
    assert_eq!(sched.details.as_ref().unwrap()["resourceType"], json!("lambda"));
    assert_eq!(sched.details.as_ref().unwrap()["resource"], json!("invoke"));
}

#[test]
fn a_missing_handler_fails_clearly() {
    let mut w = World::new(1);
    let def = json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": lambda("Nobody"),
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "X"}], "End": true}, "X": {"Type": "Succeed"}}});
    let arn = run(&mut w, def, json!({}));
    let e = w.execution(&arn).unwrap();
    assert_eq!(e.error(), Some("States.Runtime"), "States.ALL does not catch States.Runtime");
    assert!(e.cause().unwrap().contains("no handler is registered"));
}

#[test]
fn many_executions_interleave_on_one_clock() {
    let mut w = World::new(21);
    w.handle(&lambda("job"), |c: &TaskCall| TaskOutcome::Succeed {
        output: json!(null),
        after: Duration::from_millis(500 + c.random % 1000),
    });
    let def = json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "Next": "J"},
        "J": {"Type": "Task", "Resource": lambda("job"), "End": true}}});
    w.register_json("m", &def.to_string()).unwrap();
    for _ in 0..200 {
        w.start_execution("m", json!({}), None).unwrap();
    }
    let idle = w.run_until_idle();
    assert_eq!(idle.running, 0);
    assert!(w.executions().all(|e| e.status() == Status::Succeeded));
    let peak = w.peak_occupancy(&["J"]);
    assert!(peak.count > 100, "they overlap: {peak:?}");
    assert!(peak.at_millis.is_some_and(|t| (T0 + 1000..T0 + 2500).contains(&t)), "{peak:?}");
    let fork = w.clone();
    assert_eq!(fork.executions().count(), 200);
}

// https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
// (ItemReader: s3:getObject of JSON, JSON Lines and CSV with a header row; s3:listObjectsV2; MaxItems).
#[test]
fn distributed_map_item_reader() {
    let def = |reader: Value| {
        json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemReader": reader,
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
            "End": true}}})
    };
    let get = |key: &str, config: Value| {
        json!({"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": config,
            "Parameters": {"Bucket": "in", "Key.$": key}})
    };
    let cases = [
        (get("$.json", json!({"InputType": "JSON"})), json!([{"a": 1}, {"a": 2}])),
        (get("$.jsonl", json!({"InputType": "JSONL", "MaxItems": 1})), json!([{"b": 1}])),
        (
            get("$.csv", json!({"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"})),
            json!([{"name": "ada", "year": "1815"}, {"name": "alan, m.", "year": "1912"}]),
        ),
    ];
    for (reader, want) in cases {
        let mut w = World::new(1);
        w.put_object("in", "items.json", r#"[{"a": 1}, {"a": 2}]"#);
        w.put_object("in", "items.jsonl", "{\"b\": 1}\n{\"b\": 2}\n");
        w.put_object("in", "people.csv", "name,year\nada,1815\n\"alan, m.\",1912\n");
        let arn = run(&mut w, def(reader), json!({"json": "items.json", "jsonl": "items.jsonl", "csv": "people.csv"}));
        let e = w.execution(&arn).unwrap();
        assert_eq!(e.output(), Some(&want), "{:?}", e.cause());
    }

    // A local directory mounted as a bucket, listed with listObjectsV2.
    let dir = std::env::temp_dir().join(format!("stepforge-exec-reader-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("logs")).unwrap();
    std::fs::write(dir.join("logs/a.txt"), "hello").unwrap();
    std::fs::write(dir.join("other.txt"), "x").unwrap();
    let mut w = World::new(1);
    w.mount_bucket("disk", &dir);
    let list =
        json!({"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "disk", "Prefix": "logs/"}});
    let arn = run(&mut w, def(list), json!({}));
    let out = w.execution(&arn).unwrap().output().cloned().unwrap();
    assert_eq!(out.as_array().map(Vec::len), Some(1));
    assert_eq!(out[0]["Key"], json!("logs/a.txt"));
    assert_eq!(out[0]["Size"], json!(5));

    let mut w = World::new(1);
    let arn = run(&mut w, def(get("$.json", json!({"InputType": "JSON"}))), json!({"json": "missing.json"}));
    assert_eq!(w.execution(&arn).unwrap().error(), Some("States.ItemReaderFailed"));
}

#[test]
fn a_panicking_handler_fails_the_task_not_the_world() {
    let mut w = World::new(1);
    w.handle(&lambda("boom"), |_: &TaskCall| -> TaskOutcome { panic!("handler bug") });
    let def = json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": lambda("boom"), "End": true}}});
    let arn = run(&mut w, def, json!({}));
    let e = w.execution(&arn).unwrap();
    assert_eq!((e.error(), e.cause()), (Some("stepforge.HandlerPanicked"), Some("handler bug")));
}

/// The scheduler hook an explorer uses: two executions race for one
/// conditional put at the same instant; choosing which call goes first
/// decides the winner, and every choice is replayable on a forked world.
#[test]
fn the_caller_chooses_the_order_of_simultaneous_calls() {
    let mut base = World::new(1);
    base.dynamodb_mut().create_table("Locks", ("id", KeyType::S), None).unwrap();
    let def = json!({"StartAt": "Take", "States": {
        "Take": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
            "Parameters": {"TableName": "Locks", "Item": {"id": {"S": "lock"}, "owner": {"S.$": "$$.Execution.Name"}},
                "ConditionExpression": "attribute_not_exists(id)"},
            "Catch": [{"ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"], "Next": "Lost"}], "Next": "Won"},
        "Won": {"Type": "Succeed"}, "Lost": {"Type": "Fail", "Error": "Lost"}}});
    base.register_json("m", &def.to_string()).unwrap();
    base.start_execution("m", json!({}), Some("a")).unwrap();
    base.start_execution("m", json!({}), Some("b")).unwrap();
    let mut winners = Vec::new();
    for first in ["a", "b"] {
        let mut w = base.clone();
        // Advance until both calls are enabled, then take `first`'s.
        loop {
            let enabled = w.enabled();
            let calls: Vec<_> = enabled.iter().filter(|e| e.integration).collect();
            if calls.len() == 2 {
                let pick =
                    calls.iter().find(|e| e.execution_arn.as_deref().is_some_and(|a| a.ends_with(first))).unwrap();
                assert!(w.step_event(pick.id));
                break;
            }
            let other = enabled.iter().find(|e| !e.integration).expect("a transition to take").id;
            assert!(w.step_event(other));
        }
        w.run_until_idle();
        let won: Vec<_> =
            w.executions().filter(|e| e.status() == Status::Succeeded).map(|e| e.name().to_string()).collect();
        winners.push(won);
    }
    assert_eq!(winners, [vec!["a".to_string()], vec!["b".to_string()]]);
}

/// A handler whose work finishes on the host (a Promise, a coroutine) holds
/// the virtual clock: other executions' timers wait until the host answers.
#[test]
fn pending_host_work_holds_the_clock() {
    let mut w = World::new(1);
    w.handle(&lambda("async"), |_: &TaskCall| TaskOutcome::Pending);
    let waiter = json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": true}}});
    let asker = json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": lambda("async"), "End": true}}});
    w.register_json("waiter", &waiter.to_string()).unwrap();
    w.register_json("asker", &asker.to_string()).unwrap();
    let a = w.start_execution("waiter", json!({}), None).unwrap();
    let b = w.start_execution("asker", json!({}), None).unwrap();
    let idle = w.run_until_idle();
    assert_eq!((idle.running, idle.host_pending), (2, 1));
    assert_eq!(w.now_millis(), T0, "the clock did not move while the host works");
    let (token, exec, state) = w.waiting_tasks().remove(0);
    assert_eq!((exec.as_str(), state.as_str()), (b.as_str(), "T"));
    w.send_task_success(&token, json!("done")).unwrap();
    let idle = w.run_until_idle();
    assert_eq!((idle.running, idle.host_pending), (0, 0));
    assert_eq!(w.execution(&b).unwrap().stop_millis(), Some(T0));
    assert_eq!(w.execution(&a).unwrap().stop_millis(), Some(T0 + 60_000));
}

// https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
// (TaskSubmitted for .sync integrations; MapIterationAborted for iterations stopped by a failure).
#[test]
fn history_records_submitted_and_aborted() {
    let mut w = World::new(3);
    w.register_json(
        "child",
        &json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10, "End": true}}}).to_string(),
    )
    .unwrap();
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemProcessor": {"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 0, "Next": "Later"}], "Default": "Run"},
        "Later": {"Type": "Wait", "Seconds": 5, "Next": "Bad"},
        "Bad": {"Type": "Fail", "Error": "Zero"},
        "Run": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
                "Parameters": {"StateMachineArn": "child"}, "End": true}}}, "End": true}}});
    let arn = run(&mut w, def, json!([1, 2, 0]));
    let kinds: Vec<String> = w.execution(&arn).unwrap().history().iter().map(|h| h.kind.clone()).collect();
    assert!(kinds.contains(&"TaskSubmitted".to_string()), "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| *k == "MapIterationAborted").count(), 2, "{kinds:?}");
    assert_eq!(w.execution(&arn).unwrap().error(), Some("Zero"));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-mock-cfg-file.html
// (the documented RetryPath test case: Throw on invocation 0, then 1-2, Return on 3).
#[test]
fn step_functions_local_mock_config() {
    let config = json!({
        "StateMachines": {"LambdaSQSIntegration": {"TestCases": {"RetryPath": {"LambdaState": "MockedLambdaRetry", "SQSState": "MockedSQSSuccess"}}}},
        "MockedResponses": {
            "MockedLambdaRetry": {
                "0": {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "Lambda resource is not ready."}},
                "1-2": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "Lambda timed out."}},
                "3": {"Return": {"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}}},
            "MockedSQSSuccess": {"0": {"Return": {"MD5OfMessageBody": "3bcb6e8e", "MessageId": "3bcb6e8e-8b51"}}}}
    });
    let def = json!({"StartAt": "LambdaState", "States": {
        "LambdaState": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "HelloFunction", "Payload.$": "$"},
            "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 1}],
            "ResultSelector": {"body.$": "$.Payload.body"}, "Next": "SQSState"},
        "SQSState": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
            "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody.$": "$.body"},
            "ResultPath": "$.sent", "End": true}}});
    let mut w = World::new(1);
    w.register_json("LambdaSQSIntegration", &def.to_string()).unwrap();
    let case = stepforge::exec::TestCase::from_config(&config, "LambdaSQSIntegration", "RetryPath").unwrap();
    w.use_mocks("LambdaSQSIntegration", case).unwrap();
    let arn = w.start_execution("LambdaSQSIntegration", json!({}), None).unwrap();
    w.run_until_idle();
    let e = w.execution(&arn).unwrap();
    assert_eq!(e.status(), Status::Succeeded, "{:?}", e.cause());
    assert_eq!(
        e.output(),
        Some(
            &json!({"body": "Hello from Lambda!", "sent": {"MD5OfMessageBody": "3bcb6e8e", "MessageId": "3bcb6e8e-8b51"}})
        )
    );
    assert_eq!(e.stop_millis(), Some(T0 + 6_000), "three retries two seconds apart");
}

// https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html (RUNNING is a status
// change too; the event carries the execution's input as text).
#[test]
fn status_rules_see_running_executions() {
    let mut w = World::new(4);
    w.register_json(
        "work",
        &json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "End": true}}}).to_string(),
    )
    .unwrap();
    w.register_json(
        "audit",
        &json!({"StartAt": "P", "States": {"P": {"Type": "Pass",
            "Parameters": {"status.$": "$.detail.status", "input.$": "$.detail.input"}, "End": true}}})
        .to_string(),
    )
    .unwrap();
    w.on_status_change(StatusRule {
        source: Some("work".into()),
        statuses: vec![Status::Running],
        target: "audit".into(),
    });
    w.start_execution("work", json!({"k": 1}), None).unwrap();
    w.run_until_idle();
    let audits: Vec<_> = w.executions().filter(|e| e.state_machine_arn().ends_with(":audit")).collect();
    assert_eq!(audits.len(), 1);
    assert_eq!(audits[0].output(), Some(&json!({"status": "RUNNING", "input": "{\"k\":1}"})));
    assert_eq!(audits[0].start_millis(), T0);
}

// https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html: errors are named after
// the SDK's exception classes; a rejection without a class of its own (a ValidationException)
// arrives as the generic DynamoDB.AmazonDynamoDBException, the code kept in the cause.
#[test]
fn unmodeled_dynamodb_errors_use_the_generic_name() {
    let mut w = World::new(1);
    w.dynamodb_mut().create_table("Things", ("pk", KeyType::S), None).unwrap();
    let def = json!({"StartAt": "Bad", "States": {"Bad": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
        "Parameters": {"TableName": "Things", "Item": {"pk": {"N": "1"}}}, "End": true}}});
    let arn = run(&mut w, def, json!({}));
    let e = w.execution(&arn).unwrap();
    assert_eq!(e.error(), Some("DynamoDB.AmazonDynamoDBException"));
    assert!(e.cause().unwrap().starts_with("ValidationException: "), "{:?}", e.cause());
}
