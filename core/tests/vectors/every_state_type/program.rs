// Every state type, with the options each one takes most often.
use serde_json::json;
use stepforge::Problems;
use stepforge::builder::*;

pub fn build() -> Result<StateMachine, Problems> {
    let start = Pass::new("Start")
        .comment("Seed the input")
        .result(json!({"items": [1, 2, 3], "color": "BLUE", "when": "2030-01-01T00:00:00Z"}))
        .result_path("$.seed");
    let wait = Wait::new("Wait Until").timestamp_path("$.seed.when");
    let charge = Task::new("Charge Card")
        .resource("arn:aws:states:::lambda:invoke")
        .parameters(json!({"FunctionName": "charge", "Payload.$": "$.seed"}))
        .result_selector(json!({"status.$": "$.Payload.status"}))
        .result_path("$.charge")
        .timeout_seconds(30)
        .heartbeat_seconds(10)
        .add_retry(Retry {
            errors: vec!["Lambda.TooManyRequestsException".into()],
            interval_seconds: Some(2),
            max_attempts: Some(5),
            backoff_rate: Some(1.5),
            max_delay_seconds: Some(30),
            jitter_strategy: Some(JitterStrategy::Full),
            comment: None,
        });
    let failed = Fail::new("Payment Failed").error("PaymentError").cause("the card was declined");
    let charge = charge.add_catch(&failed, Catch { result_path: Some(json!("$.error")), ..Catch::default() });
    let double = Pass::new("Double").parameters(json!({"value.$": "$$.Map.Item.Value"}));
    let each = Map::new("For Each Item")
        .items_path("$.seed.items")
        .max_concurrency(2)
        .item_selector(json!({"n.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index"}))
        .result_path("$.doubled")
        .item_processor(&double, None);
    let left = Pass::new("Left").result("left");
    let right = Wait::new("Right").seconds(1);
    let both = Parallel::new("Both Ways").branch(&left).branch(&right).result_path("$.both");
    let blue = Succeed::new("Blue");
    let other = Succeed::new("Other").output_path("$.seed");
    let route = Choice::new("Route")
        .when(
            Condition::and([Condition::string_equals("$.seed.color", "BLUE"), Condition::is_present("$.charge.status")]),
            &blue,
        )
        .when(Condition::or([Condition::number_greater_than("$.seed.items[0]", 10), Condition::is_null("$.missing")]), &other)
        .when(Condition::not(Condition::boolean_equals("$.flag", true)), &other)
        .otherwise(&other)?;
    let definition = Chain::sequence(&[&start, &wait, &charge, &each, &both, &route])?;
    Ok(StateMachine::new(&definition).comment("Every state type").timeout_seconds(3600))
}
