"""stepforge.cdk with real aws-cdk-lib synthesis: seed 000's Examples 1 and 2
in both API generations (examples/seed000-semaphore/app.py), synthesized once
for the whole module. Every state machine validates, one lock table per
stack, policies name only the needed actions on the table's ARN, the cleanup
rule watches the user's machine, and the definition equals what the core
(and `stepforge semaphore`) renders for the same job."""

from __future__ import annotations

import copy
import json
import os
import pathlib
import subprocess
import sys

import pytest

cdk = pytest.importorskip("aws_cdk")
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")

import stepforge  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "seed000-semaphore"
SEMAPHORE_ACTIONS = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
FAKE = {"AWS::Partition": "aws", "AWS::Region": "us-east-1", "AWS::AccountId": "123456789012"}


@pytest.fixture(scope="module")
def templates() -> dict:
    sys.path.insert(0, str(EXAMPLE))
    try:
        import app as example  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(EXAMPLE))
    assembly = example.build(cdk.App()).synth()
    return {name: assembly.get_stack_by_name(name).template for name in example.STACKS}


def resources(template: dict, kind: str) -> dict:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def table_id(template: dict) -> str:
    (tid,) = resources(template, "AWS::DynamoDB::Table")
    return tid


def definition(template: dict, machine_id: str, table_name: str = "LOCKTABLE") -> dict:
    """The machine's definition with its tokens substituted (the table's Ref by `table_name`)."""
    string = template["Resources"][machine_id]["Properties"]["DefinitionString"]
    if isinstance(string, str):
        return json.loads(string)
    parts = []
    for part in string["Fn::Join"][1]:
        if isinstance(part, str):
            parts.append(part)
        elif part.get("Ref") == table_id(template):
            parts.append(table_name)
        elif part.get("Ref") in FAKE:
            parts.append(FAKE[part["Ref"]])
        else:
            raise AssertionError(f"unexpected token {part}")
    return json.loads("".join(parts))


def user_machine(template: dict) -> str:
    machines = [k for k in resources(template, "AWS::StepFunctions::StateMachine") if "Cleanup" not in k]
    assert len(machines) == 1, machines
    return machines[0]


STACKS = ["Example1Generator", "Example2Generator", "Example1Semaphore", "Example2Semaphore"]


@pytest.mark.parametrize("stack", STACKS)
def test_one_lock_table_per_stack(templates: dict, stack: str):
    tables = resources(templates[stack], "AWS::DynamoDB::Table")
    assert len(tables) == 1
    (table,) = tables.values()
    assert table["Properties"]["KeySchema"] == [{"AttributeName": "LockName", "KeyType": "HASH"}]
    assert table["Properties"]["AttributeDefinitions"] == [{"AttributeName": "LockName", "AttributeType": "S"}]


@pytest.mark.parametrize("stack", STACKS)
def test_every_state_machine_validates(templates: dict, stack: str):
    template = templates[stack]
    machines = resources(template, "AWS::StepFunctions::StateMachine")
    assert len(machines) == 2  # the user's and the cleanup machine
    for machine_id in machines:
        text = json.dumps(definition(template, machine_id))
        assert stepforge.validate(text) == [], machine_id


@pytest.mark.parametrize("stack", STACKS)
def test_policies_name_only_the_needed_actions_on_the_table(templates: dict, stack: str):
    template = templates[stack]
    table_arn = {"Fn::GetAtt": [table_id(template), "Arn"]}
    on_table = []
    for policy in resources(template, "AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            if any(a.startswith("dynamodb:") for a in actions):
                assert statement["Resource"] == table_arn
                on_table.append(sorted(actions))
    assert sorted(on_table) == sorted([["dynamodb:UpdateItem"], SEMAPHORE_ACTIONS])


@pytest.mark.parametrize("stack", STACKS)
def test_the_cleanup_rule_watches_the_users_machine(templates: dict, stack: str):
    template = templates[stack]
    (rule,) = resources(template, "AWS::Events::Rule").values()
    pattern = rule["Properties"]["EventPattern"]
    assert pattern["detail"]["status"] == ["FAILED", "TIMED_OUT", "ABORTED"]
    assert pattern["detail"]["stateMachineArn"] == [{"Ref": user_machine(template)}]


@pytest.mark.parametrize("old, new", [("Example1Generator", "Example1Semaphore"), ("Example2Generator", "Example2Semaphore")])
def test_both_api_generations_synthesize_the_same_machine(templates: dict, old: str, new: str):
    a, b = templates[old], templates[new]
    assert definition(a, user_machine(a)) == definition(b, user_machine(b))


def test_example1_equals_what_the_cli_prints_for_the_same_job(templates: dict, tmp_path: pathlib.Path):
    template = templates["Example1Semaphore"]
    synthesized = definition(template, user_machine(template))
    job = synthesized["States"]["Run life Job: 1"]["Branches"][0]
    (tmp_path / "job.json").write_text(json.dumps(job))
    printed = subprocess.run(
        [sys.executable, "-m", "stepforge", "semaphore", "--lock-name", "life", "--limit", "42",
         "--table", "LOCKTABLE", "--job", str(tmp_path / "job.json")],
        check=True, capture_output=True, text=True,
    ).stdout
    expected = json.loads(printed)
    # The construct follows the release with the user's next state.
    expected["States"]["life Lock Released: 1"].pop("End")
    expected["States"]["life Lock Released: 1"]["Next"] = "Succeed"
    expected["States"]["Succeed"] = {"Type": "Succeed"}
    assert synthesized == expected


def test_example2_equals_the_cores_two_semaphores(templates: dict):
    template = templates["Example2Semaphore"]
    synthesized = definition(template, user_machine(template))
    job1 = synthesized["States"]["Run life Job: 1"]["Branches"][0]
    job2 = synthesized["States"]["Run liberty Job: 1"]["Branches"][0]
    semaphores = stepforge.Semaphores()
    first = semaphores.wrap(stepforge.Semaphore("life", 42, "LOCKTABLE"), job1)
    second = semaphores.wrap(stepforge.Semaphore("liberty", 7, "LOCKTABLE"), job2)
    core = stepforge.StateMachine(first.next(second).next(stepforge.Succeed("Succeed"))).to_dict()["States"]
    # In the stack, NotContestedJob sits between the two semaphores.
    assert synthesized["States"]["life Lock Released: 1"]["Next"] == "NotContestedJob"
    assert synthesized["States"]["NotContestedJob"]["Next"] == "Get liberty Lock: 1"
    core["life Lock Released: 1"]["Next"] = "NotContestedJob"
    core["NotContestedJob"] = synthesized["States"]["NotContestedJob"]
    assert synthesized["States"] == core
