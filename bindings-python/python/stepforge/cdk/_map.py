"""Seed 004's DynamoDB-list Map and seed 002's phased job as CDK constructs
over the core's fragments (``stepforge.DynamoDbListMap``,
``stepforge.PhasedJob``): the core renders the states, the generic adapter
turns them into CDK states, the construct adds the resources around them and
grants exactly what the core's ``iam()`` reports.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, Mapping, Optional, TypeVar, Union

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

import stepforge

from ._adapter import adapt
from ._tokens import sentinel_function_arn, statements, substitute

#: The state the core puts where the caller's chainable goes.
TASK_PLACEHOLDER = "Stepforge Task Placeholder"
#: The resource the core gives a job that the caller's chainable replaces.
_CHAINABLE_RESOURCE = "arn:aws:states:::stepforge:chainable"

T = TypeVar("T")


def _core(scope: Construct, build: Callable[[], T]) -> T:
    """Runs a core call; its error names the field, this says which construct."""
    try:
        return build()
    except stepforge.ValidationError as e:
        raise stepforge.ValidationError(f"{scope.node.path}: {e}", e.problems) from e


def _is_function(value: Any) -> bool:
    return hasattr(value, "function_arn") and hasattr(value, "grant_invoke")


def _load(config: Union[Mapping[str, Any], str]) -> Any:
    return json.loads(config) if isinstance(config, str) else config


class DynamoDbListMap(Construct):
    """Seed 004's machine: a GetItem of the list item, a Map (at most
    ``maxConcurrency`` at once) whose iterations wait ``waitDurationSeconds``
    and run the task, and the machine's ``TimeoutSeconds`` =
    ``timeoutDurationSeconds``, from ``config`` (``config.json`` as a dict or
    its text; an unknown field is an error naming it).

    ``table``: the table holding the list; made here (named ``ddb.tableName``,
    string partition key ``ddb.partitionKeyName``) when not given.
    The task is ``function`` (a Lambda function, invoked with the item; its
    ``Payload`` is the iteration's output) or ``task`` (any chainable, which
    brings its own grants). The machine's role gets exactly the core's
    statements: GetItem on the table, invoke on the function.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: Union[Mapping[str, Any], str],
        function: Optional[lambda_.IFunction] = None,
        task: Optional[sfn.IChainable] = None,
        table: Optional[dynamodb.ITable] = None,
        state_machine_name: Optional[str] = None,
    ) -> None:
        super().__init__(scope, id)
        if (function is None) == (task is None):
            raise TypeError(f"{self.node.path}: give either `function` or `task`, not both or neither")
        config_json = _load(config)
        # Checked as given, so an error points into the user's config.
        checked = _core(self, lambda: stepforge.DynamoDbListMap(config_json, function=sentinel_function_arn(0)))
        ddb = checked.config["ddb"]
        if table is None:
            table = dynamodb.Table(
                self,
                "Table",
                table_name=ddb["tableName"],
                partition_key=dynamodb.Attribute(name=ddb["partitionKeyName"], type=dynamodb.AttributeType.STRING),
                billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
                removal_policy=RemovalPolicy.DESTROY,
            )
        self.table: dynamodb.ITable = table
        self.function = function
        tokens: Dict[str, str] = {}
        core_config = json.loads(json.dumps(checked.config))
        core_config["ddb"]["tableName"] = table.table_name
        if function is not None:
            tokens[sentinel_function_arn(0)] = function.function_arn
            core = _core(self, lambda: stepforge.DynamoDbListMap(core_config, function=sentinel_function_arn(0)))
        else:
            placeholder = {"StartAt": TASK_PLACEHOLDER, "States": {TASK_PLACEHOLDER: {"Type": "Pass", "End": True}}}
            core = _core(self, lambda: stepforge.DynamoDbListMap(core_config, task=placeholder))
        machine = core.state_machine().to_dict()
        definition = substitute(machine, tokens)
        grants = statements(core.iam(table.table_arn), tokens)
        replace = {TASK_PLACEHOLDER: task} if task is not None else None
        adapted = adapt(self, definition, statements=grants, replace=replace)
        self.start_state = adapted.start
        self.state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            state_machine_name=state_machine_name,
            definition_body=sfn.DefinitionBody.from_chainable(adapted.start),
            timeout=Duration.seconds(machine["TimeoutSeconds"]),
        )


class PhasedJob(Construct):
    """Seed 002's phased job graph as a state machine: phases one after
    another, a step's jobs in a Parallel, each job a task.

    ``graph``: the seed's object (a dict or its JSON text); a cycle, an
    unknown job, a job nobody waits for or an unreachable phase is an error
    at synthesis naming it. ``jobs`` maps job names to a Lambda function
    (invoked as the job's Task) or any chainable (run in the job's place,
    with its own grants); a job not mapped invokes the Lambda function of its
    name in the stack's account and region. The role gets exactly the core's
    statements (invoke on the functions).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        graph: Union[Mapping[str, Any], str],
        jobs: Optional[Mapping[str, Union[lambda_.IFunction, sfn.IChainable]]] = None,
        state_machine_name: Optional[str] = None,
    ) -> None:
        super().__init__(scope, id)
        graph_json = _load(graph)
        checked = _core(self, lambda: stepforge.PhasedJob(graph_json))
        known = checked.jobs
        jobs = dict(jobs or {})
        for name in jobs:
            if name not in known:
                raise stepforge.ValidationError(
                    f"{self.node.path}: jobs: `{name}` is not a job of the graph; the jobs are {', '.join(known)}"
                )
        resources: Dict[str, str] = {}
        tokens: Dict[str, str] = {}
        replace: Dict[str, sfn.IChainable] = {}
        for index, (name, job) in enumerate(jobs.items()):
            if _is_function(job):
                resources[name] = sentinel_function_arn(index)
                tokens[sentinel_function_arn(index)] = job.function_arn  # type: ignore[union-attr]
            else:
                resources[name] = _CHAINABLE_RESOURCE
                replace[name] = job  # type: ignore[assignment]
        core = _core(self, lambda: stepforge.PhasedJob(graph_json, resources=resources))
        definition = substitute(core.state_machine().to_dict(), tokens)
        grants = statements(core.iam(), tokens)
        adapted = adapt(self, definition, statements=grants, replace=replace)
        self.start_state = adapted.start
        self.state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            state_machine_name=state_machine_name,
            definition_body=sfn.DefinitionBody.from_chainable(adapted.start),
        )
