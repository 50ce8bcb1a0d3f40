// Seed 004's machine from its sample config.json, invoking the LogItem function.
use serde_json::json;
use stepforge::Problems;
use stepforge::builder::*;
use stepforge::fragments::{DynamoDbListMap, MapConfig};

pub fn build() -> Result<StateMachine, Problems> {
    let config = MapConfig::from_json(&json!({
        "ddb": {"tableName": "MapStateList", "partitionKeyName": "mapstatelist", "partitionKeyValueField": "mapitems"},
        "stepfunc": {"maxConcurrency": 1, "waitDurationSeconds": 2, "timeoutDurationSeconds": 20}
    }))?;
    DynamoDbListMap::new(config, "arn:aws:lambda:us-east-1:123456789012:function:LogItem").state_machine()
}
