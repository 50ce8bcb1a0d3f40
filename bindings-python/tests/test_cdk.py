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
from cdk_templates import (  # noqa: E402
    EXAMPLES,
    FAKE,
    listed,
    machine_definition,
    only,
    resolve,
    resources,
    role_statements,
    synth_example,
    synth_stack,
)

SEMAPHORE_ACTIONS = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]


@pytest.fixture(scope="module")
def templates() -> dict:
    return synth_example("seed000-semaphore")


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


# --- seed 004 (DynamoDbListMap), seed 002 (PhasedJob), seed 001 (semaphore stack) ---


def cli(*args: str) -> dict:
    printed = subprocess.run([sys.executable, "-m", "stepforge", *args], check=True, capture_output=True, text=True).stdout
    return json.loads(printed)


@pytest.fixture(scope="module")
def seed004() -> dict:
    return synth_example("seed004-map-over-dynamodb")["StpfncStack"]


SEED004_CONFIG = json.loads((EXAMPLES / "seed004-map-over-dynamodb" / "config.json").read_text())
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:LogItem"


def seed004_refs(template: dict) -> dict:
    return {
        only(template, "AWS::DynamoDB::Table"): SEED004_CONFIG["ddb"]["tableName"],
        (only(template, "AWS::Lambda::Function"), "Arn"): FUNCTION_ARN,
        (only(template, "AWS::DynamoDB::Table"), "Arn"): "TABLEARN",
    }


def test_seed004_stack_has_the_table_the_function_and_the_machine(seed004: dict):
    (table,) = resources(seed004, "AWS::DynamoDB::Table").values()
    assert table["Properties"]["TableName"] == "MapStateList"
    assert table["Properties"]["KeySchema"] == [{"AttributeName": "mapstatelist", "KeyType": "HASH"}]
    assert len(resources(seed004, "AWS::Lambda::Function")) == 1
    assert len(resources(seed004, "AWS::StepFunctions::StateMachine")) == 1


def test_seed004_definition_equals_the_cli_and_validates(seed004: dict, tmp_path: pathlib.Path):
    machine = only(seed004, "AWS::StepFunctions::StateMachine")
    synthesized = machine_definition(seed004, machine, seed004_refs(seed004))
    config = EXAMPLES / "seed004-map-over-dynamodb" / "config.json"
    assert synthesized == cli("map-over-dynamodb", "--config", str(config), "--function", FUNCTION_ARN)
    assert synthesized["TimeoutSeconds"] == 20
    assert synthesized["States"]["Process Items"]["MaxConcurrency"] == 1
    assert stepforge.validate(json.dumps(synthesized)) == []


def test_seed004_role_gets_exactly_the_cores_statements(seed004: dict):
    machine = only(seed004, "AWS::StepFunctions::StateMachine")
    refs = seed004_refs(seed004)
    got = [
        (sorted(s["Action"] if isinstance(s["Action"], list) else [s["Action"]]),
         [resolve(r, refs) for r in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])])
        for s in role_statements(seed004, machine)
    ]
    core = stepforge.DynamoDbListMap(SEED004_CONFIG, function=FUNCTION_ARN).iam("TABLEARN")
    assert sorted(got) == sorted((sorted(s["Action"]), s["Resource"]) for s in core)


def synth_one(build) -> dict:
    app = cdk.App()
    stack = cdk.Stack(app, "S")
    build(stack)
    return app.synth().get_stack_by_name("S").template


def test_list_map_with_a_chainable_task_and_a_given_table():
    from aws_cdk import aws_dynamodb as dynamodb
    from aws_cdk import aws_stepfunctions as sfn
    from stepforge.cdk import DynamoDbListMap

    def build(stack):
        table = dynamodb.Table(stack, "Given", partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING))
        DynamoDbListMap(stack, "M", config=SEED004_CONFIG, table=table, task=sfn.Pass(stack, "Log It"))

    template = synth_one(build)
    assert len(resources(template, "AWS::DynamoDB::Table")) == 1
    machine = only(template, "AWS::StepFunctions::StateMachine")
    definition = machine_definition(template, machine, {only(template, "AWS::DynamoDB::Table"): "GIVEN"})
    processor = definition["States"]["Process Items"]["ItemProcessor"]
    assert processor["States"]["Wait Between Items"]["Next"] == "Log It"
    assert processor["States"]["Log It"] == {"Type": "Pass", "End": True}
    assert definition["States"]["Get List"]["Parameters"]["TableName"] == "GIVEN"
    assert stepforge.validate(json.dumps(definition)) == []
    actions = [s["Action"] for s in role_statements(template, machine)]
    assert actions == ["dynamodb:GetItem"]


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda c: c["stepfunc"].update(maxConcurency=3), "maxConcurency"),
        (lambda c: c.update(extra=1), "extra"),
        (lambda c: c["stepfunc"].update(timeoutDurationSeconds=0), "timeoutDurationSeconds"),
        (lambda c: c["ddb"].pop("tableName"), "tableName"),
    ],
)
def test_list_map_bad_config_is_an_error_naming_the_field(change, field):
    from aws_cdk import aws_stepfunctions as sfn
    from stepforge.cdk import DynamoDbListMap

    config = copy.deepcopy(SEED004_CONFIG)
    change(config)
    with pytest.raises(stepforge.ValidationError, match=field) as error:
        synth_one(lambda stack: DynamoDbListMap(stack, "M", config=config, task=sfn.Pass(stack, "P")))
    assert "S/M" in str(error.value)


@pytest.fixture(scope="module")
def seed002() -> dict:
    return synth_example("seed002-phased-jobs")


GRAPH = EXAMPLES / "seed002-phased-jobs" / "catch_the_fish.json"


def test_seed002_definition_equals_the_cli_with_each_job_its_function(seed002: dict):
    template = seed002["PhasedJobFunctions"]
    functions = resources(template, "AWS::Lambda::Function")
    jobs = {f["Properties"]["Environment"]["Variables"]["JOB"]: fid for fid, f in functions.items()}
    arn = "arn:aws:lambda:us-east-1:123456789012:function:{}".format
    refs = {(fid, "Arn"): arn(job) for job, fid in jobs.items()}
    machine = only(template, "AWS::StepFunctions::StateMachine")
    synthesized = machine_definition(template, machine, refs)
    mappings = [a for job in jobs for a in ("--resource", f"{job}={arn(job)}")]
    assert synthesized == cli("phased-job", str(GRAPH), *mappings)
    assert stepforge.validate(json.dumps(synthesized)) == []
    (statement,) = role_statements(template, machine)
    assert statement["Action"] == "lambda:InvokeFunction"
    got = sorted(resolve(r, refs) for r in statement["Resource"])
    assert got == sorted(x for job in jobs for x in (arn(job), arn(job) + ":*"))


def test_seed002_mixed_jobs_chainable_and_by_name(seed002: dict):
    template = seed002["PhasedJobMixed"]
    machine = only(template, "AWS::StepFunctions::StateMachine")
    synthesized = machine_definition(template, machine, {})
    assert stepforge.validate(json.dumps(synthesized)) == []
    text = json.dumps(synthesized)
    assert "Drink Beer Slowly" in text and '"drink_beer"' not in text
    assert list(synthesized["States"])[:1] == ["Phase thinking"]
    (statement,) = role_statements(template, machine)
    jobs = [j for j in stepforge.PhasedJob(GRAPH.read_text()).jobs if j != "drink_beer"]
    named = sorted(resolve(r, {}) for r in statement["Resource"])
    arn = "arn:aws:lambda:us-east-1:123456789012:function:{}".format
    assert named == sorted(x for j in jobs for x in (arn(j), arn(j) + ":*"))


@pytest.mark.parametrize(
    "graph, words",
    [
        ({"currentPhase": "a", "phases": {"a": {"steps": {"a": {"jobs": ["x"]}}, "waitFor": ["x"], "next": "b"},
                                          "b": {"steps": {"b": {"jobs": ["y"]}}, "waitFor": ["y"], "next": "a"}}}, "cycle"),
        ({"currentPhase": "a", "phases": {"a": {"steps": {"a": {"jobs": ["x"]}}, "waitFor": ["x"], "next": "end"},
                                          "c": {"steps": {"c": {"jobs": ["y"]}}, "waitFor": ["y"], "next": "end"}}}, "`c`"),
        ({"currentPhase": "a", "phases": {"a": {"steps": {"a": {"jobs": ["x"]}}, "waitFor": ["x"], "next": "zz"}}}, "zz"),
    ],
)
def test_phased_job_malformed_graph_is_an_error_at_synth(graph: dict, words: str):
    from stepforge.cdk import PhasedJob

    with pytest.raises(stepforge.ValidationError, match=words):
        synth_one(lambda stack: PhasedJob(stack, "P", graph=graph))


def test_phased_job_unknown_job_in_jobs_is_an_error():
    from aws_cdk import aws_stepfunctions as sfn
    from stepforge.cdk import PhasedJob

    with pytest.raises(stepforge.ValidationError, match="go_fishing"):
        synth_one(lambda stack: PhasedJob(stack, "P", graph=GRAPH.read_text(), jobs={"go_fishing": sfn.Pass(stack, "X")}))


def test_example1_synthesized_runs_on_the_local_executor(templates: dict):
    """The machine the construct synthesizes (tokens substituted) runs on
    stepforge's executor with the in-memory DynamoDB: the first user creates
    the lock item and holds a slot, never more than the limit (42) are inside
    the job, a failed job gives its slot back and fails with the job's error,
    and no slot is held at the end."""
    template = templates["Example1Semaphore"]
    machine = definition(template, user_machine(template))
    world = stepforge.World(7)
    arn = world.register("Example1", machine)
    world.create_table("LOCKTABLE", "LockName")
    calls = []

    def job(call):
        calls.append(call.input)
        if len(calls) % 10 == 0:
            raise stepforge.TaskFailed("Job.Broken", f"call {len(calls)}")
        return stepforge.TaskResult({"ok": True}, after_seconds=2)

    world.handle("*:function:cool-function", job)
    for i in range(60):
        world.start_execution(arn, {"n": i}, name=f"e{i}")
    idle = world.run()
    executions = world.executions()
    assert idle.running == 0 and len(executions) == 60
    failed = [e for e in executions if e.status == "FAILED"]
    assert len(failed) == 6 and {e.error for e in failed} == {"Job.Broken"}
    assert all(e.status == "SUCCEEDED" for e in executions if e.status != "FAILED")
    peak = world.peak_occupancy(["ContestedJobPart1", "Wait", "AnotherWait", "YetAnotherWait"])
    assert peak.count == 42
    lock = world.get_item("LOCKTABLE", {"LockName": "life"})
    assert lock is not None and lock["currentlockcount"] == 0
    assert set(lock) == {"LockName", "currentlockcount"}


# --- seed 001: the concurrency controller's stack on the Semaphore construct ---

SEED001_LOCK_ACTIONS = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]


@pytest.fixture(scope="module")
def seed001() -> dict:
    return synth_example("seed001-concurrency-controller")["ConcurrencyControllerStack"]


def seed001_ids(template: dict) -> dict:
    """The logical ids of seed 001's resources."""
    machine = "AWS::StepFunctions::StateMachine"
    return {
        "table": only(template, "AWS::DynamoDB::Table"),
        "function": only(template, "AWS::Lambda::Function", "DoWorkFunction"),
        "semaphore": only(template, machine, "ConcurrencyControlledStateMachine"),
        "test": only(template, machine, "TestStateMachine"),
        "cleanup": only(template, machine, "StepforgeSemaphoreLocksCleanup"),
        "rule": only(template, "AWS::Events::Rule"),
    }


def seed001_refs(template: dict) -> dict:
    ids = seed001_ids(template)
    return {
        ids["table"]: "LOCKTABLE",
        (ids["table"], "Arn"): "TABLEARN",
        (ids["function"], "Arn"): "arn:aws:lambda:us-east-1:123456789012:function:DoWork",
        ids["semaphore"]: "arn:aws:states:us-east-1:123456789012:stateMachine:Semaphore",
        (ids["semaphore"], "Name"): "Semaphore",
    }


def test_seed001_stack_has_one_lock_table_and_three_machines(seed001: dict):
    ids = seed001_ids(seed001)
    table = seed001["Resources"][ids["table"]]["Properties"]
    assert table["KeySchema"] == [{"AttributeName": "LockName", "KeyType": "HASH"}]
    assert len(resources(seed001, "AWS::StepFunctions::StateMachine")) == 3


def test_seed001_every_state_machine_validates(seed001: dict):
    refs = seed001_refs(seed001)
    for machine in resources(seed001, "AWS::StepFunctions::StateMachine"):
        assert stepforge.validate(json.dumps(machine_definition(seed001, machine, refs))) == [], machine


def statements_by_action(template: dict, machine: str, refs: dict) -> dict:
    """action -> the resolved resources a machine's role is granted it on."""
    out: dict = {}
    for s in role_statements(template, machine):
        for action in listed(s["Action"]):
            out.setdefault(action, []).extend(resolve(r, refs) for r in listed(s["Resource"]))
    return out


def test_seed001_policies_name_only_the_needed_actions(seed001: dict):
    ids = seed001_ids(seed001)
    refs = seed001_refs(seed001)
    semaphore = statements_by_action(seed001, ids["semaphore"], refs)
    # The lock table's three actions on its ARN, and the job's invoke; nothing else.
    assert {a: semaphore[a] for a in SEED001_LOCK_ACTIONS} == {a: ["TABLEARN"] for a in SEED001_LOCK_ACTIONS}
    assert set(semaphore) == {*SEED001_LOCK_ACTIONS, "lambda:InvokeFunction"}
    cleanup = statements_by_action(seed001, ids["cleanup"], refs)
    assert cleanup == {"dynamodb:UpdateItem": ["TABLEARN"]}
    # Only the test machine starts executions, and only of the semaphore machine.
    test = statements_by_action(seed001, ids["test"], refs)
    assert not any(a.startswith("dynamodb:") for a in test)
    assert test["states:StartExecution"] == [refs[ids["semaphore"]]]
    for machine in (ids["semaphore"], ids["cleanup"]):
        assert not any(a.startswith("states:") for a in statements_by_action(seed001, machine, refs)), machine


def test_seed001_cleanup_rule_starts_the_cleanup_on_the_semaphore_machines_end(seed001: dict):
    ids = seed001_ids(seed001)
    rule = seed001["Resources"][ids["rule"]]["Properties"]
    pattern = rule["EventPattern"]
    assert pattern["source"] == ["aws.states"]
    assert pattern["detail-type"] == ["Step Functions Execution Status Change"]
    assert pattern["detail"]["status"] == ["FAILED", "TIMED_OUT", "ABORTED"]
    # The semaphore machine only: the test machine holds no slot.
    assert pattern["detail"]["stateMachineArn"] == [{"Ref": ids["semaphore"]}]
    (target,) = rule["Targets"]
    assert target["Arn"] == {"Ref": ids["cleanup"]}


def read_state_lease_millis(definition: dict) -> int:
    """The lease (ms) the semaphore's read step compares owner entries with."""
    def outputs(graph: dict) -> list:
        found = [s["Output"] for s in graph["States"].values() if "Output" in s]
        for state in graph["States"].values():
            for branch in state.get("Branches", []):
                found += outputs(branch)
        return found

    (output,) = [o for o in outputs(definition) if "$cutoff" in o]
    return int(output.split("$cutoff := $toMillis($states.context.State.EnteredTime) - ")[1].split(";")[0])


def test_seed001_lease_is_the_semaphore_machines_timeout(seed001: dict):
    ids = seed001_ids(seed001)
    definition = machine_definition(seed001, ids["semaphore"], seed001_refs(seed001))
    assert definition["TimeoutSeconds"] == 3600
    assert read_state_lease_millis(definition) == 3600 * 1000


# --- the lease default: the enclosing StateMachine's timeout, or a warning ---


def lease_stack(timeout=None, nested=False, **options):
    """A stack with one semaphore (a Pass job) in a machine with ``timeout``,
    at the top level or inside a Parallel branch."""
    from aws_cdk import aws_stepfunctions as sfn
    from stepforge.cdk import Semaphore

    def build(stack):
        fragment = Semaphore(stack, "Sem", lock_name="l", limit=2, job=sfn.Pass(stack, "Job"),
                             next_state=sfn.Pass(stack, "After"), **options)
        body = sfn.Parallel(stack, "Outer").branch(fragment) if nested else fragment
        sfn.StateMachine(stack, "M", definition_body=sfn.DefinitionBody.from_chainable(body), timeout=timeout)

    return synth_stack(build)


def lease_of(artifact) -> int:
    template = artifact.template
    machine = only(template, "AWS::StepFunctions::StateMachine", "M")
    return read_state_lease_millis(machine_definition(template, machine, {only(template, "AWS::DynamoDB::Table"): "T"}))


def lease_warnings(artifact) -> list:
    return [m for m in artifact.messages if m.entry.type == "aws:cdk:warning" and "lease" in str(m.entry.data)]


def test_lease_defaults_to_the_machines_timeout():
    artifact = lease_stack(timeout=cdk.Duration.minutes(5))
    assert lease_of(artifact) == 300 * 1000
    assert lease_warnings(artifact) == []


def test_lease_given_wins_over_the_timeout():
    artifact = lease_stack(timeout=cdk.Duration.minutes(5), lease_seconds=90)
    assert lease_of(artifact) == 90 * 1000
    assert lease_warnings(artifact) == []
    assert lease_of(lease_stack(timeout_seconds=120)) == 120 * 1000


@pytest.mark.parametrize("nested", [False, True], ids=["no timeout", "inside a Parallel branch"])
def test_lease_without_a_timeout_is_a_year_and_a_warning(nested: bool):
    timeout = cdk.Duration.minutes(5) if nested else None
    artifact = lease_stack(timeout=timeout, nested=nested)
    assert lease_of(artifact) == 365 * 24 * 3600 * 1000
    (warning,) = lease_warnings(artifact)
    assert warning.id.endswith("/Sem")
    assert "timeout_seconds=" in str(warning.entry.data) and "stepforge:semaphoreLeaseDefault" in str(warning.entry.data)


def test_generator_learns_the_lease_too():
    from aws_cdk import aws_stepfunctions as sfn
    from stepforge.cdk import SemaphoreGenerator

    def build(stack):
        generator = SemaphoreGenerator(stack, "Gen")
        fragment = generator.generate_semaphored_job("l", 3, sfn.Pass(stack, "Job"), sfn.Pass(stack, "After"))
        sfn.StateMachine(stack, "M", definition_body=sfn.DefinitionBody.from_chainable(fragment),
                         timeout=cdk.Duration.seconds(45))

    assert lease_of(synth_stack(build)) == 45 * 1000
