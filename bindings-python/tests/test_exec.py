"""The local executor from Python: the seeds run (001, 004), handlers sync and
async, callbacks, rules, DynamoDB, TestState, diagrams, and bad input that
ends as a failed execution or a clear exception, never a crash or a hang."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import time

import pytest

import stepforge
from stepforge import ExecutionError, StateMachine, Pass, TaskFailed, TaskResult, ValidationError, World

from conftest import ROOT

SEED1 = ROOT / "examples" / "seed001-concurrency-controller"
SEED4 = ROOT / "examples" / "seed004-map-over-dynamodb"
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:"
T0 = 1_704_067_200_000


def load(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def task_machine(resource=LAMBDA + "f", **task):
    return {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource, "End": True, **task}}}


# --- seed 001 ---------------------------------------------------------------


def test_seed_001_runs_from_python():
    started = time.perf_counter()
    world, ok = load(SEED1 / "run.py").run(2026)
    wall = time.perf_counter() - started
    assert ok
    sm = load(SEED1 / "state_machines.py")
    # From the timeline: never more than 5 inside the job.
    assert world.peak_occupancy("Do Work").count == sm.LIMIT
    # From the table: no slot held at the end.
    assert world.get_item(sm.TABLE, {"LockName": sm.LOCK}) == {"LockName": sm.LOCK, "currentlockcount": 0}
    executions = world.executions()
    assert all(e.status != "RUNNING" for e in executions)
    semaphore = [e for e in executions if e.state_machine_arn == sm.SEMAPHORE_ARN]
    failed = [e for e in semaphore if e.status == "FAILED"]
    assert sum(e.status == "SUCCEEDED" for e in semaphore) == 100 and failed
    assert all(e.error == "RandomSimulatedFailure" for e in failed)
    # One cleanup per failed execution, started by the status-change event.
    cleanups = [e for e in executions if e.state_machine_arn.endswith(":CC-CleanFromIncomplete")]
    assert len(cleanups) == len(failed) and all(c.status == "SUCCEEDED" for c in cleanups)
    assert {c.input["detail"]["executionArn"] for c in cleanups} == {e.arn for e in failed}
    assert wall < 5  # well under a second in a release build; a debug build is slower


def test_seed_001_is_the_same_run_as_in_rust():
    # examples/rust/src/bin/seed001_run.rs with seed 2026: 11 job failures, 76 virtual seconds.
    world, _ = load(SEED1 / "run.py").run(2026)
    sm = load(SEED1 / "state_machines.py")
    assert sum(e.state_machine_arn == sm.SEMAPHORE_ARN and e.status == "FAILED" for e in world.executions()) == 11
    assert world.now_millis - T0 == 76_000 or (world.now_millis - T0) // 1000 == 76


# --- seed 004 ---------------------------------------------------------------


def seed004(list_file, max_concurrency, wait, timeout):
    module = load(SEED4 / "state_machine.py")
    config = json.loads((SEED4 / "config.json").read_text(encoding="utf-8"))
    config["stepfunc"].update(maxConcurrency=max_concurrency, waitDurationSeconds=wait, timeoutDurationSeconds=timeout)
    world = World(4)
    world.create_table("MapStateList", "mapstatelist")
    values = json.loads((SEED4 / list_file).read_text(encoding="utf-8"))
    world.put_item("MapStateList", {"mapstatelist": "mapitems", "values": values})
    calls = []

    def log_item(call):
        calls.append((call.now_millis - T0, call.input))
        return call.input

    world.handle(LAMBDA + "LogItem", log_item)
    world.register("seed004", module.build(config))
    arn = world.start_execution("seed004", {})
    world.run()
    return world.execution(arn), calls


def test_seed_004_concurrency_one_invokes_two_seconds_apart():
    e, calls = seed004("simplelist.json", 1, 2, 20)
    assert e.status == "SUCCEEDED", e.cause
    assert [t for t, _ in calls] == [2000, 4000, 6000]
    assert e.output == [{"S": "Computer Science"}, {"S": "Economics"}, {"S": "Mathematics"}]


def test_seed_004_concurrency_three_invokes_together():
    e, calls = seed004("simplelist.json", 3, 2, 20)
    assert e.status == "SUCCEEDED"
    assert [t for t, _ in calls] == [2000, 2000, 2000]
    _, calls = seed004("listofdicts.json", 3, 2, 20)
    assert len(calls) == 4 and all(isinstance(c["M"]["topic"]["S"], str) for _, c in calls)


def test_seed_004_wait_longer_than_the_timeout_times_out():
    e, calls = seed004("simplelist.json", 1, 25, 20)
    assert (e.status, e.error) == ("TIMED_OUT", "States.Timeout")
    assert e.stop_millis - e.start_millis == 20_000
    assert calls == []


# --- handlers ---------------------------------------------------------------


def test_a_python_exception_keeps_its_type_and_traceback():
    world = World()

    def handler(call):
        return {"x": 1} / 0  # TypeError

    world.handle(LAMBDA + "f", handler)
    world.register("m", task_machine())
    e = world.execution(world.start_execution("m", {}))
    world.run()
    e = world.execution(e.arn)
    assert (e.status, e.error) == ("FAILED", "TypeError")
    cause = json.loads(e.cause)
    assert cause["errorType"] == "TypeError" and "unsupported operand" in cause["errorMessage"]
    assert any("return {\"x\": 1} / 0" in line for line in cause["stackTrace"]), cause
    failed = [ev for ev in e.history() if ev["type"] == "LambdaFunctionFailed"]
    assert failed and failed[0]["lambdaFunctionFailedEventDetails"]["error"] == "TypeError"


def test_task_failed_names_the_error_and_retry_and_catch_see_it():
    world = World()
    world.handle(LAMBDA + "f", lambda call: (_ for _ in ()).throw(TaskFailed("Payment.Declined", "card expired")))
    catch = [{"ErrorEquals": ["Payment.Declined"], "ResultPath": "$.err", "Next": "Caught"}]
    definition = task_machine(Catch=catch)
    definition["States"]["T"].pop("End")
    definition["States"]["T"]["End"] = True
    definition["States"]["Caught"] = {"Type": "Pass", "End": True}
    world.register("m", definition)
    arn = world.start_execution("m", {"a": 1})
    world.run()
    assert world.execution(arn).output == {"a": 1, "err": {"Error": "Payment.Declined", "Cause": "card expired"}}


def test_a_handler_that_returns_something_not_json_fails_its_task():
    world = World()
    world.handle(LAMBDA + "f", lambda call: {"when": object()})
    world.register("m", task_machine())
    arn = world.start_execution("m")
    world.run()
    e = world.execution(arn)
    assert (e.status, e.error) == ("FAILED", "stepforge.InvalidHandlerResult")
    assert "/when" in e.cause and "object" in e.cause


def test_keyboard_interrupt_in_a_handler_stops_the_run():
    world = World()

    def handler(call):
        raise KeyboardInterrupt

    world.handle(LAMBDA + "f", handler)
    world.register("m", task_machine())
    world.start_execution("m")
    with pytest.raises(KeyboardInterrupt):
        world.run()


def test_coroutines_are_awaited_and_answered_in_call_order():
    world = World(7)

    async def slow(call):
        await asyncio.sleep(0.02 if call.input["i"] == 0 else 0.001)
        if call.input["i"] == 2:
            raise ValueError("async failure")
        return {"i": call.input["i"]}

    world.handle(LAMBDA + "f", slow)
    world.register("m", task_machine())
    arns = [world.start_execution("m", {"i": i}, name=f"e{i}") for i in range(3)]
    idle = world.run()
    assert idle.running == 0 and idle.host_pending == 0
    got = [world.execution(a) for a in arns]
    assert [e.status for e in got] == ["SUCCEEDED", "SUCCEEDED", "FAILED"]
    assert got[0].output == {"i": 0} and got[2].error == "ValueError"
    # A second world with the same seed gives the same histories although the sleeps differ.
    again = World(7)
    again.handle(LAMBDA + "f", slow)
    again.register("m", task_machine())
    arns2 = [again.start_execution("m", {"i": i}, name=f"e{i}") for i in range(3)]
    again.run()
    for a, b in zip(arns, arns2):
        assert json.loads(world.execution(a).history_json()) == json.loads(again.execution(b).history_json())


def test_run_async_inside_a_running_loop():
    async def main():
        world = World()

        async def handler(call):
            await asyncio.sleep(0)
            return "ok"

        world.handle(LAMBDA + "f", handler)
        world.register("m", task_machine())
        arn = world.start_execution("m")
        with pytest.raises(ExecutionError) as raised:
            world.run()
        assert raised.value.code == "EventLoopRunning"
        await world.run_async()
        return world.execution(arn)

    e = asyncio.run(main())
    assert (e.status, e.output) == ("SUCCEEDED", "ok")


def test_a_coroutine_that_never_settles_in_real_time_hits_the_task_timeout():
    world = World(time_scale=0.01)

    async def never(call):
        await asyncio.Event().wait()

    world.handle(LAMBDA + "f", never)
    world.register("m", task_machine(TimeoutSeconds=5))
    arn = world.start_execution("m")
    started = time.perf_counter()
    world.run()
    took = time.perf_counter() - started
    e = world.execution(arn)
    assert (e.status, e.error) == ("FAILED", "States.Timeout")
    assert 0.04 <= took < 2, took  # 5 virtual seconds at 0.01


def test_a_coroutine_that_never_settles_without_timeout_fails_after_handler_timeout():
    world = World(handler_timeout=0.2)

    async def never(call):
        await asyncio.Event().wait()

    world.handle(LAMBDA + "f", never)
    world.register("m", task_machine())
    arn = world.start_execution("m")
    world.run()
    e = world.execution(arn)
    assert (e.status, e.error) == ("FAILED", "States.Timeout")
    assert "handler_timeout" in e.cause and "`T`" in e.cause


def test_wait_for_task_token_and_send_task_success():
    world = World()
    tokens = []
    world.handle("arn:aws:states:::sqs:sendMessage.waitForTaskToken", lambda call: tokens.append(call.token))
    definition = task_machine("arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                              Parameters={"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}})
    world.register("m", definition)
    arn = world.start_execution("m")
    assert world.run().running == 1
    assert [t for t, _, _ in world.waiting_tasks()] == tokens
    world.send_task_success(tokens[0], {"approved": True})
    world.run()
    assert world.execution(arn).output == {"approved": True}
    with pytest.raises(ExecutionError) as raised:
        world.send_task_success(tokens[0], {})
    assert raised.value.code == "TaskDoesNotExist"


def test_stop_execution_aborts_and_starts_the_rule():
    world = World()
    world.register("sleepy", {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": True}}})
    world.register("cleanup", {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    world.on_status_change("cleanup", source="sleepy", statuses=["ABORTED"])
    arn = world.start_execution("sleepy", name="s")
    world.stop_execution(arn, error="Stopped", cause="by the test")
    world.run()
    e = world.execution(arn)
    assert (e.status, e.error, e.cause) == ("ABORTED", "Stopped", "by the test")
    cleanup = [x for x in world.executions() if x.state_machine_arn.endswith(":cleanup")]
    assert len(cleanup) == 1 and cleanup[0].output["detail"]["status"] == "ABORTED"
    with pytest.raises(ExecutionError) as raised:
        world.stop_execution(arn)
    assert raised.value.code == "ExecutionNotRunning"


# --- DynamoDB, definitions, TestState, diagrams ---------------------------------


def test_dynamodb_seeded_and_read_from_python():
    world = World()
    world.create_table("Counters", ("id", "S"))
    world.put_item("Counters", {"id": "a", "n": 1})
    world.register("inc", {"StartAt": "U", "States": {"U": {
        "Type": "Task", "Resource": "arn:aws:states:::dynamodb:updateItem",
        "Parameters": {"TableName": "Counters", "Key": {"id": {"S": "a"}}, "UpdateExpression": "SET n = n + :one",
                       "ConditionExpression": "n < :max",
                       "ExpressionAttributeValues": {":one": {"N": "1"}, ":max": {"N": "3"}}},
        "End": True}}})
    arns = [world.start_execution("inc") for _ in range(3)]
    world.run()
    assert [world.execution(a).status for a in arns].count("SUCCEEDED") == 2
    failed = [world.execution(a) for a in arns if world.execution(a).status == "FAILED"]
    assert failed[0].error == "DynamoDB.ConditionalCheckFailedException"
    assert world.get_item("Counters", {"id": "a"}) == {"id": "a", "n": 3}
    assert world.items("Counters", dynamodb_json=True) == [{"id": {"S": "a"}, "n": {"N": "3"}}]
    dump = world.dump_dynamodb()
    other = World()
    other.load_dynamodb(dump)
    assert other.items("Counters") == [{"id": "a", "n": 3}]
    with pytest.raises(ExecutionError) as raised:
        world.dynamodb_call("PutItem", {"TableName": "Missing", "Item": {"id": {"S": "x"}}})
    assert raised.value.code == "ResourceNotFoundException"


def test_a_state_machine_object_registers_and_renders_the_same_bytes():
    machine = StateMachine(Pass("Hello", result={"hi": 1}))
    world = World()
    world.register("hello", machine)
    arn = world.start_execution("hello")
    world.run()
    assert world.execution(arn).output == {"hi": 1}
    assert stepforge.diagram(machine.to_json()) == stepforge.diagram(machine)


def test_a_definition_that_does_not_validate_raises_its_problems():
    world = World()
    with pytest.raises(ValidationError) as raised:
        world.register("bad", {"StartAt": "Nowhere", "States": {"A": {"Type": "Pass", "End": True}}})
    assert "MISSING_TRANSITION_TARGET" in {p.code for p in raised.value.problems}
    with pytest.raises(ValidationError):
        world.register("bad", "{not json")
    with pytest.raises(ExecutionError) as raised:
        world.start_execution("bad")
    assert raised.value.code == "StateMachineDoesNotExist"


def test_input_that_is_not_json_is_refused():
    world = World()
    world.register("m", {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    with pytest.raises(TypeError, match="start_execution"):
        world.start_execution("m", {"when": object()})
    with pytest.raises(ExecutionError) as raised:
        world.start_execution("m", name="x") and world.start_execution("m", name="x")
    assert raised.value.code == "ExecutionAlreadyExists"


def test_a_loop_without_end_hits_the_transition_limit():
    world = World(transition_limit=1000)
    world.register("loop", {"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B"},
        "B": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": True, "Next": "Done"}], "Default": "A"},
        "Done": {"Type": "Succeed"}}})
    arn = world.start_execution("loop")
    world.run()
    e = world.execution(arn)
    assert (e.status, e.error) == ("FAILED", "States.Runtime")
    assert "1000" in e.cause


def test_test_state_locally():
    response = stepforge.test_state({
        "definition": {"Type": "Pass", "InputPath": "$.a", "Parameters": {"b.$": "$.b"}, "Next": "N"},
        "input": {"a": {"b": 2}},
        "inspectionLevel": "DEBUG",
    })
    assert response["status"] == "SUCCEEDED" and response["nextState"] == "N"
    assert json.loads(response["output"]) == {"b": 2}
    assert json.loads(response["inspectionData"]["afterInputPath"]) == {"b": 2}
    with pytest.raises(ExecutionError) as raised:
        stepforge.test_state({"definition": {"Type": "Nope"}})
    assert raised.value.code == "InvalidDefinition"


def test_diagram_highlights_an_execution():
    definition = {"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.go", "BooleanEquals": True, "Next": "Yes"}],
              "Default": "No"},
        "Yes": {"Type": "Succeed"}, "No": {"Type": "Fail", "Error": "E"}}}
    world = World()
    world.register("m", definition)
    e = world.execution(world.start_execution("m", {"go": True}))
    world.run()
    e = world.execution(e.arn)
    plain = stepforge.diagram(definition)
    lit = stepforge.diagram(definition, "mermaid", e)
    assert plain.startswith("flowchart TD") and lit != plain
    assert stepforge.diagram(definition, "dot").startswith("digraph")
    with pytest.raises(ValueError):
        stepforge.diagram(definition, "svg")
