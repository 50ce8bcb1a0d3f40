# Seed 003's "What color is it?": branch on a value, then join the branches
# with `afterwards()` and go on as one.
from stepforge import Choice, Condition, Pass, StateMachine, Task


def build() -> StateMachine:
    handle_blue = Pass("Handle Blue Item")
    handle_red = Pass("Handle Red Item")
    handle_other = Pass("Handle Other Item Color")
    ship = Task("Ship the Item", resource="arn:aws:lambda:us-east-1:123456789012:function:ship")
    choice = (
        Choice("What color is it?")
        .when(Condition.string_equals("$.color", "BLUE"), handle_blue)
        .when(Condition.string_equals("$.color", "RED"), handle_red)
        .otherwise(handle_other)
    )
    choice.afterwards().next(ship)
    return StateMachine(choice)
