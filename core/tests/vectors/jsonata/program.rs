// The JSONata query language: Arguments, Output, Assign and Condition.
use serde_json::json;
use stepforge::Problems;
use stepforge::builder::*;

pub fn build() -> Result<StateMachine, Problems> {
    let lookup = Task::new("Look Up Customer")
        .resource("arn:aws:states:::dynamodb:getItem")
        .arguments(json!({"TableName": "customers", "Key": {"id": {"S": "{% $states.input.customerId %}"}}}))
        .assign(json!({"customer": "{% $states.result.Item %}"}))
        .output("{% $states.input %}")
        .timeout_seconds("{% $states.input.timeout %}");
    let vip = Pass::new("VIP").output(json!({"tier": "gold", "name": "{% $customer.name.S %}"}));
    let regular = Pass::new("Regular").output(json!({"tier": "standard"}));
    let check = Choice::new("Is VIP?")
        .when_with(
            Condition::jsonata("{% $customer.vip.BOOL = true %}"),
            &vip,
            WhenOptions { comment: Some("VIP customers".into()), assign: Some(json!({"vip": true})), output: None },
        )
        .otherwise(&regular)?;
    let definition = lookup.next(&check)?;
    Ok(StateMachine::new(&definition).query_language(QueryLanguage::Jsonata))
}
