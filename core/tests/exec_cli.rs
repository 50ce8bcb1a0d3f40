//! `stepforge run`: the local executor from the command line.
#![cfg(feature = "cli")]

mod cli_run;
use cli_run::{cli, scratch};

use serde_json::{Value, json};

#[test]
fn run_prints_the_output_and_exits_zero() {
    let def = scratch(
        "ok.json",
        &json!({"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 3600, "Next": "P"},
        "P": {"Type": "Pass", "Parameters": {"doubled.$": "States.MathAdd($.n, $.n)"}, "End": true}}})
        .to_string(),
    );
    let (code, out, err) = cli(&["run", &def, "--input", r#"{"n": 21}"#]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap(), json!({"doubled": 42}));
    // The hour-long wait in real time at 1/100,000 speed: 36 ms.
    let started = std::time::Instant::now();
    let (code, out, _) = cli(&["run", &def, "--input", r#"{"n": 1}"#, "--time-scale", "0.00001"]);
    assert!(started.elapsed() >= std::time::Duration::from_millis(30));
    assert_eq!((code, serde_json::from_str::<Value>(&out).unwrap()), (0, json!({"doubled": 2})));
}

#[test]
fn run_reports_failures_on_stderr_with_exit_one() {
    let def = scratch(
        "fail.json",
        &json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Nope", "Cause": "told to"}}}).to_string(),
    );
    let (code, out, err) = cli(&["run", &def]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.contains("FAILED: Nope: told to"), "{err}");
}

#[test]
fn run_refuses_bad_definitions_and_bad_input() {
    let bad = scratch("bad.json", r#"{"StartAt": "X", "States": {}}"#);
    let (code, _, err) = cli(&["run", &bad]);
    assert_eq!(code, 1);
    assert!(err.contains("does not validate"), "{err}");
    let good =
        scratch("good.json", &json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}).to_string());
    let (code, _, err) = cli(&["run", &good, "--input", "{not json"]);
    assert_eq!(code, 2);
    assert!(err.contains("not JSON"), "{err}");
}

#[test]
fn run_with_dynamodb_history_timeline_and_many_executions() {
    let def = scratch(
        "ddb.json",
        &json!({"StartAt": "Inc", "States": {
        "Inc": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:updateItem",
            "Parameters": {"TableName": "Counters", "Key": {"id": {"S": "c"}},
                "UpdateExpression": "ADD hits :one", "ExpressionAttributeValues": {":one": {"N": "1"}}},
            "ResultPath": null, "Next": "W"},
        "W": {"Type": "Wait", "Seconds": 5, "End": true}}})
        .to_string(),
    );
    let tables = json!({"tables": [{"name": "Counters", "partitionKey": {"name": "id", "type": "S"}, "items": [{"id": "c", "hits": 0}]}]});
    let db = scratch("db.json", &tables.to_string());
    let dump = scratch("dump.json", "");
    let (code, out, err) = cli(&[
        "run",
        &def,
        "--executions",
        "3",
        "--seed",
        "9",
        "--dynamodb",
        &db,
        "--dump-dynamodb",
        &dump,
        "--timeline",
    ]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().take(3).collect();
    assert!(lines.iter().all(|l| l.contains("\"SUCCEEDED\"")), "{out}");
    assert!(out.contains("\"virtualSeconds\": 5.0"), "{out}");
    let dumped = std::fs::read_to_string(&dump).unwrap();
    assert!(dumped.contains("\"3\""), "three increments: {dumped}");

    let (code, out, _) = cli(&["run", &def, "--dynamodb", &db, "--history"]);
    assert_eq!(code, 0);
    assert!(out.contains("\"ExecutionSucceeded\"") && out.contains("\"previousEventId\""), "{out}");
}

#[test]
fn run_inputs_from_json_lines() {
    let def = scratch(
        "double.json",
        &json!({"StartAt": "P", "States": {"P": {"Type": "Pass",
        "Parameters": {"twice.$": "States.MathAdd($.n, $.n)"}, "End": true}}})
        .to_string(),
    );
    let inputs = scratch("inputs.jsonl", "{\"n\": 1}\n\n{\"n\": 5}\n");
    let (code, out, err) = cli(&["run", &def, "--inputs", &inputs]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines[0]["output"], json!({"twice": 2}));
    assert_eq!(lines[1]["output"], json!({"twice": 10}));
    assert_eq!(lines.len(), 2);
    let bad = scratch("bad.jsonl", "{\"n\": 1}\nnope\n");
    let (code, _, err) = cli(&["run", &def, "--inputs", &bad]);
    assert_eq!(code, 2);
    assert!(err.contains(":2: the input is not JSON"), "{err}");
}

// https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-mock-cfg-file.html
#[test]
fn run_with_a_step_functions_local_mock() {
    let def = scratch(
        "mocked.json",
        &json!({"StartAt": "LambdaState", "States": {"LambdaState": {"Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "F"},
        "OutputPath": "$.Payload", "End": true}}})
        .to_string(),
    );
    let mock = scratch("MockConfigFile.json", &json!({
        "StateMachines": {"LambdaSQSIntegration": {"TestCases": {"HappyPath": {"LambdaState": "MockedLambdaSuccess"}}}},
        "MockedResponses": {"MockedLambdaSuccess": {"0": {"Return": {"StatusCode": 200, "Payload": {"body": "Hello from Lambda!"}}}}}
    }).to_string());
    let (code, out, err) = cli(&["run", &def, "--mock", &mock, "--test-case", "HappyPath"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap(), json!({"body": "Hello from Lambda!"}));
    let (code, _, err) = cli(&["run", &def, "--mock", &mock, "--test-case", "LambdaSQSIntegration#Nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("no test case"), "{err}");
}
