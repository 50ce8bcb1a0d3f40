//! Host work (a Python coroutine, a JavaScript Promise) settled through the
//! one rule the bindings share: `World::settle_host_work`.

use std::time::Duration;

use serde_json::json;
use stepforge::exec::settle::INVALID_HANDLER_RESULT;
use stepforge::exec::{Status, TaskCall, TaskOutcome, World};

const DELAYED: &str = "host work's TaskResult cannot take virtual time";

/// A world with one execution waiting on host work; returns its ARN and token.
fn waiting() -> (World, String, String) {
    let mut w = World::new(7);
    let resource = "arn:aws:lambda:us-east-1:123456789012:function:async";
    w.handle(resource, |_: &TaskCall| TaskOutcome::Pending);
    let def = json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource, "End": true}}});
    w.register_json("m", &def.to_string()).unwrap();
    let arn = w.start_execution("m", json!({}), None).unwrap();
    w.run_until_idle();
    let (token, _, _) = w.waiting_tasks().remove(0);
    (w, arn, token)
}

#[test]
fn settled_work_succeeds_or_fails_the_task() {
    let (mut w, arn, token) = waiting();
    w.settle_host_work(&token, TaskOutcome::ok(json!({"done": true})), DELAYED);
    w.run_until_idle();
    let e = w.execution(&arn).unwrap();
    assert_eq!((e.status(), e.output()), (Status::Succeeded, Some(&json!({"done": true}))));

    let (mut w, arn, token) = waiting();
    w.settle_host_work(&token, TaskOutcome::fail("Boom", "it broke"), DELAYED);
    w.run_until_idle();
    let e = w.execution(&arn).unwrap();
    assert_eq!((e.status(), e.error(), e.cause()), (Status::Failed, Some("Boom"), Some("it broke")));
}

#[test]
fn a_delayed_result_fails_and_a_late_answer_is_dropped() {
    let (mut w, arn, token) = waiting();
    let late = TaskOutcome::Succeed { output: json!(1), after: Duration::from_secs(5) };
    w.settle_host_work(&token, late, DELAYED);
    w.run_until_idle();
    let e = w.execution(&arn).unwrap();
    assert_eq!((e.error(), e.cause()), (Some(INVALID_HANDLER_RESULT), Some(DELAYED)));
    // The task has ended: a second answer has nobody to go to, and changes nothing.
    w.settle_host_work(&token, TaskOutcome::ok(json!(2)), DELAYED);
    assert_eq!(w.execution(&arn).unwrap().status(), Status::Failed);
}

#[test]
fn the_next_timer_is_counted_in_virtual_seconds() {
    let mut w = World::new(1);
    assert_eq!(w.next_due_seconds(), None);
    let def = json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 90, "End": true}}});
    w.register_json("m", &def.to_string()).unwrap();
    w.start_execution("m", json!({}), None).unwrap();
    // Step until the Wait is entered: its timer is then 90 virtual seconds away.
    let mut steps = 0;
    while w.next_due_seconds() != Some(90.0) && steps < 10 && w.step() {
        steps += 1;
    }
    assert_eq!(w.next_due_seconds(), Some(90.0));
    w.run_until_idle();
    assert_eq!(w.next_due_seconds(), None);
}
