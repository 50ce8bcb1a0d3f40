"""Seed 000's Examples 1 and 2, in both API generations of
``@dontirun/state-machine-semaphore``, on stepforge's constructs: only the
import line differs from the original code.

    cdk synth --app "python app.py"
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import Duration, Stack
from aws_cdk.aws_lambda import Function
from aws_cdk.aws_stepfunctions import DefinitionBody, StateMachine, Succeed, Wait, WaitTime
from aws_cdk.aws_stepfunctions_tasks import LambdaInvoke
from constructs import Construct

from stepforge.cdk import Semaphore, SemaphoreGenerator


class Example1Generator(Stack):
    """Example 1 with the seed's ``SemaphoreGenerator`` API."""

    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        contested_job = (
            LambdaInvoke(
                self, "ContestedJobPart1", lambda_function=Function.from_function_name(self, "JobFunctionPart1", "cool-function")
            )
            .next(Wait(self, "Wait", time=WaitTime.duration(Duration.seconds(7))))
            .next(Wait(self, "AnotherWait", time=WaitTime.duration(Duration.seconds(7))))
            .next(Wait(self, "YetAnotherWait", time=WaitTime.duration(Duration.seconds(7))))
        )
        after_contested_job = Succeed(self, "Succeed")
        generator = SemaphoreGenerator(self, "SemaphoreGenerator")
        fragment = generator.generate_semaphored_job("life", 42, contested_job, after_contested_job)
        StateMachine(self, "StateMachine", definition_body=DefinitionBody.from_chainable(fragment))


class Example2Generator(Stack):
    """Example 2 (two semaphores in one machine) with ``SemaphoreGenerator``."""

    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        contested_job = LambdaInvoke(
            self, "ContestedJobPart1", lambda_function=Function.from_function_name(self, "JobFunctionPart1", "cool-function")
        )
        not_contested_job = LambdaInvoke(
            self,
            "NotContestedJob",
            lambda_function=Function.from_function_name(self, "NotContestedJobFunction", "cooler-function"),
        )
        contested_job2 = LambdaInvoke(
            self, "ContestedJobPart2", lambda_function=Function.from_function_name(self, "JobFunctionPart2", "coolest-function")
        )
        after_contested_job2 = Succeed(self, "Succeed")
        generator = SemaphoreGenerator(self, "SemaphoreGenerator")
        fragment = generator.generate_semaphored_job("life", 42, contested_job, not_contested_job)
        fragment2 = generator.generate_semaphored_job("liberty", 7, contested_job2, after_contested_job2)
        StateMachine(self, "StateMachine", definition_body=DefinitionBody.from_chainable(fragment.next(fragment2)))


class Example1Semaphore(Stack):
    """Example 1 with the ``Semaphore`` construct of release 0.1.583."""

    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        contested_job = (
            LambdaInvoke(
                self, "ContestedJobPart1", lambda_function=Function.from_function_name(self, "JobFunctionPart1", "cool-function")
            )
            .next(Wait(self, "Wait", time=WaitTime.duration(Duration.seconds(7))))
            .next(Wait(self, "AnotherWait", time=WaitTime.duration(Duration.seconds(7))))
            .next(Wait(self, "YetAnotherWait", time=WaitTime.duration(Duration.seconds(7))))
        )
        after_contested_job = Succeed(self, "Succeed")
        fragment = Semaphore(
            self, "Semaphore", lock_name="life", limit=42, job=contested_job, next_state=after_contested_job
        )
        StateMachine(self, "StateMachine", definition_body=DefinitionBody.from_chainable(fragment))


class Example2Semaphore(Stack):
    """Example 2 with the ``Semaphore`` construct of release 0.1.583."""

    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        contested_job = LambdaInvoke(
            self, "ContestedJobPart1", lambda_function=Function.from_function_name(self, "JobFunctionPart1", "cool-function")
        )
        not_contested_job = LambdaInvoke(
            self,
            "NotContestedJob",
            lambda_function=Function.from_function_name(self, "NotContestedJobFunction", "cooler-function"),
        )
        contested_job2 = LambdaInvoke(
            self, "ContestedJobPart2", lambda_function=Function.from_function_name(self, "JobFunctionPart2", "coolest-function")
        )
        after_contested_job2 = Succeed(self, "Succeed")
        fragment = Semaphore(
            self, "Semaphore", lock_name="life", limit=42, job=contested_job, next_state=not_contested_job
        )
        fragment2 = Semaphore(
            self, "Semaphore2", lock_name="liberty", limit=7, job=contested_job2, next_state=after_contested_job2
        )
        StateMachine(self, "StateMachine", definition_body=DefinitionBody.from_chainable(fragment.next(fragment2)))


STACKS = {
    "Example1Generator": Example1Generator,
    "Example2Generator": Example2Generator,
    "Example1Semaphore": Example1Semaphore,
    "Example2Semaphore": Example2Semaphore,
}


def build(app: cdk.App) -> cdk.App:
    for name, stack in STACKS.items():
        stack(app, name)
    return app


if __name__ == "__main__":
    build(cdk.App()).synth()
