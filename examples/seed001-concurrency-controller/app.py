"""Seed 001's stack (the AWS "concurrency controller" sample) on stepforge's
semaphore construct: the machine that runs its job inside the semaphore
(at most LIMIT at once), the cleanup machine and its EventBridge rule (added
once per stack by the construct), the lock table, and the test machine that
starts 100 executions through a Map of ``startExecution.sync:2``.

    cdk synth --app "python app.py"
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import Duration, Stack
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from stepforge.cdk import Semaphore

LOCK = "MySemaphore"
LIMIT = 5
#: The semaphore machine's timeout; no execution holds a slot longer, so the
#: construct takes it as the lease (learned from the machine at synthesis).
TIMEOUT_SECONDS = 3600

#: The sample's job: it works for a while.
DO_WORK = """\
exports.handler = async (event) => {
  await new Promise((resolve) => setTimeout(resolve, 1000 + Math.random() * 4000));
  return event;
};
"""


class ConcurrencyControllerStack(Stack):
    """Seed 001's stack with stepforge's semaphore fragment."""

    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        do_work = lambda_.Function(
            self,
            "DoWorkFunction",
            runtime=lambda_.Runtime.NODEJS_22_X,
            handler="index.handler",
            code=lambda_.Code.from_inline(DO_WORK),
            timeout=Duration.seconds(30),
        )
        work = tasks.LambdaInvoke(self, "Do Work", lambda_function=do_work, result_path=sfn.JsonPath.DISCARD)
        semaphored = Semaphore(
            self,
            "Semaphore",
            lock_name=LOCK,
            limit=LIMIT,
            job=work,
            next_state=sfn.Succeed(self, "Success State"),
        )
        self.semaphore_machine = sfn.StateMachine(
            self,
            "ConcurrencyControlledStateMachine",
            definition_body=sfn.DefinitionBody.from_chainable(semaphored),
            timeout=Duration.seconds(TIMEOUT_SECONDS),
        )

        child = tasks.StepFunctionsStartExecution(
            self,
            "Run Child State Machine",
            state_machine=self.semaphore_machine,
            integration_pattern=sfn.IntegrationPattern.RUN_JOB,
            associate_with_parent=True,
        )
        child.add_retry(errors=["StepFunctions.ExecutionAlreadyExistsException"], max_attempts=1, backoff_rate=5)
        child.add_retry(errors=["States.ALL"], max_attempts=12, backoff_rate=2)
        child.add_catch(sfn.Pass(self, "Do Nothing"), errors=["States.TaskFailed"])
        each = sfn.Map(
            self,
            "Start In Parallel",
            items_path="$.iterations",
            max_concurrency=0,
            result_path=sfn.JsonPath.DISCARD,
        ).item_processor(child)
        generate = sfn.Pass(
            self,
            "Generate Default Input",
            result=sfn.Result.from_array(list(range(1, 101))),
            result_path="$.iterations",
        )
        self.test_machine = sfn.StateMachine(
            self, "TestStateMachine", definition_body=sfn.DefinitionBody.from_chainable(generate.next(each))
        )


STACKS = {"ConcurrencyControllerStack": ConcurrencyControllerStack}


def build(app: cdk.App) -> cdk.App:
    for name, stack in STACKS.items():
        stack(app, name)
    return app


if __name__ == "__main__":
    build(cdk.App()).synth()
