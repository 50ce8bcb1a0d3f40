//! The local executor's engine: state types, the JSONPath pipeline, retries
//! and catches, the virtual clock, history. Each test cites the AWS page
//! whose documented behaviour it checks.

use std::time::Duration;

use serde_json::{Value, json};
use stepforge::exec::{ExecError, Fifo, Status, TaskOutcome, World};

const T0: i64 = stepforge::exec::DEFAULT_EPOCH_MILLIS;

/// Registers `def` as `m`, runs one execution to idle, returns the world and its ARN.
fn run(world: &mut World, def: Value, input: Value) -> String {
    world.register_json("m", &def.to_string()).expect("definition registers");
    let arn = world.start_execution("m", input, Some("e1")).expect("starts");
    world.run_until_idle();
    arn
}

fn types(world: &World, arn: &str) -> Vec<String> {
    world.execution(arn).unwrap().history().iter().map(|e| e.kind.clone()).collect()
}

// https://docs.aws.amazon.com/step-functions/latest/dg/input-output-example.html
// (InputPath, Parameters, ResultSelector, ResultPath and OutputPath on one Task).
#[test]
fn jsonpath_pipeline_in_order() {
    let mut w = World::new(1);
    w.handle("arn:aws:lambda:us-east-1:123456789012:function:Calc", |c: &stepforge::exec::TaskCall| {
        let n = c.input["n"].as_i64().unwrap_or(0);
        TaskOutcome::ok(json!({"sum": n + 1, "noise": true}))
    });
    let def = json!({
        "StartAt": "T",
        "States": {"T": {
            "Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Calc",
            "InputPath": "$.data",
            "Parameters": {"n.$": "$.value", "fixed": 1},
            "ResultSelector": {"total.$": "$.sum"},
            "ResultPath": "$.result",
            "OutputPath": "$.result",
            "End": true
        }}
    });
    let arn = run(&mut w, def, json!({"data": {"value": 41}, "other": "kept in ResultPath's input"}));
    let e = w.execution(&arn).unwrap();
    assert_eq!(e.status(), Status::Succeeded);
    assert_eq!(e.output(), Some(&json!({"total": 42})));
    assert_eq!(
        types(&w, &arn),
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "LambdaFunctionScheduled",
            "LambdaFunctionStarted",
            "LambdaFunctionSucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
}

// https://docs.aws.amazon.com/step-functions/latest/dg/state-pass.html (Result, ResultPath)
#[test]
fn pass_result_and_result_path() {
    let mut w = World::new(1);
    let def = json!({"StartAt": "P", "States": {"P": {
        "Type": "Pass", "Result": {"x-datum": 0.381018, "y-datum": 622.2269926397355},
        "ResultPath": "$.coords", "End": true}}});
    let arn = run(&mut w, def, json!({"georefOf": "Home"}));
    assert_eq!(
        w.execution(&arn).unwrap().output(),
        Some(&json!({"georefOf": "Home", "coords": {"x-datum": 0.381018, "y-datum": 622.2269926397355}}))
    );
}

// https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html and
// https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
// (States.NoChoiceMatched when no rule matches and there is no Default).
#[test]
fn choice_default_and_no_match() {
    let def = |default: bool| {
        let mut c = json!({"Type": "Choice", "Choices": [
            {"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"},
            {"And": [{"Variable": "$.s", "IsPresent": true}, {"Variable": "$.s", "StringMatches": "a*"}], "Next": "A"}
        ]});
        let mut d = json!({"StartAt": "C", "States": {
            "Big": {"Type": "Pass", "Result": "big", "End": true},
            "A": {"Type": "Pass", "Result": "a", "End": true}}});
        if default {
            c["Default"] = json!("Other");
            d["States"]["Other"] = json!({"Type": "Pass", "Result": "other", "End": true});
        }
        d["States"]["C"] = c;
        d
    };
    for (input, want) in [(json!({"n": 11}), "big"), (json!({"n": 1, "s": "abc"}), "a"), (json!({"n": 1}), "other")] {
        let mut w = World::new(1);
        let arn = run(&mut w, def(true), input);
        assert_eq!(w.execution(&arn).unwrap().output(), Some(&json!(want)));
    }
    let mut w = World::new(1);
    let arn = run(&mut w, def(false), json!({"n": 1}));
    let e = w.execution(&arn).unwrap();
    assert_eq!(e.status(), Status::Failed);
    assert_eq!(e.error(), Some("States.NoChoiceMatched"));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html (Seconds,
// SecondsPath, Timestamp): waits move the virtual clock only.
#[test]
fn waits_use_the_virtual_clock() {
    let mut w = World::new(1);
    let def = json!({"StartAt": "W1", "States": {
        "W1": {"Type": "Wait", "Seconds": 86400, "Next": "W2"},
        "W2": {"Type": "Wait", "SecondsPath": "$.delay", "Next": "W3"},
        "W3": {"Type": "Wait", "Timestamp": "2024-01-05T00:00:00Z", "Next": "W4"},
        "W4": {"Type": "Wait", "TimestampPath": "$.until", "End": true}}});
    let started = std::time::Instant::now();
    let arn = run(&mut w, def, json!({"delay": 30, "until": "2024-01-06T00:00:00.500Z"}));
    assert!(started.elapsed() < Duration::from_secs(1));
    let e = w.execution(&arn).unwrap();
    assert_eq!(e.status(), Status::Succeeded);
    let times: Vec<i64> = e.history().iter().filter(|h| h.kind == "WaitStateExited").map(|h| h.timestamp).collect();
    assert_eq!(times, [T0 + 86_400_000, T0 + 86_430_000, T0 + 4 * 86_400_000, T0 + 5 * 86_400_000 + 500]);
    assert_eq!(e.stop_millis(), Some(T0 + 5 * 86_400_000 + 500));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
// (Retry: IntervalSeconds × BackoffRate^n, MaxAttempts, then Catch with ResultPath).
#[test]
fn retries_back_off_then_catch() {
    let mut w = World::new(7);
    w.handle("arn:aws:states:::lambda:invoke", |_: &stepforge::exec::TaskCall| TaskOutcome::fail("unused", ""));
    w.handle("arn:aws:lambda:us-east-1:123456789012:function:flaky", |_: &stepforge::exec::TaskCall| {
        TaskOutcome::fail("CustomError", "always")
    });
    let def = json!({"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:flaky",
              "Retry": [{"ErrorEquals": ["Other"], "MaxAttempts": 5},
                        {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 3}],
              "Catch": [{"ErrorEquals": ["CustomError"], "ResultPath": "$.err", "Next": "Recovered"}],
              "End": true},
        "Recovered": {"Type": "Pass", "End": true}}});
    let arn = run(&mut w, def, json!({"in": 1}));
    let e = w.execution(&arn).unwrap();
    assert_eq!(e.status(), Status::Succeeded);
    assert_eq!(e.output(), Some(&json!({"in": 1, "err": {"Error": "CustomError", "Cause": "always"}})));
    let attempts: Vec<i64> =
        e.history().iter().filter(|h| h.kind == "LambdaFunctionScheduled").map(|h| (h.timestamp - T0) / 1000).collect();
    // 2 s, then 6 s, then 18 s between attempts.
    assert_eq!(attempts, [0, 2, 8, 26]);
}

// https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html (Error/Cause, ErrorPath/CausePath)
#[test]
fn fail_state_error_and_cause_paths() {
    let mut w = World::new(1);
    let def = json!({"StartAt": "F", "States": {"F": {"Type": "Fail",
        "ErrorPath": "$.code", "CausePath": "States.Format('bad {}', $.what)"}}});
    let arn = run(&mut w, def, json!({"code": "E42", "what": "thing"}));
    let e = w.execution(&arn).unwrap();
    assert_eq!((e.status(), e.error(), e.cause()), (Status::Failed, Some("E42"), Some("bad thing")));
    assert_eq!(types(&w, &arn), ["ExecutionStarted", "FailStateEntered", "ExecutionFailed"]);
}

// https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html (TimeoutSeconds →
// States.Timeout; States.TaskFailed does not match States.Timeout per the error-handling page).
#[test]
fn task_timeout_is_not_task_failed() {
    let mut w = World::new(1);
    w.handle("arn:aws:lambda:us-east-1:123456789012:function:slow", |_: &stepforge::exec::TaskCall| {
        TaskOutcome::Succeed { output: json!(1), after: Duration::from_secs(25) }
    });
    let def = json!({"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:slow", "TimeoutSeconds": 20,
              "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "Caught"}], "End": true},
        "Caught": {"Type": "Pass", "End": true}}});
    let arn = run(&mut w, def, json!({}));
    let e = w.execution(&arn).unwrap();
    assert_eq!((e.status(), e.error()), (Status::Failed, Some("States.Timeout")));
    assert_eq!(e.stop_millis(), Some(T0 + 20_000));
    assert!(types(&w, &arn).contains(&"LambdaFunctionTimedOut".to_string()));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
// (.waitForTaskToken, SendTaskSuccess, HeartbeatSeconds → States.HeartbeatTimeout).
#[test]
fn task_token_callbacks_and_heartbeat() {
    let mut w = World::new(3);
    let def = json!({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "HeartbeatSeconds": 60,
        "Parameters": {"MessageBody": {"token.$": "$$.Task.Token"}}, "End": true}}});
    let arn = run(&mut w, def.clone(), json!({}));
    let idle = w.run_until_idle();
    assert_eq!(idle.running, 0, "the heartbeat ran out on the virtual clock");
    assert_eq!(w.execution(&arn).unwrap().error(), Some("States.HeartbeatTimeout"));

    let mut w = World::new(3);
    w.register_json("m", &def.to_string()).unwrap();
    let arn = w.start_execution("m", json!({}), None).unwrap();
    // Run only what is due now: the task waits for its token.
    while w.enabled().first().is_some_and(|e| e.due_millis == T0) {
        w.step();
    }
    let waiting = w.waiting_tasks();
    assert_eq!(waiting.len(), 1);
    let token = waiting[0].0.clone();
    let params = w.execution(&arn).unwrap().history().iter().find(|h| h.kind == "TaskScheduled").unwrap().clone();
    let sent: Value = serde_json::from_str(params.details.unwrap()["parameters"].as_str().unwrap()).unwrap();
    assert_eq!(sent["MessageBody"]["token"], json!(token));
    w.send_task_heartbeat(&token).unwrap();
    w.send_task_success(&token, json!({"answer": 42})).unwrap();
    assert!(matches!(w.send_task_success(&token, json!(1)), Err(ExecError::TaskDoesNotExist(_))));
    w.run_until_idle();
    assert_eq!(w.execution(&arn).unwrap().output(), Some(&json!({"answer": 42})));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html
#[test]
fn context_object() {
    let mut w = World::new(1);
    let def = json!({"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 5, "Next": "P"},
        "P": {"Type": "Pass", "Parameters": {
            "id.$": "$$.Execution.Id", "name.$": "$$.Execution.Name", "input.$": "$$.Execution.Input",
            "start.$": "$$.Execution.StartTime", "sm.$": "$$.StateMachine.Name", "state.$": "$$.State.Name",
            "entered.$": "$$.State.EnteredTime", "retries.$": "$$.State.RetryCount"}, "End": true}}});
    let arn = run(&mut w, def, json!({"a": 1}));
    assert_eq!(
        w.execution(&arn).unwrap().output(),
        Some(&json!({
            "id": "arn:aws:states:us-east-1:123456789012:execution:m:e1", "name": "e1", "input": {"a": 1},
            "start": "2024-01-01T00:00:00.000Z", "sm": "m", "state": "P",
            "entered": "2024-01-01T00:00:05.000Z", "retries": 0}))
    );
}

// https://docs.aws.amazon.com/step-functions/latest/dg/sfn-stuck-execution.html
// (an execution's TimeoutSeconds ends it TIMED_OUT with States.Timeout).
#[test]
fn execution_timeout() {
    let mut w = World::new(1);
    let def =
        json!({"TimeoutSeconds": 10, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": true}}});
    let arn = run(&mut w, def, json!({}));
    let e = w.execution(&arn).unwrap();
    assert_eq!((e.status(), e.error()), (Status::TimedOut, Some("States.Timeout")));
    assert_eq!(e.stop_millis(), Some(T0 + 10_000));
    assert_eq!(types(&w, &arn).last().map(String::as_str), Some("ExecutionTimedOut"));
}

#[test]
fn a_loop_without_wait_hits_the_transition_limit() {
    let mut w = World::new(1);
    w.set_transition_limit(1000);
    let def = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B"},
        "B": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "End"}], "Default": "A"},
        "End": {"Type": "Succeed"}}});
    let arn = run(&mut w, def, json!({}));
    let e = w.execution(&arn).unwrap();
    assert_eq!(e.error(), Some("States.Runtime"));
    assert!(e.cause().unwrap().contains("1000 state transitions"), "{:?}", e.cause());
}

#[test]
fn an_invalid_definition_is_refused_with_the_validators_problems() {
    let mut w = World::new(1);
    let err =
        w.register_json("m", r#"{"StartAt": "Nope", "States": {"A": {"Type": "Pass", "End": true}}}"#).unwrap_err();
    let ExecError::InvalidDefinition(problems) = err else { panic!("{err:?}") };
    assert!(!problems.0.is_empty());
    assert!(matches!(w.start_execution("m", json!({}), None), Err(ExecError::StateMachineDoesNotExist(_))));
}

// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
// (Assign, visible in later states; JSONata `$states.input`, Output, Arguments).
#[test]
fn variables_and_jsonata() {
    let mut w = World::new(1);
    w.handle("arn:aws:lambda:us-east-1:123456789012:function:double", |c: &stepforge::exec::TaskCall| {
        TaskOutcome::ok(json!(c.input["x"].as_i64().unwrap_or(0) * 2))
    });
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"base": "{% $states.input.n %}"}, "Next": "T"},
        "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:double", "Arguments": {"x": "{% $base + 1 %}"},
              "Assign": {"doubled": "{% $states.result %}"}, "Output": {"r": "{% $states.result %}"}, "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Condition": "{% $doubled > 10 %}", "Next": "Big"}], "Default": "Small"},
        "Big": {"Type": "Succeed", "Output": {"big": "{% $doubled %}", "base": "{% $base %}"}},
        "Small": {"Type": "Succeed"}}});
    let arn = run(&mut w, def, json!({"n": 5}));
    let e = w.execution(&arn).unwrap();
    assert_eq!(e.status(), Status::Succeeded, "{:?}", e.cause());
    assert_eq!(e.output(), Some(&json!({"big": 12, "base": 5})));
}

#[test]
fn same_seed_same_history_bytes() {
    let def = json!({"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "Branches": [
            {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:r", "End": true}}},
            {"StartAt": "B", "States": {"B": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:r",
                "Retry": [{"ErrorEquals": ["States.ALL"], "JitterStrategy": "FULL", "MaxAttempts": 3}], "End": true}}}],
        "End": true}}});
    let once = |seed: u64| {
        let mut w = World::new(seed);
        w.handle("arn:aws:lambda:us-east-1:123456789012:function:r", |c: &stepforge::exec::TaskCall| {
            if c.random % 3 == 0 { TaskOutcome::fail("Flaky", "") } else { TaskOutcome::ok(json!(c.random % 100)) }
        });
        w.register_json("m", &def.to_string()).unwrap();
        let arns: Vec<String> = (0..5).map(|_| w.start_execution("m", json!({}), None).unwrap()).collect();
        w.run_until_idle();
        arns.iter().map(|a| w.execution(a).unwrap().history_json().to_string()).collect::<Vec<_>>().join("\n")
    };
    assert_eq!(once(11), once(11));
    assert_ne!(once(11), once(12));
}

#[test]
fn stop_execution_aborts() {
    let mut w = World::new(1);
    let def = json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 100, "End": true}}});
    w.register_json("m", &def.to_string()).unwrap();
    let arn = w.start_execution("m", json!({}), None).unwrap();
    w.step();
    w.stop_execution(&arn, Some("Stopped"), Some("by the test")).unwrap();
    let idle = w.run_until_idle_with(&mut Fifo);
    assert_eq!(idle.running, 0);
    let e = w.execution(&arn).unwrap();
    assert_eq!((e.status(), e.error()), (Status::Aborted, Some("Stopped")));
    assert_eq!(e.stop_millis(), Some(T0), "the wait was cancelled, not waited out");
}

#[test]
fn real_time_mode_scales_waits() {
    let mut w = World::new(1);
    let def = json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3, "End": true}}});
    w.register_json("m", &def.to_string()).unwrap();
    let arn = w.start_execution("m", json!({}), None).unwrap();
    let started = std::time::Instant::now();
    let idle = w.run_realtime(0.01);
    let took = started.elapsed();
    assert_eq!(idle.running, 0);
    assert!(took >= Duration::from_millis(29) && took < Duration::from_secs(2), "{took:?}");
    assert_eq!(w.execution(&arn).unwrap().stop_millis(), Some(T0 + 3000), "virtual time is still exact");

    // run_until: a host loop's building block.
    let mut w = World::new(1);
    w.register_json("m", &def.to_string()).unwrap();
    let arn = w.start_execution("m", json!({}), None).unwrap();
    w.run_until(T0 + 1000);
    assert_eq!((w.now_millis(), w.next_due_millis()), (T0 + 1000, Some(T0 + 3000)));
    assert_eq!(w.execution(&arn).unwrap().status(), Status::Running);
    w.run_until(T0 + 3000);
    assert_eq!(w.execution(&arn).unwrap().status(), Status::Succeeded);
}

/// The bindings keep a world inside a Python or Node object: it must move
/// between threads, and forking it (an explorer) must be a plain clone.
#[test]
fn the_world_is_send_and_clone() {
    fn send_clone<T: Send + Clone>() {}
    send_clone::<World>();
    let mut w = World::new(5);
    let def = json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "End": true}}});
    w.register_json("m", &def.to_string()).unwrap();
    let arn = w.start_execution("m", json!({}), None).unwrap();
    let mut fork = w.clone();
    fork.run_until_idle();
    assert_eq!(fork.execution(&arn).unwrap().status(), Status::Succeeded);
    assert_eq!(w.execution(&arn).unwrap().status(), Status::Running, "the original is untouched");
}
