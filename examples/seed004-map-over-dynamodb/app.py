"""Seed 004's whole stack on stepforge's construct: the DynamoDB table, the
Lambda function that logs each item, and the state machine that reads the
list from the table and maps over it (MaxConcurrency, a Wait between items,
the machine's timeout), all from ``config.json``.

    cdk synth --app "python app.py"
"""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from stepforge.cdk import DynamoDbListMap

CONFIG = Path(__file__).with_name("config.json")

#: The seed's "virtually empty" function: it logs the item it is given.
LOG_ITEM = """\
exports.handler = async (event) => {
  console.log(JSON.stringify(event));
  return event;
};
"""


class StpfncStack(Stack):
    """Seed 004's stack: table, function and machine, configured by ``config.json``."""

    def __init__(self, scope: Construct, id: str, *, config: dict, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        function = lambda_.Function(
            self,
            "LogItem",
            runtime=lambda_.Runtime.NODEJS_22_X,
            handler="index.handler",
            code=lambda_.Code.from_inline(LOG_ITEM),
        )
        mapped = DynamoDbListMap(self, "TestStateMachine", config=config, function=function)
        CfnOutput(self, "StateMachineArn", value=mapped.state_machine.state_machine_arn)
        CfnOutput(self, "StateMachineName", value=mapped.state_machine.state_machine_name)


STACKS = {"StpfncStack": StpfncStack}


def build(app: cdk.App) -> cdk.App:
    config = json.loads(CONFIG.read_text())
    for name, stack in STACKS.items():
        stack(app, name, config=config)
    return app


if __name__ == "__main__":
    build(cdk.App()).synth()
