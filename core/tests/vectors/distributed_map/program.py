# A distributed Map over a JSON file in S3, in batches, writing results back to S3.
from stepforge import Map, StateMachine, Task


def build() -> StateMachine:
    process = Task(
        "Process Batch",
        resource="arn:aws:states:::lambda:invoke",
        parameters={"FunctionName": "process-batch", "Payload.$": "$"},
        output_path="$.Payload",
    )
    map_state = (
        Map(
            "Process Orders",
            item_reader={
                "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": {"InputType": "JSON", "MaxItems": 1000},
                "Parameters": {"Bucket": "orders-bucket", "Key.$": "$.key"},
            },
            item_batcher={"MaxItemsPerBatch": 100, "BatchInput": {"source": "orders"}},
            max_concurrency=50,
            tolerated_failure_percentage=5,
            label="orders",
            result_writer={
                "Resource": "arn:aws:states:::s3:putObject",
                "Parameters": {"Bucket": "results-bucket", "Prefix": "orders/"},
            },
        )
        .item_processor(process, mode="DISTRIBUTED", execution_type="EXPRESS")
        .add_retry(errors=["States.ItemReaderFailed"], max_attempts=2)
    )
    return StateMachine(map_state, comment="Distributed Map over S3")
