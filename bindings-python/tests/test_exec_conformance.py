"""The executor's shared suites through Python: the conformance cases of
core/tests/exec_conformance/ (the same files and expected outcomes as the
Rust suite) and the determinism vector (byte-identical histories)."""

from __future__ import annotations

import json

import pytest

from stepforge import TaskFailed, TaskResult, World

from conftest import ROOT

CONFORMANCE = ROOT / "core" / "tests" / "exec_conformance"
DETERMINISM = ROOT / "core" / "tests" / "exec_determinism"
CASES = sorted(CONFORMANCE.glob("*.json"))


def scripted(script):
    """A handler answering with the case's script in order, the last one repeating."""
    calls = iter(range(10**9))

    def handler(call):
        step = script[min(next(calls), len(script) - 1)]
        if "error" in step:
            raise TaskFailed(step["error"], step.get("cause", ""))
        return TaskResult(step.get("output"), after_seconds=step.get("afterSeconds", 0))

    return handler


def test_the_suite_is_there():
    assert len(CASES) >= 30


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_conformance(path):
    case = json.loads(path.read_text(encoding="utf-8"))
    world = World(case.get("seed", 0))
    for resource, script in case.get("handlers", {}).items():
        world.handle(resource, scripted(script))
    world.register("conformance", case["definition"])
    arn = world.start_execution("conformance", case.get("input", {}), name="case")
    world.run()
    e = world.execution(arn)
    want = case["expected"]
    assert e.status == want["status"], (e.error, e.cause)
    if "output" in want:
        assert e.output == want["output"]
    if "error" in want:
        assert e.error == want["error"], e.cause
    if "cause" in want:
        assert e.cause == want["cause"]
    if "expectedSeconds" in case:
        assert (e.stop_millis - e.start_millis) / 1000 == case["expectedSeconds"]


def flaky(call):
    """The rule core/tests/exec_determinism/case.json describes."""
    r = call.random
    if r % 4 == 0:
        raise TaskFailed("Flaky", "r % 4 == 0")
    return TaskResult({"item": call.input, "r": r % 1000}, after_seconds=(r % 3000) / 1000)


def test_same_seed_gives_the_histories_rust_gives_byte_for_byte():
    case = json.loads((DETERMINISM / "case.json").read_text(encoding="utf-8"))
    world = World(case["seed"])
    world.register("determinism", case["definition"])
    world.handle(case["handler"], flaky)
    arns = [world.start_execution("determinism", e["input"], name=e["name"]) for e in case["executions"]]
    assert world.run().running == 0
    got = "".join(world.execution(a).history_json() + "\n" for a in arns)
    assert got == (DETERMINISM / "histories.jsonl").read_text(encoding="utf-8")
