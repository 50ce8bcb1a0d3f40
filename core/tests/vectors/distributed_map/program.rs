// A distributed Map over a JSON file in S3, in batches, writing results back to S3.
use serde_json::json;
use stepforge::Problems;
use stepforge::builder::*;

pub fn build() -> Result<StateMachine, Problems> {
    let process = Task::new("Process Batch")
        .resource("arn:aws:states:::lambda:invoke")
        .parameters(json!({"FunctionName": "process-batch", "Payload.$": "$"}))
        .output_path("$.Payload");
    let map = Map::new("Process Orders")
        .item_reader(json!({
            "Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "JSON", "MaxItems": 1000},
            "Parameters": {"Bucket": "orders-bucket", "Key.$": "$.key"}
        }))
        .item_batcher(json!({"MaxItemsPerBatch": 100, "BatchInput": {"source": "orders"}}))
        .max_concurrency(50)
        .tolerated_failure_percentage(5)
        .label("orders")
        .result_writer(json!({
            "Resource": "arn:aws:states:::s3:putObject",
            "Parameters": {"Bucket": "results-bucket", "Prefix": "orders/"}
        }))
        .item_processor(
            &process,
            Some(ProcessorConfig { mode: Some(ProcessorMode::Distributed), execution_type: Some(ExecutionType::Express) }),
        )
        .add_retry(Retry { errors: vec!["States.ItemReaderFailed".into()], max_attempts: Some(2), ..Retry::default() });
    Ok(StateMachine::new(&map).comment("Distributed Map over S3"))
}
