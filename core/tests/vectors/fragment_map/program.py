# Seed 004's machine from its sample config.json, invoking the LogItem function.
from stepforge import DynamoDbListMap, StateMachine


def build() -> StateMachine:
    config = {
        "ddb": {"tableName": "MapStateList", "partitionKeyName": "mapstatelist", "partitionKeyValueField": "mapitems"},
        "stepfunc": {"maxConcurrency": 1, "waitDurationSeconds": 2, "timeoutDurationSeconds": 20},
    }
    return DynamoDbListMap(config, function="arn:aws:lambda:us-east-1:123456789012:function:LogItem").state_machine()
