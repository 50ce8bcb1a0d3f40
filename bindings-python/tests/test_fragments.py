"""The fragments from Python: the semaphore (one lock, several locks, a lock
reused, a job as states or as ASL JSON), its cleanup machine and event
pattern, the DynamoDB-list Map and the phased job; bad input raises
ValidationError naming the option."""

from __future__ import annotations

import json

import pytest

import stepforge
from stepforge import (
    DynamoDbListMap,
    Pass,
    PhasedJob,
    Semaphore,
    Semaphores,
    StateMachine,
    Succeed,
    Task,
    ValidationError,
    cleanup_event_pattern,
    cleanup_iam,
    cleanup_machine,
    map_over_dynamodb,
)

JOB = {
    "StartAt": "Work",
    "States": {
        "Work": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f", "Payload.$": "$"},
            "End": True,
        }
    },
}

MAP_CONFIG = {
    "ddb": {"tableName": "MapStateList", "partitionKeyName": "mapstatelist", "partitionKeyValueField": "mapitems"},
    "stepfunc": {"maxConcurrency": 1, "waitDurationSeconds": 2, "timeoutDurationSeconds": 20},
}


def problem(excinfo: pytest.ExceptionInfo[ValidationError]) -> tuple[str, str]:
    first = excinfo.value.problems[0]
    return first.code, first.pointer


def test_wrap_gives_a_fragment_that_chains_and_keeps_the_users_objects():
    work = Task("Work", resource="arn:aws:states:::lambda:invoke", parameters={"FunctionName": "f"})
    fragment = Semaphore("life", 2, "Locks").wrap(work)
    assert isinstance(fragment, stepforge.Fragment)
    assert fragment.start_state.name == "Get life Lock: 1"
    assert [s.name for s in fragment.end_states] == ["life Lock Released: 1"]
    names = {s.name for s in fragment.states}
    assert "Run life Job: 1" in names and "Reclaim Stale life Slot: 1" in names
    # The job inside is the user's own object, not a copy.
    assert any(s is work for s in fragment.states)
    definition = StateMachine(fragment.next(Succeed("Done"))).to_dict()
    assert definition["StartAt"] == "Get life Lock: 1"
    assert definition["States"]["life Lock Released: 1"]["Next"] == "Done"
    run = definition["States"]["Run life Job: 1"]
    assert run["Branches"][0]["States"]["Work"]["Parameters"] == {"FunctionName": "f"}


def test_a_json_job_and_a_states_job_render_the_same_bytes():
    from_dict = Semaphore("life", 3, "Locks").state_machine(JOB).to_json()
    from_text = Semaphore("life", 3, "Locks").state_machine(json.dumps(JOB)).to_json()
    work = Task(
        "Work", resource="arn:aws:states:::lambda:invoke", parameters={"FunctionName": "f", "Payload.$": "$"}
    )
    from_states = Semaphore("life", 3, "Locks").state_machine(work).to_json()
    assert from_dict == from_text == from_states


def test_acquire_is_conditional_on_below_the_limit_and_not_yet_an_owner():
    states = Semaphore("life", 3, "Locks").state_machine(JOB).to_dict()["States"]
    acquire = states["Get life Lock: 1"]["Branches"][0]["States"]["Acquire life Lock: 1"]
    condition = acquire["Parameters"]["ConditionExpression"]
    assert "currentlockcount < :limit" in condition and "<>" not in condition
    assert "attribute_not_exists(#lockownerid)" in condition
    assert acquire["Parameters"]["ExpressionAttributeValues"][":limit"] == {"N": "3"}


def test_options_reach_the_core_in_either_spelling():
    machine = Semaphore("life", 1, "Locks", timeout_seconds=600, comments=True).state_machine(JOB).to_dict()
    assert machine["TimeoutSeconds"] == 600
    assert "Comment" in machine["States"]["Get life Lock: 1"]
    assert Semaphore("l", 1, "T", leaseSeconds=90).lease == 90
    assert Semaphore("l", 1, "T", timeout_seconds=600).lease == 600
    with pytest.raises(ValidationError) as e:
        Semaphore("l", 1, "T", lease_secs=3)
    assert problem(e) == ("UNKNOWN_FIELD", "/lease_secs")


def test_several_locks_and_a_reused_lock_in_one_machine():
    semaphores = Semaphores()
    life = Semaphore("life", 42, "T", reuse_lock=True)
    first = semaphores.wrap(life, Pass("A"))
    second = semaphores.wrap(Semaphore("liberty", 7, "T"), Pass("B"))
    third = semaphores.wrap(life, Pass("C"))
    assert third.start_state.name == "Get life Lock: 2"
    assert semaphores.uses("life") == 2
    assert semaphores.locks == [("T", "life"), ("T", "liberty")]
    machine = StateMachine(first.next(second).next(third))
    assert machine.validate() == []
    cleanup = semaphores.cleanup_machine().to_dict()
    assert cleanup["States"]["List Locks"]["Parameters"]["locks"] == [
        {"table": "T", "lock": "life"},
        {"table": "T", "lock": "liberty"},
    ]
    assert semaphores.iam("arn:t") == [
        {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], "Resource": ["arn:t"]}
    ]


def test_a_lock_reused_without_reuse_lock_or_with_another_limit_is_an_error():
    semaphores = Semaphores()
    semaphores.wrap(Semaphore("life", 42, "T"), Pass("A"))
    with pytest.raises(ValidationError) as e:
        semaphores.wrap(Semaphore("life", 42, "T"), Pass("B"))
    assert problem(e) == ("INVALID_VALUE", "/lock_name")
    with pytest.raises(ValidationError) as e:
        semaphores.wrap(Semaphore("life", 41, "T", reuse_lock=True), Pass("C"))
    assert problem(e) == ("INVALID_VALUE", "/limit")
    assert "42" in str(e.value) and "41" in str(e.value)


@pytest.mark.parametrize(
    ("lock", "limit", "pointer"),
    [("life", 0, "/limit"), ("life", -3, "/limit"), ("", 1, "/lock_name"), ("x" * 70, 1, "/lock_name")],
)
def test_bad_semaphore_options_name_the_field(lock: str, limit: int, pointer: str):
    with pytest.raises(ValidationError) as e:
        Semaphore(lock, limit, "T").wrap(Pass("Job"))
    assert problem(e)[1] == pointer


def test_a_job_with_no_end_is_refused():
    with pytest.raises(stepforge.ChainError) as chain_error:
        Semaphore("life", 1, "T").wrap(Succeed("Done"))
    assert chain_error.value.problems[0].pointer == "/job"
    assert "no end" in str(chain_error.value)
    with pytest.raises(ValidationError) as e:
        Semaphore("life", 1, "T").wrap({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}})
    assert any(p.pointer == "/States/A/Next" for p in e.value.problems)


def test_cleanup_functions():
    machine = cleanup_machine([("Locks", "life")])
    assert machine.validate() == []
    pattern = cleanup_event_pattern(["arn:aws:states:us-east-1:1:stateMachine:m"])
    assert pattern["detail"]["status"] == ["FAILED", "TIMED_OUT", "ABORTED"]
    assert pattern["source"] == ["aws.states"]
    assert cleanup_iam("arn:t") == [{"Effect": "Allow", "Action": ["dynamodb:UpdateItem"], "Resource": ["arn:t"]}]
    with pytest.raises(ValidationError):
        cleanup_machine([])


def test_dynamodb_list_map_from_a_dict_or_text_and_with_any_task():
    machine = map_over_dynamodb(MAP_CONFIG, function="LogItem").to_dict()
    assert machine["TimeoutSeconds"] == 20
    assert machine["States"]["Process Items"]["MaxConcurrency"] == 1
    same = DynamoDbListMap(json.dumps(MAP_CONFIG), function="LogItem").state_machine().to_dict()
    assert same == machine
    custom = DynamoDbListMap(MAP_CONFIG, task=Pass("Record")).state_machine().to_dict()
    assert "Record" in custom["States"]["Process Items"]["ItemProcessor"]["States"]
    assert DynamoDbListMap(MAP_CONFIG, function="LogItem").config == MAP_CONFIG
    actions = [s["Action"] for s in DynamoDbListMap(MAP_CONFIG, function="LogItem").iam("arn:t")]
    assert actions == [["dynamodb:GetItem"], ["lambda:InvokeFunction"]]


def test_an_unknown_config_field_is_named():
    bad = json.loads(json.dumps(MAP_CONFIG))
    bad["stepfunc"]["maxConcurency"] = 3
    with pytest.raises(ValidationError) as e:
        DynamoDbListMap(bad, function="f")
    assert problem(e) == ("UNKNOWN_FIELD", "/stepfunc/maxConcurency")
    with pytest.raises(TypeError):
        DynamoDbListMap(MAP_CONFIG)


def test_phased_job_and_a_malformed_graph():
    graph = {
        "currentPhase": "one",
        "phases": {
            "one": {"steps": {"one": {"jobs": ["a", "b"]}}, "waitFor": ["a", "b"], "next": "two"},
            "two": {"steps": {"twoStart": {"jobs": ["c"]}}, "waitFor": ["c"], "next": "end"},
        },
    }
    job = PhasedJob(graph)
    assert job.phases == ["one", "two"] and job.jobs == ["a", "b", "c"]
    assert job.state_machine().validate() == []
    cyclic = json.loads(json.dumps(graph))
    cyclic["phases"]["two"]["next"] = "one"
    with pytest.raises(ValidationError) as e:
        PhasedJob(cyclic)
    assert "cycle" in str(e.value)
    with pytest.raises(ValidationError) as e:
        PhasedJob(graph, resources={"zzz": "arn:aws:states:::x"}).fragment()
    assert problem(e)[1] == "/resources/zzz"
