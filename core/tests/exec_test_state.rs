//! `stepforge::exec::test_state`: Step Functions' TestState API, locally.
//! Request and response shapes from
//! <https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html>
//! and <https://docs.aws.amazon.com/step-functions/latest/apireference/API_InspectionData.html>.

use serde_json::{Value, json};
use stepforge::exec::test_state;

/// A response field holding JSON text, parsed.
fn parsed(response: &Value, pointer: &str) -> Value {
    let text = response.pointer(pointer).and_then(Value::as_str).unwrap_or_else(|| panic!("{pointer} in {response}"));
    serde_json::from_str(text).unwrap()
}

fn lambda_task(extra: Value) -> Value {
    let mut task = json!({
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "InputPath": "$.order",
        "Parameters": {"FunctionName": "charge", "Payload.$": "$"},
        "ResultSelector": {"paid.$": "$.Payload.paid"},
        "ResultPath": "$.charge",
        "OutputPath": "$.charge",
        "Next": "Ship"});
    if let (Some(t), Some(e)) = (task.as_object_mut(), extra.as_object()) {
        t.extend(e.clone());
    }
    task
}

#[test]
fn debug_inspection_shows_every_stage_of_the_jsonpath_pipeline() {
    // The data flow the TestState page's DEBUG level reports: input,
    // afterInputPath, afterParameters, result, afterResultSelector, afterResultPath.
    let response = test_state(&json!({
        "definition": serde_json::to_string(&lambda_task(json!({}))).unwrap(),
        "input": r#"{"order": {"id": 7}, "other": 1}"#,
        "mock": {"result": r#"{"Payload": {"paid": true}, "StatusCode": 200}"#},
        "inspectionLevel": "DEBUG"}))
    .unwrap();
    assert_eq!(response["status"], "SUCCEEDED");
    assert_eq!(response["nextState"], "Ship");
    assert_eq!(parsed(&response, "/output"), json!({"paid": true}));
    assert_eq!(parsed(&response, "/inspectionData/input"), json!({"order": {"id": 7}, "other": 1}));
    assert_eq!(parsed(&response, "/inspectionData/afterInputPath"), json!({"id": 7}));
    assert_eq!(
        parsed(&response, "/inspectionData/afterParameters"),
        json!({"FunctionName": "charge", "Payload": {"id": 7}})
    );
    assert_eq!(parsed(&response, "/inspectionData/result"), json!({"Payload": {"paid": true}, "StatusCode": 200}));
    assert_eq!(parsed(&response, "/inspectionData/afterResultSelector"), json!({"paid": true}));
    assert_eq!(
        parsed(&response, "/inspectionData/afterResultPath"),
        json!({"order": {"id": 7}, "other": 1, "charge": {"paid": true}})
    );
    assert_eq!(parsed(&response, "/inspectionData/variables"), json!({}));
}

#[test]
fn info_level_has_no_inspection_data() {
    let response = test_state(&json!({
        "definition": {"Type": "Pass", "Result": {"x": 1}, "ResultPath": "$.r", "End": true},
        "input": {"a": 2}}))
    .unwrap();
    assert_eq!(response["status"], "SUCCEEDED");
    assert!(response.get("nextState").is_none());
    assert!(response.get("inspectionData").is_none());
    assert_eq!(parsed(&response, "/output"), json!({"a": 2, "r": {"x": 1}}));
}

#[test]
fn an_error_with_retries_left_is_retriable() {
    let task = lambda_task(json!({"Retry": [
        {"ErrorEquals": ["Other"], "MaxAttempts": 1},
        {"ErrorEquals": ["Lambda.TooManyRequestsException"], "IntervalSeconds": 2, "BackoffRate": 3, "MaxAttempts": 3}]}));
    let request = |count: u64| {
        json!({"definition": task, "input": {"order": {}}, "inspectionLevel": "DEBUG",
            "mock": {"errorOutput": {"error": "Lambda.TooManyRequestsException", "cause": "slow down"}},
            "stateConfiguration": {"retrierRetryCount": count}})
    };
    let first = test_state(&request(0)).unwrap();
    assert_eq!(first["status"], "RETRIABLE");
    assert_eq!(first["error"], "Lambda.TooManyRequestsException");
    assert_eq!(first["cause"], "slow down");
    assert_eq!(first["inspectionData"]["errorDetails"], json!({"retryIndex": 1, "retryBackoffIntervalSeconds": 2.0}));
    let third = test_state(&request(2)).unwrap();
    assert_eq!(third["inspectionData"]["errorDetails"]["retryBackoffIntervalSeconds"], 18.0);
    // Retries used up and no Catch: the state fails.
    let spent = test_state(&request(3)).unwrap();
    assert_eq!(spent["status"], "FAILED");
    assert!(spent.get("nextState").is_none() && spent.get("output").is_none());
}

#[test]
fn a_caught_error_names_the_catchers_next_state() {
    let task = lambda_task(json!({
        "Retry": [{"ErrorEquals": ["States.Timeout"]}],
        "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "Late"},
                  {"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "Refund"}]}));
    let response = test_state(&json!({
        "definition": task, "input": {"order": {"id": 1}}, "inspectionLevel": "DEBUG",
        "mock": {"errorOutput": {"error": "Payment.Declined", "cause": "card"}}}))
    .unwrap();
    assert_eq!(response["status"], "CAUGHT_ERROR");
    assert_eq!(response["nextState"], "Refund");
    assert_eq!(response["error"], "Payment.Declined");
    assert_eq!(response["inspectionData"]["errorDetails"], json!({"catchIndex": 1}));
    assert_eq!(
        parsed(&response, "/output"),
        json!({"order": {"id": 1}, "failure": {"Error": "Payment.Declined", "Cause": "card"}})
    );
}

#[test]
fn choice_reports_the_chosen_next_state_and_no_match_fails() {
    let machine = json!({"StartAt": "Route", "States": {
        "Route": {"Type": "Choice", "Choices": [
            {"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"}], "Default": "Small"},
        "Strict": {"Type": "Choice", "Choices": [
            {"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"}]},
        "Big": {"Type": "Succeed"}, "Small": {"Type": "Succeed"}}});
    let run = |state: &str, n: i64| {
        test_state(&json!({"definition": machine, "stateName": state, "input": {"n": n}})).unwrap()
    };
    assert_eq!(run("Route", 42)["nextState"], "Big");
    assert_eq!(run("Route", 1)["nextState"], "Small");
    assert_eq!(parsed(&run("Route", 1), "/output"), json!({"n": 1}));
    let none = run("Strict", 1);
    assert_eq!(none["status"], "FAILED");
    assert_eq!(none["error"], "States.NoChoiceMatched");
}

#[test]
fn fail_state_fails_and_jsonata_assign_shows_in_variables() {
    let failed = test_state(&json!({"definition": {"Type": "Fail", "Error": "Oops", "Cause": "bad"}})).unwrap();
    assert_eq!(
        (failed["status"].as_str(), failed["error"].as_str(), failed["cause"].as_str()),
        (Some("FAILED"), Some("Oops"), Some("bad"))
    );
    let response = test_state(&json!({
        "definition": {"Type": "Pass", "QueryLanguage": "JSONata",
            "Output": "{% $states.input.n + $base %}", "Assign": {"seen": "{% $states.input.n %}"}, "Next": "N"},
        "input": {"n": 2}, "variables": r#"{"base": 40}"#, "inspectionLevel": "DEBUG"}))
    .unwrap();
    assert_eq!(response["status"], "SUCCEEDED");
    assert_eq!(parsed(&response, "/output"), json!(42));
    assert_eq!(parsed(&response, "/inspectionData/variables"), json!({"base": 40, "seen": 2}));
}

#[test]
fn map_and_parallel_run_on_a_mock_and_are_refused_without_one() {
    let map = json!({"Type": "Map", "ItemsPath": "$.items", "ToleratedFailureCount": 1,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}, "StartAt": "Work", "States": {"Work": {"Type": "Pass", "End": true}}},
        "ResultPath": "$.results", "End": true,
        "Catch": [{"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "Next": "TooMany"}]});
    let no_mock = test_state(&json!({"definition": map, "input": {"items": [1, 2]}})).unwrap();
    assert_eq!(no_mock["status"], "FAILED");
    assert!(no_mock["cause"].as_str().unwrap().contains("mock"));
    let ok = test_state(&json!({"definition": map, "input": {"items": [1, 2]}, "mock": {"result": "[1, 2]"},
        "stateConfiguration": {"mapIterationFailureCount": 1}}))
    .unwrap();
    assert_eq!(ok["status"], "SUCCEEDED");
    assert_eq!(parsed(&ok, "/output"), json!({"items": [1, 2], "results": [1, 2]}));
    let too_many = test_state(&json!({"definition": map, "input": {"items": [1, 2]}, "mock": {"result": "[]"},
        "stateConfiguration": {"mapIterationFailureCount": 2}}))
    .unwrap();
    assert_eq!(too_many["status"], "CAUGHT_ERROR");
    assert_eq!(too_many["nextState"], "TooMany");
    let parallel = json!({"Type": "Parallel", "End": true, "Branches": [
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}]});
    let wrong = test_state(&json!({"definition": parallel, "mock": {"errorOutput": {"error": "E", "cause": ""}},
        "stateConfiguration": {"errorCausedByState": "Nowhere"}}));
    assert_eq!(wrong.unwrap_err().code, "ValidationException");
    let right = test_state(&json!({"definition": parallel, "mock": {"errorOutput": {"error": "E", "cause": "c"}},
        "stateConfiguration": {"errorCausedByState": "A"}}))
    .unwrap();
    assert_eq!(right["status"], "FAILED");
    assert_eq!(right["error"], "E");
}

#[test]
fn bad_requests_are_refused_with_the_aws_exception() {
    assert_eq!(test_state(&json!({})).unwrap_err().code, "ValidationException");
    assert_eq!(test_state(&json!({"definition": "{not json"})).unwrap_err().code, "InvalidExecutionInput");
    assert_eq!(test_state(&json!({"definition": {"Comment": "x"}})).unwrap_err().code, "InvalidDefinition");
    assert_eq!(test_state(&json!({"definition": {"Type": "Nope"}})).unwrap_err().code, "InvalidDefinition");
    let missing =
        test_state(&json!({"definition": {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}, "stateName": "B"}));
    assert_eq!(missing.unwrap_err().code, "InvalidDefinition");
    let level = test_state(&json!({"definition": {"Type": "Succeed"}, "inspectionLevel": "LOUD"}));
    assert_eq!(level.unwrap_err().code, "ValidationException");
}

#[test]
#[cfg(feature = "cli")]
fn cli_test_state_prints_the_response() {
    let dir = std::env::temp_dir().join(format!("stepforge-test-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("task.json");
    std::fs::write(&file, lambda_task(json!({"Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Oops"}]})).to_string())
        .unwrap();
    let file = file.to_str().unwrap();
    let cli = |args: &[&str]| {
        let mut argv = vec!["stepforge".to_string(), "test-state".to_string()];
        argv.extend(args.iter().map(|s| s.to_string()));
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = stepforge::cli::run(argv, &mut out, &mut err);
        (code, String::from_utf8_lossy(&out).into_owned(), String::from_utf8_lossy(&err).into_owned())
    };
    let (code, out, err) = cli(&[
        "--definition",
        file,
        "--input",
        r#"{"order": {}}"#,
        "--mock-result",
        r#"{"Payload": {"paid": false}}"#,
        "--inspection-level",
        "DEBUG",
    ]);
    assert_eq!(code, 0, "{err}");
    let response: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(response["status"], "SUCCEEDED");
    assert_eq!(parsed(&response, "/inspectionData/afterResultSelector"), json!({"paid": false}));
    let (code, out, _) =
        cli(&["--definition", file, "--input", r#"{"order": {}}"#, "--mock-error", "E", "--mock-cause", "C"]);
    assert_eq!(code, 0);
    let response: Value = serde_json::from_str(&out).unwrap();
    assert_eq!((response["status"].as_str(), response["nextState"].as_str()), (Some("CAUGHT_ERROR"), Some("Oops")));
    let (code, _, err) = cli(&["--definition", file, "--input", "{", "--mock-result", "1"]);
    assert_eq!(code, 2);
    assert!(err.contains("InvalidExecutionInput"), "{err}");
}
