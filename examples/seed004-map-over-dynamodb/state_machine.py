"""Seed 004's state machine, built from its config.json: read a list from one
DynamoDB item, then a Map over it (MaxConcurrency from the config) whose
iterations pass, wait `waitDurationSeconds`, and invoke a Lambda function; the
whole execution times out after `timeoutDurationSeconds`.

    python state_machine.py [config.json]
"""
import json
import sys
from pathlib import Path

from stepforge import Map, Pass, StateMachine, Task, Wait


def build(config: dict) -> StateMachine:
    ddb, sfn = config["ddb"], config["stepfunc"]
    get_list = Task(
        "Get List",
        resource="arn:aws:states:::dynamodb:getItem",
        parameters={
            "TableName": ddb["tableName"],
            "Key": {ddb["partitionKeyName"]: {"S": ddb["partitionKeyValueField"]}},
        },
        output_path="$.Item.values.L",
    )
    log_item = Task(
        "Log Item",
        resource="arn:aws:states:::lambda:invoke",
        parameters={"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:LogItem", "Payload.$": "$"},
        output_path="$.Payload",
    )
    iteration = Pass("Take Item").next(Wait("Wait Between Items", seconds=sfn["waitDurationSeconds"])).next(log_item)
    each = Map("Process Items", max_concurrency=sfn["maxConcurrency"]).item_processor(iteration)
    return StateMachine(get_list.next(each), timeout_seconds=sfn["timeoutDurationSeconds"])


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("config.json")
    machine = build(json.loads(path.read_text()))
    problems = machine.validate()
    if problems:
        sys.exit("\n".join(str(p) for p in problems))
    print(machine.to_json())
