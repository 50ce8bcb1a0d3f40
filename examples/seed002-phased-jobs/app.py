"""Seed 002's phased job (``catch_the_fish.json``) as a CDK state machine on
stepforge's construct: phases one after another, each step's jobs in a
Parallel.

- ``PhasedJobFunctions``: every job is a Lambda function of the stack;
- ``PhasedJobMixed``: ``drink_beer`` is a chainable (a Wait), the others
  invoke the Lambda function of their name in the stack's account.

    cdk synth --app "python app.py"
"""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import Duration, Stack
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from stepforge.cdk import PhasedJob

GRAPH = Path(__file__).with_name("catch_the_fish.json")

JOB = """\
exports.handler = async (event) => ({ done: process.env.JOB });
"""


class PhasedJobFunctions(Stack):
    """Every job a Lambda function made here."""

    def __init__(self, scope: Construct, id: str, *, graph: dict, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        jobs = {}
        for name in [job for phase in graph["phases"].values() for step in phase["steps"].values() for job in step["jobs"]]:
            jobs[name] = lambda_.Function(
                self,
                name,
                runtime=lambda_.Runtime.NODEJS_22_X,
                handler="index.handler",
                code=lambda_.Code.from_inline(JOB),
                environment={"JOB": name},
            )
        PhasedJob(self, "CatchTheFish", graph=graph, jobs=jobs)


class PhasedJobMixed(Stack):
    """One job a chainable, the others Lambda functions by name."""

    def __init__(self, scope: Construct, id: str, *, graph: dict, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        beer = sfn.Wait(self, "Drink Beer Slowly", time=sfn.WaitTime.duration(Duration.seconds(30)))
        PhasedJob(self, "CatchTheFish", graph=graph, jobs={"drink_beer": beer})


STACKS = {"PhasedJobFunctions": PhasedJobFunctions, "PhasedJobMixed": PhasedJobMixed}


def build(app: cdk.App) -> cdk.App:
    graph = json.loads(GRAPH.read_text())
    for name, stack in STACKS.items():
        stack(app, name, graph=graph)
    return app


if __name__ == "__main__":
    build(cdk.App()).synth()
