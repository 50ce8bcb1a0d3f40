# The semaphore in a JSONata machine (issue 14): a JSONata Lambda job under
# the "life" lock (limit 3), the machine's 300 s timeout as the lease.
from stepforge import Semaphore, StateMachine, Task


def build() -> StateMachine:
    job = Task(
        "Do Work",
        query_language="JSONata",
        resource="arn:aws:states:::lambda:invoke",
        arguments={"FunctionName": "work", "Payload": "{% $states.input %}"},
        output="{% $states.result.Payload %}",
    )
    return Semaphore("life", 3, "Locks", query_language="JSONata", timeout_seconds=300).state_machine(job)
