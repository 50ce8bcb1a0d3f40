# Seed 003's fragments: one job written once, used three times in a Parallel
# state, its states prefixed so every name stays unique.
from stepforge import Fragment, Parallel, StateMachine, Succeed, Task


def my_job(flavor: str) -> Fragment:
    first = Task(
        "First",
        resource="arn:aws:states:::lambda:invoke",
        parameters={"FunctionName": "first", "Payload": {"flavor": flavor}},
    )
    last = Task(
        "Last",
        resource="arn:aws:states:::lambda:invoke",
        parameters={"FunctionName": "last", "Payload.$": "$"},
    )
    first.next(last)
    return Fragment(first, [last])


def build() -> StateMachine:
    all_jobs = (
        Parallel("All jobs")
        .branch(my_job("quick").prefix_states("Quick: "))
        .branch(my_job("medium").prefix_states("Medium: "))
        .branch(my_job("slow").prefix_states("Slow: "))
    )
    done = Succeed("Done")
    definition = all_jobs.next(done)
    return StateMachine(definition)
