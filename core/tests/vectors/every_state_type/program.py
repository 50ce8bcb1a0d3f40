# Every state type, with the options each one takes most often.
from stepforge import Chain, Choice, Condition, Fail, Map, Parallel, Pass, StateMachine, Succeed, Task, Wait


def build() -> StateMachine:
    start = Pass(
        "Start",
        comment="Seed the input",
        result={"items": [1, 2, 3], "color": "BLUE", "when": "2030-01-01T00:00:00Z"},
        result_path="$.seed",
    )
    wait = Wait("Wait Until", timestamp_path="$.seed.when")
    charge = Task(
        "Charge Card",
        resource="arn:aws:states:::lambda:invoke",
        parameters={"FunctionName": "charge", "Payload.$": "$.seed"},
        result_selector={"status.$": "$.Payload.status"},
        result_path="$.charge",
        timeout_seconds=30,
        heartbeat_seconds=10,
    ).add_retry(
        errors=["Lambda.TooManyRequestsException"],
        interval_seconds=2,
        max_attempts=5,
        backoff_rate=1.5,
        max_delay_seconds=30,
        jitter_strategy="FULL",
    )
    failed = Fail("Payment Failed", error="PaymentError", cause="the card was declined")
    charge.add_catch(failed, result_path="$.error")
    double = Pass("Double", parameters={"value.$": "$$.Map.Item.Value"})
    each = Map(
        "For Each Item",
        items_path="$.seed.items",
        max_concurrency=2,
        item_selector={"n.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index"},
        result_path="$.doubled",
    ).item_processor(double)
    left = Pass("Left", result="left")
    right = Wait("Right", seconds=1)
    both = Parallel("Both Ways", result_path="$.both").branch(left).branch(right)
    blue = Succeed("Blue")
    other = Succeed("Other", output_path="$.seed")
    route = (
        Choice("Route")
        .when(
            Condition.and_(Condition.string_equals("$.seed.color", "BLUE"), Condition.is_present("$.charge.status")),
            blue,
        )
        .when(Condition.or_(Condition.number_greater_than("$.seed.items[0]", 10), Condition.is_null("$.missing")), other)
        .when(Condition.not_(Condition.boolean_equals("$.flag", True)), other)
        .otherwise(other)
    )
    definition = Chain.sequence(start, wait, charge, each, both, route)
    return StateMachine(definition, comment="Every state type", timeout_seconds=3600)
