# The JSONata query language: Arguments, Output, Assign and Condition.
from stepforge import Choice, Condition, Pass, QueryLanguage, StateMachine, Task


def build() -> StateMachine:
    lookup = Task(
        "Look Up Customer",
        resource="arn:aws:states:::dynamodb:getItem",
        arguments={"TableName": "customers", "Key": {"id": {"S": "{% $states.input.customerId %}"}}},
        assign={"customer": "{% $states.result.Item %}"},
        output="{% $states.input %}",
        timeout_seconds="{% $states.input.timeout %}",
    )
    vip = Pass("VIP", output={"tier": "gold", "name": "{% $customer.name.S %}"})
    regular = Pass("Regular", output={"tier": "standard"})
    check = (
        Choice("Is VIP?")
        .when(
            Condition.jsonata("{% $customer.vip.BOOL = true %}"),
            vip,
            comment="VIP customers",
            assign={"vip": True},
        )
        .otherwise(regular)
    )
    definition = lookup.next(check)
    return StateMachine(definition, query_language=QueryLanguage.JSONATA)
