"""Exploration from Python: stepforge's semaphore fragment (with cleanup, with
a lease, with both) holds under random schedules with every fault and in the
bounded exhaustive run; seed 001's sample without a lease is found racy with
a short counterexample; invariants written in Python catch a broken machine;
an invariant that raises, a definition that does not validate and an
exploration too large for its bound give clear errors."""

from __future__ import annotations

import asyncio
import json

import pytest

from conftest import ROOT
from stepforge import (
    ExploreError,
    Explorer,
    Faults,
    Invariant,
    InvariantError,
    InvariantViolation,
    Probe,
    Semaphore,
    Task,
    TaskCall,
    TaskResult,
    ValidationError,
    WorldView,
    World,
    cleanup_machine,
    semaphore_invariants,
)

SEED001 = ROOT / "examples" / "seed001-concurrency-controller" / "expected"


def job(call: TaskCall) -> TaskResult:
    """A job of 1-5 virtual seconds, drawn from the world's generator."""
    return TaskResult({"done": True}, after_seconds=(1000 + call.random % 4001) / 1000)


def fragment_explorer(limit: int, executions: int, cleanup: bool, lease: int | None, **options) -> Explorer:
    """stepforge's semaphore around a one-state job, built and explored from Python."""
    w = World(0)
    w.create_table("Locks", "LockName")
    sem = Semaphore("life", limit, "Locks", **({"lease_seconds": lease} if lease else {}))
    work = Task(
        "Work",
        resource="arn:aws:states:::lambda:invoke",
        parameters={"FunctionName": "work", "Payload.$": "$"},
        output_path="$.Payload",
    )
    main = w.register("main", sem.state_machine(work))
    if cleanup:
        w.register("cleanup", cleanup_machine([("Locks", "life")]))
        w.on_status_change("cleanup", source=main)
    w.handle("work", job)
    for i in range(1, executions + 1):
        w.start_execution(main, {"n": i}, name=f"e{i}")
    return w.explore(
        invariants=semaphore_invariants("Locks", "life", limit, ["Work"]),
        fault_targets=[main],
        watch_states=["Work"],
        probe=Probe(main, limit, after_seconds=sem.lease + 1),
        **options,
    )


DESIGNS = [("with cleanup", True, None), ("with lease", False, 60), ("with both", True, 60)]


@pytest.mark.parametrize("name,cleanup,lease", DESIGNS, ids=[d[0] for d in DESIGNS])
def test_the_fragment_holds_under_random_schedules_with_every_fault(name, cleanup, lease):
    ex = fragment_explorer(3, 10, cleanup, lease, faults=Faults.all(0.03))
    report = ex.random(300, seed=7)
    print(f"{name}: {report.summary()}")
    assert report.counterexample is None, report.counterexample.describe()
    assert report.mode == "random"
    assert report.schedules == 300
    assert report.transitions > 300 * 100
    assert report.complete and report.elapsed_seconds > 0


@pytest.mark.parametrize("name,cleanup,lease", DESIGNS, ids=[d[0] for d in DESIGNS])
def test_the_fragment_holds_in_the_bounded_exhaustive_run(name, cleanup, lease):
    report = fragment_explorer(2, 3, cleanup, lease).exhaustive()
    print(f"{name}: {report.summary()}")
    assert report.counterexample is None, report.counterexample.describe()
    assert report.mode == "exhaustive" and report.complete
    assert report.states > 10_000 and report.schedules > 1, report.summary()
    assert report.transitions >= report.states - 1


def test_the_exhaustive_run_stops_at_its_bound_and_says_so():
    with pytest.raises(ExploreError, match="bound of 500 distinct states") as caught:
        fragment_explorer(2, 3, True, 60).exhaustive(max_states=500)
    assert caught.value.code == "TooLarge"


def seed001_world() -> tuple[World, str]:
    """The AWS sample's semaphore and cleanup (no lease), as examples/seed001-concurrency-controller/ builds them."""
    w = World(0)
    w.create_table("CC-locktable", "LockName")
    w.put_item("CC-locktable", {"LockName": "MySemaphore", "currentlockcount": 0})
    main = w.register("main", (SEED001 / "semaphore.json").read_text())
    w.register("cleanup", (SEED001 / "cleanup.json").read_text())
    w.on_status_change("cleanup", source=main)
    w.handle("*", job)
    for i in range(1, 4):
        w.start_execution(main, {"n": i}, name=f"e{i}")
    return w, main


def test_seed_001s_design_without_a_lease_leaks_a_slot_with_a_short_counterexample():
    w, main = seed001_world()
    ex = w.explore(
        invariants=semaphore_invariants("CC-locktable", "MySemaphore", 5, ["Do Work"]),
        faults={"late_write": 0.2},
        fault_targets=[main],
    )
    report = ex.random(200, seed=1)
    cx = report.counterexample
    assert cx is not None, report.summary()
    print(cx.describe())
    assert cx.violation.invariant == "no slot held at the end"
    assert "ABORTED" in cx.violation.message
    assert "in-flight DynamoDB updateItem lands" in cx.timeline
    assert cx.steps <= 40, cx.steps
    assert cx.mermaid.startswith("sequenceDiagram\n")
    assert cx.schedule in cx.describe()
    # The schedule replays from its text, to the same violation.
    replayed = ex.replay(cx.schedule)
    assert replayed.violation is not None and replayed.violation.invariant == cx.violation.invariant
    assert replayed.timeline == cx.timeline
    assert any(e.status == "ABORTED" for e in replayed.executions())


# A lock whose acquire forgot its condition: every execution takes a slot.
BROKEN_LOCK = {
    "StartAt": "Acquire",
    "States": {
        "Acquire": {
            "Type": "Task",
            "Resource": "arn:aws:states:::dynamodb:updateItem",
            "Parameters": {
                "TableName": "Locks",
                "Key": {"LockName": {"S": "l"}},
                "UpdateExpression": "ADD n :one",
                "ExpressionAttributeValues": {":one": {"N": "1"}},
            },
            "ResultPath": None,
            "Next": "Work",
        },
        "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                 "Parameters": {"FunctionName": "work", "Payload.$": "$"}, "ResultPath": None, "Next": "Release"},
        "Release": {
            "Type": "Task",
            "Resource": "arn:aws:states:::dynamodb:updateItem",
            "Parameters": {
                "TableName": "Locks",
                "Key": {"LockName": {"S": "l"}},
                "UpdateExpression": "ADD n :minus",
                "ExpressionAttributeValues": {":minus": {"N": "-1"}},
            },
            "End": True,
        },
    },
}


def broken_world(executions: int = 3) -> World:
    w = World(0)
    w.create_table("Locks", "LockName")
    w.register("broken", BROKEN_LOCK)
    w.handle("work", job)
    for i in range(executions):
        w.start_execution("broken", {}, name=f"b{i}")
    return w


def test_a_python_invariant_catches_a_broken_machine():
    seen_steps: list[dict] = []

    def at_most_two_in_work(view: WorldView) -> str | None:
        if view.step is not None:
            seen_steps.append(view.step)
        inside = [e.name for e in view.executions() if "Work" in e.states]
        lock = view.get_item("Locks", {"LockName": "l"})
        if len(inside) > 2:
            return f"{len(inside)} executions in Work: {', '.join(inside)}; the lock counts {lock and lock['n']}"
        return None

    report = broken_world().explore(invariants=[at_most_two_in_work], watch_states=["Work"]).random(20, seed=3)
    cx = report.counterexample
    assert cx is not None, report.summary()
    assert cx.violation.invariant == "test_a_python_invariant_catches_a_broken_machine.<locals>.at_most_two_in_work"
    assert cx.violation.message.startswith("3 executions in Work: b0, b1, b2; the lock counts 3"), cx.violation.message
    assert "Locks = {LockName: l, n: 3}" in cx.timeline
    assert any(s["write"] and s["write"]["table"] == "Locks" for s in seen_steps)

    # The same check as a bare AssertionError (what `assert` raises outside
    # pytest's rewriting), in exhaustive mode: the message says where.
    def asserted(view: WorldView) -> None:
        if len(view.executions_in(["Work"])) > 2:
            raise AssertionError

    report = broken_world().explore(invariants=[Invariant("two at most", asserted)], watch_states=["Work"]).exhaustive()
    cx = report.counterexample
    assert cx is not None and cx.violation.invariant == "two at most"
    line = asserted.__code__.co_firstlineno + 2
    assert cx.violation.message == f"assertion failed at line {line}: raise AssertionError"


def test_every_way_an_invariant_reports_a_violation():
    answers = {
        "False": lambda v: False,
        "a message": lambda v: "the lock is busy",
        "InvariantViolation": lambda v: (_ for _ in ()).throw(InvariantViolation("two owners")),
    }
    for name, check in answers.items():
        cx = broken_world(1).explore(invariants=[Invariant(name, check)]).random(1).counterexample
        assert cx is not None and cx.violation.invariant == name
        assert cx.violation.message == {"False": "the invariant returned False", "a message": "the lock is busy",
                                        "InvariantViolation": "two owners"}[name]
    for holds in (lambda v: None, lambda v: True):
        assert broken_world(1).explore(invariants=[holds]).random(3).counterexample is None


def test_an_end_invariant_sees_every_execution_ended():
    ends: list[list[str]] = []

    def record(view: WorldView) -> None:
        assert view.at_end and view.step is None
        ends.append([e.status for e in view.executions()])

    report = broken_world(2).explore(invariants=[Invariant("at end", record, at="end")]).random(4)
    assert report.counterexample is None
    assert ends == [["SUCCEEDED", "SUCCEEDED"]] * 4


def test_an_invariant_that_raises_stops_the_exploration_with_a_clear_error():
    def reads_a_missing_attribute(view: WorldView) -> None:
        for item in view.items("Locks"):
            item["owner"]

    with pytest.raises(InvariantError) as caught:
        broken_world().explore(invariants=[reads_a_missing_attribute]).random(50)
    e = caught.value
    assert e.invariant.endswith("reads_a_missing_attribute")
    assert str(e) == f"the invariant `{e.invariant}` raised KeyError: 'owner'"
    assert isinstance(e.__cause__, KeyError)

    with pytest.raises(InvariantError, match=r"returned 42: an invariant returns None or True"):
        broken_world().explore(invariants=[Invariant("number", lambda v: 42)]).exhaustive()


def test_a_view_kept_past_its_call_refuses_to_be_read():
    kept: list[WorldView] = []
    broken_world(1).explore(invariants=[lambda v: kept.append(v)]).random(1)
    assert kept
    with pytest.raises(RuntimeError, match="kept past its invariant's call"):
        kept[0].executions()


def test_an_async_handler_gives_a_clear_error():
    w = broken_world(1)

    async def later(call: TaskCall) -> dict:
        await asyncio.sleep(0)
        return {}

    w.handle("work", later)
    with pytest.raises(TypeError, match=r"handler of `Work` \(work\) returned an awaitable: exploration calls"):
        w.explore().random(2)


def test_a_definition_that_does_not_validate_gives_the_validators_problems():
    w = World(0)
    bad = json.loads(json.dumps(BROKEN_LOCK))
    bad["States"]["Work"]["Next"] = "Nowhere"
    with pytest.raises(ValidationError) as caught:
        w.register("broken", bad)
    problems = {(p.code, p.pointer) for p in caught.value.problems}
    assert ("MISSING_TRANSITION_TARGET", "/States/Work/Next") in problems, problems


def test_bad_options_are_refused():
    w = broken_world(1)
    with pytest.raises(ValueError, match="not a fault; the faults are throttle, error_before_write"):
        Faults({"slow": 0.1})
    with pytest.raises(ValueError, match="a rate is between 0 and 1"):
        Faults.all(2)
    with pytest.raises(ExploreError, match='no state machine "nope"'):
        w.explore(fault_targets=["nope"])
    with pytest.raises(TypeError, match="neither an Invariant nor a callable"):
        w.explore(invariants=[1])  # type: ignore[list-item]
    with pytest.raises(ExploreError, match="not a schedule"):
        w.explore().replay("nonsense")
    assert Faults({"error_after_write": 0.5}, max_per_schedule=1).rate("error_after_write") == 0.5
    assert Faults.names()[:3] == ["throttle", "error_before_write", "error_after_write"]
