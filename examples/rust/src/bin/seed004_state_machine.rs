//! Seed 004's state machine, built from its config.json: read a list from one
//! DynamoDB item, then a Map over it (MaxConcurrency from the config) whose
//! iterations pass, wait `waitDurationSeconds`, and invoke a Lambda function;
//! the whole execution times out after `timeoutDurationSeconds`.
//!
//! `cargo run -p stepforge-examples --bin seed004_state_machine [config.json]`

use serde_json::{Value, json};
use stepforge::Problems;
use stepforge::builder::*;

fn build(config: &Value) -> Result<StateMachine, Problems> {
    let (ddb, sfn) = (&config["ddb"], &config["stepfunc"]);
    let key = ddb["partitionKeyName"].as_str().unwrap_or_default();
    let get_list = Task::new("Get List")
        .resource("arn:aws:states:::dynamodb:getItem")
        .parameters(json!({"TableName": ddb["tableName"], "Key": {key: {"S": ddb["partitionKeyValueField"]}}}))
        .output_path("$.Item.values.L");
    let log_item = Task::new("Log Item")
        .resource("arn:aws:states:::lambda:invoke")
        .parameters(json!({"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:LogItem", "Payload.$": "$"}))
        .output_path("$.Payload");
    let take = Pass::new("Take Item");
    let iteration =
        take.next(&Wait::new("Wait Between Items").seconds(sfn["waitDurationSeconds"].clone()))?.next(&log_item)?;
    let each =
        Map::new("Process Items").max_concurrency(sfn["maxConcurrency"].clone()).item_processor(&iteration, None);
    let definition = get_list.next(&each)?;
    let timeout = sfn["timeoutDurationSeconds"].as_u64().unwrap_or(0);
    Ok(StateMachine::new(&definition).timeout_seconds(timeout))
}

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../seed004-map-over-dynamodb/config.json").to_string()
    });
    let config: Value = match std::fs::read_to_string(&path)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    match build(&config).and_then(|m| m.render()) {
        Ok(json) => println!("{json}"),
        Err(problems) => {
            eprintln!("{problems}");
            std::process::exit(1);
        }
    }
}
