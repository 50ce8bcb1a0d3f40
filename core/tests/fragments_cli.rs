//! The fragment subcommands of the `stepforge` CLI: plain ASL and JSON for
//! SAM and Terraform users, the same states the library builds.
#![cfg(feature = "cli")]

mod cli_run;
use cli_run::{cli, scratch};

use serde_json::{Value, json};
use stepforge::fragments::*;

/// A JSON file in a directory of this test's own.
fn file(name: &str, contents: &Value) -> String {
    scratch(name, &serde_json::to_string_pretty(contents).unwrap())
}

fn job() -> Value {
    json!({"StartAt": "Do Work", "States": {"Do Work": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "CC-DoWork", "Payload.$": "$"}, "End": true}}})
}

#[test]
fn semaphore_prints_the_same_definition_as_the_library() {
    let path = file("job.json", &job());
    let (code, out, err) = cli(&[
        "semaphore",
        "--lock-name",
        "MySemaphore",
        "--limit",
        "5",
        "--table",
        "CC-locktable",
        "--job",
        &path,
        "--timeout-seconds",
        "3600",
    ]);
    assert_eq!(code, 0, "{err}");
    let expected = Semaphore::new("MySemaphore", 5, "CC-locktable")
        .timeout_seconds(3600)
        .state_machine(&job_from_json(&job()).unwrap())
        .unwrap()
        .render()
        .unwrap();
    assert_eq!(out.trim_end(), expected);
    assert!(stepforge::validate::validate_str(&out).is_empty());
}

#[test]
fn semaphore_cleanup_iam_and_event_pattern() {
    let base = ["semaphore", "--lock-name", "MySemaphore", "--limit", "5", "--table", "CC-locktable"];
    let (code, out, err) = cli(&[&base[..], &["--cleanup"]].concat());
    assert_eq!(code, 0, "{err}");
    let locks = [("CC-locktable".to_string(), "MySemaphore".to_string())];
    assert_eq!(out.trim_end(), cleanup_machine(&locks).unwrap().render().unwrap());

    let arn = "arn:aws:dynamodb:us-east-1:123456789012:table/CC-locktable";
    let (code, out, _) = cli(&[&base[..], &["--iam", "--table-arn", arn]].concat());
    assert_eq!(code, 0);
    let policy: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        policy,
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], "Resource": [arn]}]})
    );
    let (_, out, _) = cli(&[&base[..], &["--iam"]].concat());
    assert!(
        out.contains("arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/CC-locktable"),
        "{out}"
    );

    let machine = "arn:aws:states:us-east-1:123456789012:stateMachine:CC-ConcurrencyControlledStateMachine";
    let (code, out, _) = cli(&[&base[..], &["--event-pattern", "--state-machine-arn", machine]].concat());
    assert_eq!(code, 0);
    let pattern: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(pattern, cleanup_event_pattern(&[machine.to_string()]));
}

#[test]
fn semaphore_bad_input_exits_1_naming_the_field() {
    let path = file("job2.json", &job());
    let (code, out, err) = cli(&["semaphore", "--lock-name", "L", "--limit", "0", "--table", "T", "--job", &path]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.starts_with("OUT_OF_RANGE /limit: the limit is 0"), "{err}");
    let (code, _, err) = cli(&["semaphore", "--lock-name", "L", "--limit", "-2", "--table", "T", "--cleanup"]);
    assert_eq!(code, 1);
    assert!(err.contains("/limit"), "{err}");
    let broken = file("broken.json", &json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}));
    let (code, _, err) = cli(&["semaphore", "--lock-name", "L", "--limit", "1", "--table", "T", "--job", &broken]);
    assert_eq!(code, 1);
    assert!(err.contains("MISSING_TRANSITION_TARGET /States/A/Next") && err.contains("broken.json"), "{err}");
    // A job is needed to print the machine.
    let (code, _, err) = cli(&["semaphore", "--lock-name", "L", "--limit", "1", "--table", "T"]);
    assert_eq!(code, 2);
    assert!(err.contains("--job"), "{err}");
    let (code, _, err) =
        cli(&["semaphore", "--lock-name", "L", "--limit", "1", "--table", "T", "--job", "/nonexistent/j.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/j.json"), "{err}");
}

fn seed_004_config() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/seed004-map-over-dynamodb/config.json").to_string()
}

#[test]
fn map_over_dynamodb_prints_the_machine_and_its_policy() {
    let config = seed_004_config();
    let (code, out, err) = cli(&["map-over-dynamodb", "--config", &config, "--function", "LogItem"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&config).unwrap();
    let expected = DynamoDbListMap::new(MapConfig::from_text(&text).unwrap(), "LogItem")
        .state_machine()
        .unwrap()
        .render()
        .unwrap();
    assert_eq!(out.trim_end(), expected);
    let (code, out, _) = cli(&["map-over-dynamodb", "--config", &config, "--function", "LogItem", "--iam"]);
    assert_eq!(code, 0);
    let policy: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(policy["Statement"][0]["Action"], json!(["dynamodb:GetItem"]));
    assert_eq!(policy["Statement"][1]["Action"], json!(["lambda:InvokeFunction"]));

    let mut bad: Value = serde_json::from_str(&text).unwrap();
    bad["stepfunc"]["maxConcurency"] = json!(3);
    let bad = file("config.json", &bad);
    let (code, _, err) = cli(&["map-over-dynamodb", "--config", &bad, "--function", "LogItem"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("UNKNOWN_FIELD /stepfunc/maxConcurency:"), "{err}");
}

#[test]
fn phased_job_prints_the_compiled_graph() {
    let graph = json!({"currentPhase": "cooking", "phases": {"cooking": {
        "steps": {"cookingStart": {"jobs": ["clean"]}, "clean": {"jobs": ["cook", "set_table"]}},
        "waitFor": ["clean", "cook", "set_table"], "finished": [], "next": "end"}}});
    let path = file("graph.json", &graph);
    let cook = "arn:aws:lambda:us-east-1:1:function:Cook";
    let (code, out, err) = cli(&["phased-job", &path, "--resource", &format!("cook={cook}")]);
    assert_eq!(code, 0, "{err}");
    let expected =
        PhasedJob::from_json(&graph).unwrap().resource("cook", cook).state_machine().unwrap().render().unwrap();
    assert_eq!(out.trim_end(), expected);
    let def: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(def["States"]["clean"]["Next"], "After clean");
    let (code, out, _) = cli(&["phased-job", &path, "--iam"]);
    assert_eq!(code, 0);
    assert!(out.contains(":function:set_table"), "{out}");

    let (code, _, err) = cli(&["phased-job", &path, "--resource", "cook"]);
    assert_eq!(code, 1);
    assert!(err.contains("JOB=ARN"), "{err}");
    let mut cyclic = graph.clone();
    cyclic["phases"]["cooking"]["next"] = json!("cooking");
    let path = file("cyclic.json", &cyclic);
    let (code, _, err) = cli(&["phased-job", &path]);
    assert_eq!(code, 1);
    assert!(err.contains("/phases/cooking/next"), "{err}");
}

#[test]
fn semaphore_in_jsonata_for_a_jsonata_job() {
    let job = json!({"QueryLanguage": "JSONata", "StartAt": "Work", "States": {"Work": {
        "Type": "Pass", "Output": {"done": "{% $states.input.n + 1 %}"}, "End": true}}});
    let path = file("jsonata-job.json", &job);
    let args = ["semaphore", "--lock-name", "J", "--limit", "2", "--table", "Locks", "--job", &path];
    let (code, out, err) = cli(&[&args[..], &["--query-language", "jsonata", "--timeout-seconds", "60"]].concat());
    assert_eq!(code, 0, "{err}");
    let expected = Semaphore::new("J", 2, "Locks")
        .query_language(stepforge::asl::QueryLanguage::Jsonata)
        .timeout_seconds(60)
        .state_machine(&job_from_json(&job).unwrap())
        .unwrap()
        .render()
        .unwrap();
    assert_eq!(out.trim_end(), expected);
    let machine: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(machine["QueryLanguage"], "JSONata");
    assert!(stepforge::validate::validate_str(&out).is_empty());
    // JSONPath is the default, in any letter case.
    let (code, default, _) = cli(&args);
    let (_, explicit, _) = cli(&[&args[..], &["--query-language", "JSONPath"]].concat());
    assert_eq!((code, &default), (0, &explicit));
    let (code, _, err) = cli(&[&args[..], &["--query-language", "xpath"]].concat());
    assert_ne!(code, 0);
    assert!(err.contains("jsonata"), "{err}");
}
