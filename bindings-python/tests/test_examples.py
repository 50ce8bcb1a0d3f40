"""The seed examples' Python programs: each state machine is valid and renders
the bytes in the example's expected/ directory, which the TypeScript program
must render too (bindings-node/__test__/examples.test.js)."""

from __future__ import annotations

import importlib.util
import json

import pytest

import stepforge

from conftest import ROOT

SEED1 = ROOT / "examples" / "seed001-concurrency-controller"
SEED4 = ROOT / "examples" / "seed004-map-over-dynamodb"


def load(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["semaphore", "cleanup", "test"])
def test_seed_001_machines_render_the_expected_bytes(name):
    machine = load(SEED1 / "state_machines.py").MACHINES[name]()
    assert machine.validate() == []
    text = machine.to_json()
    assert text + "\n" == (SEED1 / "expected" / f"{name}.json").read_text(encoding="utf-8")
    assert stepforge.validate(text) == []


def test_seed_001_fixes_the_defects_the_seeds_list():
    definition = json.loads(load(SEED1 / "state_machines.py").semaphore().to_json())
    branch = definition["States"]["Get Lock"]["Branches"][0]["States"]
    # The state that creates the lock item goes back to acquiring it.
    assert branch["Initialize Lock Item"]["Next"] == "Acquire Lock"
    # The count is compared with `<`, and the "already holds a slot" check matches *Z*.
    assert "currentlockcount < :limit" in branch["Acquire Lock"]["Parameters"]["ConditionExpression"]
    rule = branch["Check If Lock Already Acquired"]["Choices"][0]["And"][1]
    assert rule["StringMatches"] == "*Z*"
    # A failed condition goes to the read-check-wait loop, not to the catch-all retrier.
    first_retry = branch["Acquire Lock"]["Retry"][0]
    assert "DynamoDB.ConditionalCheckFailedException" in first_retry["ErrorEquals"] and first_retry["MaxAttempts"] == 0


def test_seed_004_machine_from_its_config():
    config = json.loads((SEED4 / "config.json").read_text(encoding="utf-8"))
    definition = json.loads(load(SEED4 / "state_machine.py").build(config).to_json())
    assert definition["TimeoutSeconds"] == config["stepfunc"]["timeoutDurationSeconds"]
    assert definition["States"]["Get List"]["OutputPath"] == "$.Item.values.L"
    assert definition["States"]["Process Items"]["MaxConcurrency"] == config["stepfunc"]["maxConcurrency"]
