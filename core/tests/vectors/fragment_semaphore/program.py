# Seed 000's Example 2: two semaphores in one machine ("life", limit 42, and
# "liberty", limit 7), each around a Lambda job, then a Succeed.
from stepforge import Semaphore, Semaphores, StateMachine, Succeed, Task


def invoke(name: str, function: str) -> Task:
    return Task(
        name,
        resource="arn:aws:states:::lambda:invoke",
        parameters={"FunctionName": function, "Payload.$": "$"},
    )


def build() -> StateMachine:
    contested = invoke("ContestedJobPart1", "cool-function")
    not_contested = invoke("NotContestedJob", "cooler-function")
    contested2 = invoke("ContestedJobPart2", "coolest-function")
    semaphores = Semaphores()
    first = semaphores.wrap(Semaphore("life", 42, "SemaphoreTable"), contested)
    second = semaphores.wrap(Semaphore("liberty", 7, "SemaphoreTable"), contested2)
    definition = first.next(not_contested).next(second).next(Succeed("Succeed"))
    return StateMachine(definition)
