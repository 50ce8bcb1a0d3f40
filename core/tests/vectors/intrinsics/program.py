# JsonPath helpers: paths, the context object and intrinsic functions. A
# JsonPath value in a payload writes its key as `key.$`.
from stepforge import JsonPath, Pass, StateMachine, Task


def build() -> StateMachine:
    greeting = JsonPath.format("Hello, {}! You have {} items.", "$.name", "$.count")
    prepare = Pass(
        "Prepare",
        parameters={
            "greeting": greeting,
            "id": JsonPath.uuid(),
            "total": JsonPath.math_add("$.count", 1),
            "batches": JsonPath.array_partition("$.items", 2),
            "digest": JsonPath.hash("$.name", "SHA-256"),
            "execution": JsonPath.EXECUTION_ID,
            "input": JsonPath.ENTIRE_PAYLOAD,
            "static": {"kept": "as is"},
        },
    )
    notify = Task(
        "Notify",
        resource="arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        parameters={
            "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/notify",
            "MessageBody": {"token": JsonPath.TASK_TOKEN, "text": JsonPath.string_at("$.greeting")},
        },
        heartbeat_seconds=600,
    )
    definition = prepare.next(notify)
    return StateMachine(definition)
