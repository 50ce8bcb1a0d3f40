// JsonPath helpers: paths, the context object and intrinsic functions.
use serde_json::json;
use stepforge::Problems;
use stepforge::builder::*;

fn call(name: &str, args: &[Arg]) -> Result<String, Problems> {
    JsonPath::call(name, args).map_err(|e| Problems::from(stepforge::Problem::new(stepforge::Code::InvalidIntrinsic, "", e)))
}

pub fn build() -> Result<StateMachine, Problems> {
    let greeting = JsonPath::format("Hello, {}! You have {} items.", &["$.name".into(), "$.count".into()])
        .map_err(|e| Problems::from(stepforge::Problem::new(stepforge::Code::InvalidIntrinsic, "", e)))?;
    let prepare = Pass::new("Prepare").parameters(json!({
        "greeting.$": greeting,
        "id.$": call("UUID", &[])?,
        "total.$": call("MathAdd", &["$.count".into(), json!(1).into()])?,
        "batches.$": call("ArrayPartition", &["$.items".into(), json!(2).into()])?,
        "digest.$": call("Hash", &["$.name".into(), "SHA-256".into()])?,
        "execution.$": JsonPath::EXECUTION_ID,
        "input.$": JsonPath::ENTIRE_PAYLOAD,
        "static": {"kept": "as is"}
    }));
    let notify = Task::new("Notify")
        .resource("arn:aws:states:::sqs:sendMessage.waitForTaskToken")
        .parameters(json!({
            "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/notify",
            "MessageBody": {"token.$": JsonPath::TASK_TOKEN, "text.$": "$.greeting"}
        }))
        .heartbeat_seconds(600);
    let definition = prepare.next(&notify)?;
    Ok(StateMachine::new(&definition))
}
