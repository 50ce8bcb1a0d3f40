//! The DynamoDB-list Map of seed 004, from its config.json.

use serde_json::{Value, json};
use stepforge::Code;
use stepforge::builder::*;
use stepforge::fragments::*;

fn sample() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/seed004-map-over-dynamodb/config.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn render(machine: &StateMachine) -> String {
    let text = machine.render().unwrap_or_else(|e| panic!("{e}"));
    assert!(stepforge::validate::validate_str(&text).is_empty());
    text
}

/// The example `examples/seed004-map-over-dynamodb/state_machine.py` builds, in Rust.
fn example_by_hand(config: &Value) -> StateMachine {
    let (ddb, sfn) = (&config["ddb"], &config["stepfunc"]);
    let get_list = Task::new("Get List")
        .resource("arn:aws:states:::dynamodb:getItem")
        .parameters(json!({
            "TableName": ddb["tableName"],
            "Key": {ddb["partitionKeyName"].as_str().unwrap(): {"S": ddb["partitionKeyValueField"]}},
        }))
        .output_path("$.Item.values.L");
    let log_item = log_item();
    let iteration = Pass::new("Take Item");
    iteration
        .next(&Wait::new("Wait Between Items").seconds(sfn["waitDurationSeconds"].clone()))
        .unwrap()
        .next(&log_item)
        .unwrap();
    let each =
        Map::new("Process Items").max_concurrency(sfn["maxConcurrency"].clone()).item_processor(&iteration, None);
    get_list.next(&each).unwrap();
    StateMachine::new(&get_list).timeout_seconds(sfn["timeoutDurationSeconds"].as_u64().unwrap())
}

fn log_item() -> Task {
    Task::new("Log Item")
        .resource("arn:aws:states:::lambda:invoke")
        .parameters(json!({"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:LogItem", "Payload.$": "$"}))
        .output_path("$.Payload")
}

#[test]
fn the_fragment_renders_what_the_example_builds_by_hand() {
    let config = MapConfig::from_json(&sample()).unwrap();
    assert_eq!(config.table_name, "MapStateList");
    assert_eq!((config.max_concurrency, config.wait_duration_seconds, config.timeout_duration_seconds), (1, 2, 20));
    let fragment = DynamoDbListMap::with_task(config, &log_item());
    assert_eq!(render(&fragment.state_machine().unwrap()), render(&example_by_hand(&sample())));
}

#[test]
fn the_default_task_invokes_a_lambda_function() {
    let config = MapConfig::from_json(&sample()).unwrap();
    let map = DynamoDbListMap::new(config, "LogItem");
    let def: Value = serde_json::from_str(&render(&map.state_machine().unwrap())).unwrap();
    assert_eq!(def["TimeoutSeconds"], 20);
    assert_eq!(def["States"]["Get List"]["OutputPath"], "$.Item.values.L");
    assert_eq!(def["States"]["Get List"]["Parameters"]["Key"], json!({"mapstatelist": {"S": "mapitems"}}));
    let each = &def["States"]["Process Items"];
    assert_eq!(each["MaxConcurrency"], 1);
    assert_eq!(each["End"], true);
    let processor = &each["ItemProcessor"]["States"];
    assert_eq!(processor["Take Item"]["Next"], "Wait Between Items");
    assert_eq!(processor["Wait Between Items"]["Seconds"], 2);
    assert_eq!(processor["Wait Between Items"]["Next"], "Process Item");
    assert_eq!(processor["Process Item"]["Parameters"]["FunctionName"], "LogItem");
    assert_eq!(processor["Process Item"]["Retry"][0]["ErrorEquals"][1], "Lambda.ServiceException");

    let iam = map.iam("arn:aws:dynamodb:us-east-1:1:table/MapStateList");
    assert_eq!(iam[0].actions, ["dynamodb:GetItem"]);
    assert_eq!(iam[0].resources, ["arn:aws:dynamodb:us-east-1:1:table/MapStateList"]);
    assert_eq!(iam[1].actions, ["lambda:InvokeFunction"]);
    assert!(iam[1].resources[0].ends_with(":function:LogItem"), "{:?}", iam[1].resources);
    assert!(iam[1].resources[1].ends_with(":function:LogItem:*"));
    let with_task = DynamoDbListMap::with_task(MapConfig::from_json(&sample()).unwrap(), &Pass::new("P"));
    assert_eq!(with_task.iam("arn:t").len(), 1, "a caller's task brings its own grants");
}

#[test]
fn the_fragment_chains_like_any_other() {
    let map = DynamoDbListMap::new(MapConfig::from_json(&sample()).unwrap(), "arn:aws:lambda:us-east-1:1:function:f");
    let done = Succeed::new("All Done");
    let chain = map.fragment().unwrap().next(&done).unwrap();
    let def: Value = serde_json::from_str(&render(&StateMachine::new(&chain))).unwrap();
    assert_eq!(def["States"]["Process Items"]["Next"], "All Done");
}

#[test]
fn seed_004_experiments_change_only_the_config() {
    // Experiment 1: maxConcurrency 3; experiment 3: waitDurationSeconds 25 with the 20 s timeout.
    let mut config = sample();
    config["stepfunc"]["maxConcurrency"] = json!(3);
    config["stepfunc"]["waitDurationSeconds"] = json!(25);
    let map = DynamoDbListMap::new(MapConfig::from_json(&config).unwrap(), "LogItem");
    let def: Value = serde_json::from_str(&render(&map.state_machine().unwrap())).unwrap();
    assert_eq!(def["States"]["Process Items"]["MaxConcurrency"], 3);
    assert_eq!(def["States"]["Process Items"]["ItemProcessor"]["States"]["Wait Between Items"]["Seconds"], 25);
    assert_eq!(def["TimeoutSeconds"], 20);
}

#[test]
fn bad_config_is_an_error_naming_the_field() {
    let expect = |edit: &dyn Fn(&mut Value), code: Code, pointer: &str| {
        let mut config = sample();
        edit(&mut config);
        let err = MapConfig::from_json(&config).unwrap_err();
        assert_eq!((err.0[0].code, err.0[0].pointer.as_str()), (code, pointer), "{err}");
        err.0[0].message.clone()
    };
    let m = expect(&|c| c["stepfunc"]["maxConcurency"] = json!(2), Code::UnknownField, "/stepfunc/maxConcurency");
    assert!(m.contains("`maxConcurency`") && m.contains("maxConcurrency"), "{m}");
    expect(&|c| c["extra"] = json!({}), Code::UnknownField, "/extra");
    expect(&|c| c["ddb"]["region"] = json!("x"), Code::UnknownField, "/ddb/region");
    expect(
        &|c| {
            c["ddb"].as_object_mut().unwrap().remove("tableName");
        },
        Code::MissingField,
        "/ddb/tableName",
    );
    expect(
        &|c| {
            c.as_object_mut().unwrap().remove("stepfunc");
        },
        Code::MissingField,
        "/stepfunc",
    );
    expect(&|c| c["ddb"]["tableName"] = json!(""), Code::InvalidValue, "/ddb/tableName");
    expect(&|c| c["ddb"]["partitionKeyName"] = json!(5), Code::InvalidType, "/ddb/partitionKeyName");
    expect(&|c| c["stepfunc"]["maxConcurrency"] = json!(-1), Code::InvalidType, "/stepfunc/maxConcurrency");
    expect(&|c| c["stepfunc"]["waitDurationSeconds"] = json!(1.5), Code::InvalidType, "/stepfunc/waitDurationSeconds");
    expect(
        &|c| c["stepfunc"]["timeoutDurationSeconds"] = json!(0),
        Code::OutOfRange,
        "/stepfunc/timeoutDurationSeconds",
    );
    expect(
        &|c| c["stepfunc"]["waitDurationSeconds"] = json!(40_000_000),
        Code::OutOfRange,
        "/stepfunc/waitDurationSeconds",
    );
    expect(&|c| c["ddb"] = json!([]), Code::InvalidType, "/ddb");
    assert_eq!(MapConfig::from_text("{").unwrap_err().0[0].code, Code::InvalidJson);
}
