"""Seed 001, the AWS "concurrency controller" sample, built with stepforge: a
DynamoDB-backed semaphore around a job (at most LIMIT executions hold the
lock at once), the cleanup machine that gives back the slot of an execution
that failed, timed out or was aborted, and the test machine that starts 100
executions of the first.

    python state_machines.py [semaphore|cleanup|test]

It follows the sample's ASL, with the defects the seeds' README lists fixed:
the acquire step does not retry ConditionalCheckFailedException with the
catch-all retrier (a waiting execution goes straight to the read-check-wait
loop instead of spending about a minute in backoff), the "already holds a
slot" check matches `*Z*` (the JSON text of the item ends in `"}}`), the
count is compared with `<` against the limit, and the state that creates the
lock item goes back to acquiring it.
"""
import sys

from stepforge import Choice, Condition, Map, Parallel, Pass, StateMachine, Succeed, Task, Wait

TABLE = "CC-locktable"
LOCK = "MySemaphore"
LIMIT = 5
WORK = "arn:aws:lambda:us-east-1:123456789012:function:CC-DoWork"
SEMAPHORE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:CC-ConcurrencyControlledStateMachine"
CONDITION_FAILED = "DynamoDB.ConditionalCheckFailedException"
KEY = {"LockName": {"S": LOCK}}


def release(name: str, owner: str, next_state, attempts: int) -> Task:
    """Decrements the count and removes the owner's entry, if the owner holds a slot."""
    step = Task(
        name,
        resource="arn:aws:states:::dynamodb:updateItem",
        parameters={
            "TableName": TABLE,
            "Key": KEY,
            "ExpressionAttributeNames": {"#currentlockcount": "currentlockcount", "#lockownerid.$": owner},
            "ExpressionAttributeValues": {":decrease": {"N": "1"}},
            "UpdateExpression": "SET #currentlockcount = #currentlockcount - :decrease REMOVE #lockownerid",
            "ConditionExpression": "attribute_exists(#lockownerid)",
            "ReturnValues": "UPDATED_NEW",
        },
        result_path=None,
    )
    step.add_retry(errors=[CONDITION_FAILED], max_attempts=0)
    step.add_retry(errors=["States.ALL"], max_attempts=attempts, backoff_rate=1.5)
    # Nothing to give back: the owner holds no slot (any more).
    step.add_catch(next_state, errors=[CONDITION_FAILED], result_path=None)
    return step.next(next_state)


def read_owner(name: str, owner: str) -> Task:
    """Reads the owner's entry of the lock item, as JSON text for the check."""
    return Task(
        name,
        resource="arn:aws:states:::dynamodb:getItem",
        parameters={
            "TableName": TABLE,
            "ExpressionAttributeNames": {"#lockownerid.$": owner},
            "Key": KEY,
            "ProjectionExpression": "#lockownerid",
        },
        result_selector={"Item.$": "$.Item", "ItemString.$": "States.JsonToString($.Item)"},
        result_path="$.lockinfo.currentlockitem",
    )


def holds_slot() -> Condition:
    """The owner's entry is there: its value, the time it was taken, ends in Z."""
    return Condition.and_(
        Condition.is_present("$.lockinfo.currentlockitem.ItemString"),
        Condition.string_matches("$.lockinfo.currentlockitem.ItemString", "*Z*"),
    )


def semaphore() -> StateMachine:
    acquire = Task(
        "Acquire Lock",
        resource="arn:aws:states:::dynamodb:updateItem",
        parameters={
            "TableName": TABLE,
            "Key": KEY,
            "ExpressionAttributeNames": {"#currentlockcount": "currentlockcount", "#lockownerid.$": "$$.Execution.Id"},
            "ExpressionAttributeValues": {
                ":increase": {"N": "1"},
                ":limit": {"N": str(LIMIT)},
                ":lockacquiredtime": {"S.$": "$$.State.EnteredTime"},
            },
            "UpdateExpression": "SET #currentlockcount = #currentlockcount + :increase, #lockownerid = :lockacquiredtime",
            "ConditionExpression": "currentlockcount < :limit and attribute_not_exists(#lockownerid)",
            "ReturnValues": "UPDATED_NEW",
        },
        result_path=None,
    )
    acquire.add_retry(errors=["DynamoDB.AmazonDynamoDBException", CONDITION_FAILED], max_attempts=0)
    acquire.add_retry(errors=["States.ALL"], max_attempts=6, backoff_rate=2)
    initialize = Task(
        "Initialize Lock Item",
        resource="arn:aws:states:::dynamodb:putItem",
        parameters={
            "TableName": TABLE,
            "Item": {"LockName": {"S": LOCK}, "currentlockcount": {"N": "0"}},
            "ConditionExpression": "LockName <> :lockname",
            "ExpressionAttributeValues": {":lockname": {"S": LOCK}},
        },
        result_path=None,
    )
    # Another execution created it first: acquire all the same.
    initialize.add_catch(acquire, errors=["States.ALL"], result_path=None)
    initialize.next(acquire)
    check = read_owner("Get Current Lock Record", "$$.Execution.Id")
    wait = Wait("Wait to Get Lock", seconds=3).next(acquire)
    acquired = Pass("Lock Acquired")
    check.next(Choice("Check If Lock Already Acquired").when(holds_slot(), acquired).otherwise(wait))
    acquire.add_catch(initialize, errors=["DynamoDB.AmazonDynamoDBException"], result_path="$.lockinfo.acquisitionerror")
    acquire.add_catch(check, errors=[CONDITION_FAILED], result_path="$.lockinfo.acquisitionerror")
    acquire.next(acquired)
    get_lock = Parallel("Get Lock", result_path=None).branch(acquire)

    done = Succeed("Success State")
    work = Task(
        "Do Work",
        resource="arn:aws:states:::lambda:invoke",
        parameters={"FunctionName": WORK, "Payload.$": "$"},
        result_path=None,
    )
    work.add_retry(errors=["Lambda.TooManyRequestsException"], max_attempts=6, backoff_rate=2)
    return StateMachine(get_lock.next(work).next(release("Release Lock", "$$.Execution.Id", done, 5)))


def cleanup() -> StateMachine:
    """Started by EventBridge for an execution of the semaphore machine that failed, timed out or was aborted."""
    owner = "$.detail.executionArn"
    read = read_owner("Get Current Lock Item", owner)
    read.add_retry(errors=["States.ALL"], interval_seconds=5, max_attempts=20, backoff_rate=1.4)
    done = Succeed("Success State")
    held = Choice("Check If Lock Is Held").when(holds_slot(), release("Clean Up Lock", owner, done, 15)).otherwise(done)
    return StateMachine(read.next(held))


def test_run() -> StateMachine:
    """Starts 100 executions of the semaphore machine at once; the semaphore lets LIMIT run at a time."""
    generate = Pass("Generate Default Input", result=list(range(1, 101)), result_path="$.iterations")
    child = Task(
        "Run Child State Machine",
        resource="arn:aws:states:::states:startExecution.sync:2",
        parameters={
            "StateMachineArn": SEMAPHORE_ARN,
            "Input": {"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"},
        },
    )
    child.add_retry(errors=["StepFunctions.ExecutionAlreadyExistsException"], max_attempts=1, backoff_rate=5)
    child.add_retry(errors=["States.ALL"], max_attempts=12, backoff_rate=2)
    child.add_catch(Pass("Do Nothing"), errors=["States.TaskFailed"])
    each = Map("Start In Parallel", items_path="$.iterations", max_concurrency=0, result_path=None).item_processor(child)
    return StateMachine(generate.next(each))


MACHINES = {"semaphore": semaphore, "cleanup": cleanup, "test": test_run}

if __name__ == "__main__":
    names = sys.argv[1:] or list(MACHINES)
    for name in names:
        machine = MACHINES[name]()
        problems = machine.validate()
        if problems:
            sys.exit("\n".join(f"{name}: {p}" for p in problems))
        print(machine.to_json())
