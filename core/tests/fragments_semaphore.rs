//! The semaphore fragment: its rendered states, the seed defects it must not
//! repeat, its registry of locks, the cleanup machine and every bad option.

use serde_json::{Value, json};
use stepforge::builder::*;
use stepforge::fragments::*;
use stepforge::{Code, Problems};

fn job(function: &str) -> Chain {
    let work = Task::new(format!("Run {function}"))
        .resource("arn:aws:states:::lambda:invoke")
        .parameters(json!({"FunctionName": function, "Payload.$": "$"}));
    let pause = Wait::new(format!("Pause after {function}")).seconds(7);
    work.next(&pause).unwrap()
}

/// Renders, checks the text with the validator, and returns the JSON.
fn render(machine: &StateMachine) -> Value {
    let text = machine.render().unwrap_or_else(|e| panic!("{e}"));
    let problems = stepforge::validate::validate_str(&text);
    assert!(problems.is_empty(), "{problems:?}");
    serde_json::from_str(&text).unwrap()
}

/// The states of the branch of the `Get …` Parallel.
fn acquire_branch<'a>(states: &'a Value, get: &str) -> &'a Value {
    &states[get]["Branches"][0]["States"]
}

fn wrapped(lock: &str, limit: i64) -> Value {
    let fragment = Semaphore::new(lock, limit, "Locks").wrap(&job("cool-function")).unwrap();
    let after = Succeed::new("Succeed");
    render(&StateMachine::new(&fragment.next(&after).unwrap()))
}

#[test]
fn the_fragment_acquires_runs_and_releases_in_order() {
    let def = wrapped("life", 42);
    let states = &def["States"];
    assert_eq!(def["StartAt"], "Get life Lock: 1");
    assert_eq!(states["Get life Lock: 1"]["Next"], "Run life Job: 1");
    assert_eq!(states["Get life Lock: 1"]["ResultPath"], Value::Null, "the job sees the fragment's input");
    assert_eq!(states["Run life Job: 1"]["Next"], "Release life Lock: 1");
    assert_eq!(states["Run life Job: 1"]["OutputPath"], "$[0]", "the job's output is passed on as is");
    assert_eq!(states["Release life Lock: 1"]["Next"], "life Lock Released: 1");
    assert_eq!(states["life Lock Released: 1"]["Next"], "Succeed");
    let release = &states["Release life Lock: 1"]["Parameters"];
    assert_eq!(release["ExpressionAttributeNames"]["#lockownerid.$"], "$$.Execution.Id");
    assert_eq!(release["ConditionExpression"], "attribute_exists(#lockownerid)");
    let branch = acquire_branch(states, "Get life Lock: 1");
    let acquire = &branch["Acquire life Lock: 1"];
    assert_eq!(acquire["Parameters"]["ExpressionAttributeNames"]["#lockownerid.$"], "$$.Execution.Id");
    assert_eq!(acquire["Parameters"]["ExpressionAttributeValues"][":limit"], json!({"N": "42"}));
    assert_eq!(
        acquire["Parameters"]["ExpressionAttributeValues"][":lockacquiredtime"],
        json!({"S.$": "$$.State.EnteredTime"})
    );
    assert_eq!(acquire["Next"], "life Lock Acquired: 1");
    assert_eq!(branch["life Lock Acquired: 1"]["Type"], "Succeed");
}

#[test]
fn the_three_seed_000_defects_are_absent() {
    let def = wrapped("life", 42);
    let branch = acquire_branch(&def["States"], "Get life Lock: 1");
    // 1. Creating the lock item goes back to acquiring: never past the lock without a slot.
    let init = &branch["Initialize life Lock Item: 1"];
    assert_eq!(init["Next"], "Acquire life Lock: 1");
    assert!(init.get("End").is_none());
    // 2. "Already acquired" is the owner's entry itself, not a pattern on JSON text.
    let text = serde_json::to_string(&def).unwrap();
    assert!(!text.contains("StringMatches"), "no `*Z` check on the item's JSON text");
    let read = branch["Read life Lock: 1"]["Output"].as_str().unwrap();
    assert!(read.contains("'held': $exists($lookup($item, $me))"), "{read}");
    let check = &branch["Check life Lock: 1"]["Choices"];
    assert!(
        check.as_array().unwrap().iter().any(|c| c["Variable"] == "$.held" && c["Next"] == "life Lock Acquired: 1")
    );
    // 3. `<` against the limit, never `<>`.
    let condition = branch["Acquire life Lock: 1"]["Parameters"]["ConditionExpression"].as_str().unwrap();
    assert_eq!(condition, "currentlockcount < :limit and attribute_not_exists(#lockownerid)");
    assert!(!text.contains("<>"));
}

#[test]
fn a_waiting_execution_never_retries_the_failed_condition() {
    // Seed 001's catch-all retrier also retried ConditionalCheckFailed (about 63 s of backoff).
    let def = wrapped("life", 3);
    let acquire = &acquire_branch(&def["States"], "Get life Lock: 1")["Acquire life Lock: 1"];
    for retrier in acquire["Retry"].as_array().unwrap() {
        let errors: Vec<&str> = retrier["ErrorEquals"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
        assert!(!errors.contains(&"States.ALL"), "{errors:?}");
        assert!(!errors.contains(&"DynamoDB.ConditionalCheckFailedException"), "{errors:?}");
        assert!(errors.contains(&"DynamoDB.ProvisionedThroughputExceededException"));
        assert_eq!(retrier["JitterStrategy"], "FULL");
    }
    let catches = acquire["Catch"].as_array().unwrap();
    assert_eq!(catches[0]["ErrorEquals"], json!(["DynamoDB.AmazonDynamoDBException"]));
    assert_eq!(catches[0]["Next"], "Initialize life Lock Item: 1");
    assert_eq!(catches[1]["ErrorEquals"], json!(["DynamoDB.ConditionalCheckFailedException"]));
    assert_eq!(catches[1]["Next"], "Read life Lock: 1");
    let wait = &acquire_branch(&def["States"], "Get life Lock: 1")["Wait for life Lock: 1"];
    assert_eq!(wait["SecondsPath"], "$.waitSeconds");
    assert_eq!(wait["Next"], "Acquire life Lock: 1");
}

#[test]
fn a_failed_job_releases_its_slot_and_raises_the_same_error() {
    let def = wrapped("life", 42);
    let states = &def["States"];
    let catch = &states["Run life Job: 1"]["Catch"][0];
    assert_eq!(catch["ErrorEquals"], json!(["States.ALL"]));
    assert_eq!(catch["ResultPath"], "$");
    assert_eq!(catch["Next"], "Release life Lock After Failure: 1");
    let release = &states["Release life Lock After Failure: 1"];
    assert_eq!(release["ResultPath"], Value::Null, "the error and cause survive the release");
    assert_eq!(release["Next"], "Reraise life Job Error: 1");
    // Even if the release itself fails, the job's error is what is raised.
    assert_eq!(release["Catch"][0]["Next"], "Reraise life Job Error: 1");
    let fail = &states["Reraise life Job Error: 1"];
    assert_eq!((fail["ErrorPath"].as_str(), fail["CausePath"].as_str()), (Some("$.Error"), Some("$.Cause")));
}

#[test]
fn a_stale_owner_is_reclaimed_only_if_its_entry_is_unchanged() {
    let def = wrapped("life", 42);
    let branch = acquire_branch(&def["States"], "Get life Lock: 1");
    let reclaim = &branch["Reclaim Stale life Slot: 1"];
    assert_eq!(reclaim["Parameters"]["ConditionExpression"], "#staleowner = :staleacquiredtime");
    assert_eq!(reclaim["Parameters"]["ExpressionAttributeNames"]["#staleowner.$"], "$.stale");
    assert_eq!(
        reclaim["Parameters"]["UpdateExpression"],
        "SET #currentlockcount = #currentlockcount - :decrease REMOVE #staleowner"
    );
    assert_eq!(reclaim["Next"], "Acquire life Lock: 1");
    assert_eq!(branch["Read life Lock: 1"]["QueryLanguage"], "JSONata");
    assert_eq!(branch["Read life Lock: 1"]["Arguments"]["ConsistentRead"], true);
}

#[test]
fn the_lease_defaults_to_the_machine_timeout_then_to_a_year() {
    let read = |s: Semaphore| {
        let machine = s.state_machine(&job("f")).unwrap();
        let def = render(&machine);
        let out = def["States"]["Get l Lock: 1"]["Branches"][0]["States"]["Read l Lock: 1"]["Output"].clone();
        (def.get("TimeoutSeconds").cloned(), out.as_str().unwrap().to_string())
    };
    let (timeout, out) = read(Semaphore::new("l", 1, "T").timeout_seconds(900));
    assert_eq!(timeout, Some(json!(900)));
    assert!(out.contains("- 900000;"), "{out}");
    let (_, out) = read(Semaphore::new("l", 1, "T").timeout_seconds(900).lease_seconds(120));
    assert!(out.contains("- 120000;"), "{out}");
    let (timeout, out) = read(Semaphore::new("l", 1, "T"));
    assert_eq!(timeout, None);
    assert!(out.contains(&format!("- {};", DEFAULT_LEASE_SECONDS * 1000)), "{out}");
}

#[test]
fn seed_000_example_2_two_locks_in_one_machine() {
    let mut semaphores = Semaphores::new();
    let first = semaphores.wrap(&Semaphore::new("life", 42, "Locks"), &job("cool-function")).unwrap();
    let second = semaphores.wrap(&Semaphore::new("liberty", 7, "Locks"), &job("coolest-function")).unwrap();
    let definition = first.next(&second).unwrap().next(&Succeed::new("Succeed")).unwrap();
    let def = render(&StateMachine::new(&definition));
    assert_eq!(def["States"]["life Lock Released: 1"]["Next"], "Get liberty Lock: 1");
    assert_eq!(semaphores.locks(), [("Locks".to_string(), "life".to_string()), ("Locks".into(), "liberty".into())]);
    let cleanup = render(&semaphores.cleanup_machine().unwrap());
    assert_eq!(
        cleanup["States"]["List Locks"]["Parameters"]["locks"],
        json!([{"table": "Locks", "lock": "life"}, {"table": "Locks", "lock": "liberty"}])
    );
}

#[test]
fn reusing_a_lock_needs_reuse_lock_and_the_same_limit() {
    let mut semaphores = Semaphores::new();
    semaphores.wrap(&Semaphore::new("life", 42, "Locks"), &job("a")).unwrap();
    let err = semaphores.wrap(&Semaphore::new("life", 42, "Locks"), &job("b")).unwrap_err();
    assert_eq!((err.0[0].code, err.0[0].pointer.as_str()), (Code::InvalidValue, "/lock_name"));
    assert!(err.0[0].message.contains("reuse_lock"), "{err}");
    let err = semaphores.wrap(&Semaphore::new("life", 7, "Locks").reuse_lock(true), &job("c")).unwrap_err();
    assert_eq!(err.0[0].pointer, "/limit");
    assert!(err.0[0].message.contains("42") && err.0[0].message.contains('7'), "{err}");
    // A failed wrap does not count as a use.
    let second = semaphores.wrap(&Semaphore::new("life", 42, "Locks").reuse_lock(true), &job("d")).unwrap();
    assert_eq!(second.start_state().name(), "Get life Lock: 2");
    assert_eq!(semaphores.uses("life"), 2);
    let third = semaphores.wrap(&Semaphore::new("life", 42, "Locks").reuse_lock(true), &job("e")).unwrap();
    let all = Chain::sequence(&[&third, &second, &Succeed::new("Done")]).unwrap();
    let def = render(&StateMachine::new(&all));
    assert!(def["States"].get("Release life Lock: 3").is_some());
}

#[test]
fn bad_options_are_errors_naming_the_option() {
    let expect = |semaphore: Semaphore, pointer: &str, code: Code| {
        let err: Problems = semaphore.wrap(&job("f")).unwrap_err();
        assert_eq!((err.0[0].code, err.0[0].pointer.as_str()), (code, pointer), "{err}");
        err.0[0].message.clone()
    };
    let m = expect(Semaphore::new("life", 0, "T"), "/limit", Code::OutOfRange);
    assert!(m.contains("is 0"), "{m}");
    expect(Semaphore::new("life", -3, "T"), "/limit", Code::OutOfRange);
    expect(Semaphore::new("", 1, "T"), "/lock_name", Code::InvalidValue);
    expect(Semaphore::new("   ", 1, "T"), "/lock_name", Code::InvalidValue);
    expect(Semaphore::new("life", 1, ""), "/table_name", Code::InvalidValue);
    // The longest name is `Release <lock> Lock After Failure: 1`: 8 + 24 + 1 characters around the lock.
    let fits = "x".repeat(80 - "Release  Lock After Failure: 1".len());
    assert!(Semaphore::new(fits.clone(), 1, "T").wrap(&job("f")).is_ok());
    let m = expect(Semaphore::new(format!("{fits}y"), 1, "T"), "/lock_name", Code::InvalidStateName);
    assert!(m.contains("shorten the lock name by 1"), "{m}");
    expect(Semaphore::new("l", 1, "T").wait(WaitStrategy::Fixed { seconds: 0 }), "/wait", Code::OutOfRange);
    expect(
        Semaphore::new("l", 1, "T").wait(WaitStrategy::Jittered { initial_seconds: 5, max_seconds: 2 }),
        "/wait",
        Code::OutOfRange,
    );
    expect(Semaphore::new("l", 1, "T").lease_seconds(0), "/lease_seconds", Code::OutOfRange);
    let retry = DynamoRetry { backoff_rate: 0.5, ..DynamoRetry::default() };
    expect(Semaphore::new("l", 1, "T").retry(retry), "/retry/backoff_rate", Code::OutOfRange);
}

#[test]
fn a_job_with_no_end_is_an_error() {
    let err = Semaphore::new("life", 1, "T").wrap(&Succeed::new("Done")).unwrap_err();
    assert_eq!((err.0[0].code, err.0[0].pointer.as_str()), (Code::InvalidChain, "/job"));
    assert!(err.0[0].message.contains("`Done`"), "{err}");
    let choice = Choice::new("Pick").when(Condition::is_present("$.a"), &Fail::new("No"));
    assert!(Semaphore::new("life", 1, "T").wrap(&choice).is_err());
}

#[test]
fn a_job_given_as_asl_json() {
    let job = job_from_json(&json!({
        "StartAt": "Both",
        "States": {
            "Both": {"Type": "Parallel", "Branches": [
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}},
                {"StartAt": "B", "States": {"B": {"Type": "Wait", "Seconds": 1, "End": true}}}
            ], "End": true}
        }
    }))
    .unwrap();
    let def = render(&Semaphore::new("json", 2, "T").state_machine(&job).unwrap());
    let branch = &def["States"]["Run json Job: 1"]["Branches"][0];
    assert_eq!(branch["StartAt"], "Both");
    assert_eq!(branch["States"]["Both"]["Branches"][1]["States"]["B"]["Seconds"], 1);
}

#[test]
fn comments_describe_every_state() {
    let fragment = Semaphore::new("life", 2, "T").comments(true).wrap(&Pass::new("Job")).unwrap();
    let def = render(&StateMachine::new(&fragment));
    let mut states: Vec<(&String, &Value)> = def["States"].as_object().unwrap().iter().collect();
    states.extend(acquire_branch(&def["States"], "Get life Lock: 1").as_object().unwrap().iter());
    assert_eq!(states.len(), 6 + 7);
    for (name, state) in states {
        if name != "Job" {
            assert!(state["Comment"].is_string(), "{name} has no comment");
        }
    }
    let plain = wrapped("life", 2);
    assert!(!serde_json::to_string(&plain).unwrap().contains("\"Comment\""));
}

#[test]
fn the_cleanup_machine_and_its_event_pattern() {
    let locks = [("CC-locktable".to_string(), "MySemaphore".to_string())];
    let def = render(&cleanup_machine(&locks).unwrap());
    let list = &def["States"]["List Locks"]["Parameters"];
    assert_eq!(list["executionArn.$"], "$.detail.executionArn");
    let processor = &def["States"]["Release Each Lock"]["ItemProcessor"]["States"]["Release Slot"];
    assert_eq!(processor["Parameters"]["ConditionExpression"], "attribute_exists(#lockownerid)");
    assert_eq!(processor["Parameters"]["ExpressionAttributeNames"]["#lockownerid.$"], "$.executionArn");
    assert_eq!(processor["Retry"][0]["MaxAttempts"], 20);
    assert_eq!(processor["Catch"][0]["ErrorEquals"], json!(["DynamoDB.ConditionalCheckFailedException"]));
    let err = cleanup_machine(&[]).unwrap_err();
    assert_eq!(err.0[0].code, Code::EmptyList);

    let arn = "arn:aws:states:us-east-1:123456789012:stateMachine:CC-ConcurrencyControlledStateMachine".to_string();
    assert_eq!(
        cleanup_event_pattern(std::slice::from_ref(&arn)),
        json!({
            "source": ["aws.states"],
            "detail-type": ["Step Functions Execution Status Change"],
            "detail": {"status": ["FAILED", "TIMED_OUT", "ABORTED"], "stateMachineArn": [arn]}
        })
    );
}

#[test]
fn iam_names_only_the_actions_used_on_the_table() {
    let arn = "arn:aws:dynamodb:us-east-1:123456789012:table/Locks";
    let mut semaphores = Semaphores::new();
    assert!(semaphores.iam(arn).is_empty());
    semaphores.wrap(&Semaphore::new("life", 1, "Locks"), &job("f")).unwrap();
    let statements = semaphores.iam(arn);
    assert_eq!(statements.len(), 1);
    assert_eq!(statements[0].actions, ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]);
    assert_eq!(statements[0].resources, [arn]);
    // Every DynamoDB integration the rendered states call is granted.
    let def = serde_json::to_string(&wrapped("life", 1)).unwrap();
    for (resource, action) in [
        ("dynamodb:getItem", "dynamodb:GetItem"),
        ("dynamodb:putItem", "dynamodb:PutItem"),
        ("dynamodb:updateItem", "dynamodb:UpdateItem"),
    ] {
        assert!(def.contains(&format!("arn:aws:states:::{resource}")));
        assert!(statements[0].actions.iter().any(|a| a == action));
    }
    assert!(!def.contains("dynamodb:deleteItem"));
    assert_eq!(cleanup_iam(arn)[0].actions, ["dynamodb:UpdateItem"]);
    let merged = merge(statements.into_iter().chain(cleanup_iam(arn)));
    assert_eq!(merged.len(), 1);
    assert_eq!(policy_document(&merged)["Statement"][0]["Resource"], json!([arn]));
}
