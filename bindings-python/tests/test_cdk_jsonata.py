"""stepforge.cdk's Semaphore in a JSONata state machine (issue 14): the
construct follows the machine's query language, the definition validates,
equals what ``stepforge semaphore --query-language jsonata`` prints for the
same job, and runs on ``stepforge.World`` within its limit."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytest.importorskip("aws_cdk")

import aws_cdk as cdk  # noqa: E402
from aws_cdk import aws_stepfunctions as sfn  # noqa: E402

import stepforge  # noqa: E402
from stepforge.cdk import Semaphore  # noqa: E402

from cdk_templates import machine_definition, only, resources, synth_stack  # noqa: E402

MACHINE = "AWS::StepFunctions::StateMachine"
TABLE = "Locks"
JSONPATH_FIELDS = {"Parameters", "ResultPath", "OutputPath", "InputPath", "ResultSelector", "Variable",
                   "SecondsPath", "ErrorPath", "CausePath"}


def repro(**options) -> dict:
    """The reported app: a JSONata Pass in a semaphore, in a JSONata machine; its definition, tokens substituted."""

    def build(stack):
        job = sfn.Pass.jsonata(stack, "Work", outputs={"done": "{% $states.input.n + 1 %}"})
        sem = Semaphore(stack, "Sem", lock_name="J", limit=2, job=job, next_state=sfn.Succeed(stack, "End"), **options)
        sfn.StateMachine(stack, "SM", definition_body=sfn.DefinitionBody.from_chainable(sem),
                         query_language=sfn.QueryLanguage.JSONATA, timeout=cdk.Duration.minutes(1))

    template = synth_stack(build).template
    machines = [m for m in resources(template, MACHINE) if m.startswith("SM")]
    assert len(machines) == 1
    return machine_definition(template, machines[0], {only(template, "AWS::DynamoDB::Table"): TABLE})


def keys(value, out: set) -> set:
    if isinstance(value, dict):
        for k, v in value.items():
            out.add(k)
            keys(v, out)
    elif isinstance(value, list):
        for v in value:
            keys(v, out)
    return out


def without_state_languages(value):
    """``value`` without per-state ``QueryLanguage`` fields (a JSONata top level makes them redundant)."""
    if isinstance(value, dict):
        return {k: without_state_languages(v) for k, v in value.items() if not (k == "QueryLanguage" and "Type" in value)}
    if isinstance(value, list):
        return [without_state_languages(v) for v in value]
    return value


def test_the_repro_synthesizes_in_jsonata_and_validates():
    definition = repro()
    assert definition["QueryLanguage"] == "JSONata"
    assert stepforge.validate(definition) == []
    found = keys(definition, set())
    assert not found & JSONPATH_FIELDS, found & JSONPATH_FIELDS
    assert not any(k.endswith(".$") for k in found)
    assert "Get J Lock: 1" in definition["States"]


def test_it_equals_the_cli_for_the_same_job(tmp_path):
    definition = repro()
    job = {"QueryLanguage": "JSONata", "StartAt": "Work", "States": {"Work": {
        "Type": "Pass", "Output": {"done": "{% $states.input.n + 1 %}"}, "End": True}}}
    path = tmp_path / "job.json"
    path.write_text(json.dumps(job))
    cli = subprocess.run(
        [sys.executable, "-m", "stepforge", "semaphore", "--lock-name", "J", "--limit", "2", "--table", TABLE,
         "--job", str(path), "--timeout-seconds", "60", "--query-language", "jsonata"],
        capture_output=True, text=True, check=True,
    )
    printed = json.loads(cli.stdout)
    # The CDK's job and next state: the CLI's machine ends at the release, the app's at `End`.
    released = "J Lock Released: 1"
    assert definition["States"].pop("End") == {"Type": "Succeed"}
    assert definition["States"][released].pop("Next") == "End"
    definition["States"][released]["End"] = True
    assert without_state_languages(definition) == without_state_languages(printed)


def test_a_jsonpath_machine_keeps_todays_states():
    def build(stack):
        job = sfn.Pass(stack, "Work")
        sem = Semaphore(stack, "Sem", lock_name="J", limit=2, job=job, next_state=sfn.Succeed(stack, "End"))
        sfn.StateMachine(stack, "SM", definition_body=sfn.DefinitionBody.from_chainable(sem),
                         timeout=cdk.Duration.minutes(1))

    template = synth_stack(build).template
    definition = machine_definition(template, only(template, MACHINE, "SM"), {only(template, "AWS::DynamoDB::Table"): TABLE})
    assert "QueryLanguage" not in definition
    assert stepforge.validate(definition) == []
    assert definition["States"]["Get J Lock: 1"]["Parameters"] == {"waits": 0}
    assert definition["States"]["Reraise J Job Error: 1"]["ErrorPath"] == "$.Error"


def test_a_jsonpath_semaphore_asked_for_in_a_jsonata_machine_is_a_synthesis_error():
    with pytest.raises(Exception, match=r"Sem.*JSONata.*query_language"):
        repro(query_language="JSONPath")


def test_jsonata_asked_for_by_name_renders_the_same():
    assert repro(query_language="JSONata") == repro()


def test_the_repro_runs_on_the_world_within_its_limit():
    definition = repro()
    world = stepforge.World(5)
    world.register("SM", definition)
    world.create_table(TABLE, "LockName")
    for i in range(6):
        world.start_execution("SM", {"n": i}, name=f"e{i}")
    world.run()
    runs = list(world.executions())
    assert [e.status for e in runs] == ["SUCCEEDED"] * 6
    assert sorted(e.output["done"] for e in runs) == [1, 2, 3, 4, 5, 6]
    assert world.peak_occupancy(["Work"]).count <= 2
    assert world.get_item(TABLE, {"LockName": "J"}) == {"LockName": "J", "currentlockcount": 0}
