"""The machines stepforge.cdk synthesizes, run on stepforge's local executor
(``stepforge.World``, in-memory DynamoDB): definitions taken from the
synthesized templates (the table's name, function ARNs and machine ARNs
substituted for their tokens), the cleanup rule wired as the stack wires it.

- seed 001's stack: the first user of a lock creates it and holds a slot, an
  acquire retried after it succeeded is recognised (the DynamoDB integration
  replaced by a handler that writes, then fails), never more than the limit
  inside the job, a slot left by a timed-out execution comes back through the
  cleanup machine, and (cleanup disabled) through the lease; the test
  machine's 100 executions through startExecution.sync:2;
- seed 004's three experiments on its synthesized machine;
- seed 002's catch_the_fish: phases in order, each step's jobs in parallel.
"""

from __future__ import annotations

import datetime
import json
import types

import pytest

cdk = pytest.importorskip("aws_cdk")

import stepforge  # noqa: E402
from cdk_templates import (  # noqa: E402
    EXAMPLES,
    example_module,
    machine_definition,
    only,
    resources,
    synth_example,
    synth_stack,
)

MACHINE = "AWS::StepFunctions::StateMachine"
TABLE = "LOCKTABLE"
LOCK = "MySemaphore"
LIMIT = 5
DO_WORK = "arn:aws:lambda:us-east-1:123456789012:function:DoWork"
SEMAPHORE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:Semaphore"
ENTERED = "Acquire MySemaphore Lock: 1"


def seed001_machines(template: dict) -> types.SimpleNamespace:
    """Seed 001's definitions (tokens substituted) and its cleanup rule."""
    ids = {
        "table": only(template, "AWS::DynamoDB::Table"),
        "function": only(template, "AWS::Lambda::Function", "DoWorkFunction"),
        "semaphore": only(template, MACHINE, "ConcurrencyControlledStateMachine"),
        "test": only(template, MACHINE, "TestStateMachine"),
        "cleanup": only(template, MACHINE, "StepforgeSemaphoreLocksCleanup"),
    }
    refs = {ids["table"]: TABLE, (ids["function"], "Arn"): DO_WORK, ids["semaphore"]: SEMAPHORE_ARN}
    (rule,) = resources(template, "AWS::Events::Rule").values()
    return types.SimpleNamespace(
        ids=ids,
        refs=refs,
        rule=rule["Properties"],
        **{name: machine_definition(template, ids[name], refs) for name in ("semaphore", "test", "cleanup")},
    )


@pytest.fixture(scope="module")
def seed001() -> types.SimpleNamespace:
    return seed001_machines(synth_example("seed001-concurrency-controller")["ConcurrencyControllerStack"])


def wire_cleanup_rule(world: stepforge.World, machines: types.SimpleNamespace, names: dict) -> None:
    """The stack's EventBridge rule on the world: each machine its pattern
    names, in the statuses it names, starts the rule's target."""
    pattern = machines.rule["EventPattern"]
    assert pattern["source"] == ["aws.states"]
    assert pattern["detail-type"] == ["Step Functions Execution Status Change"]
    (target,) = machines.rule["Targets"]
    for source in pattern["detail"]["stateMachineArn"]:
        world.on_status_change(names[target["Arn"]["Ref"]], source=names[source["Ref"]], statuses=pattern["detail"]["status"])


def seed001_world(machines: types.SimpleNamespace, *, seed: int = 7, cleanup: bool = True) -> stepforge.World:
    world = stepforge.World(seed)
    names = {
        machines.ids["semaphore"]: world.register(SEMAPHORE_ARN, machines.semaphore),
        machines.ids["cleanup"]: world.register("Cleanup", machines.cleanup),
        machines.ids["test"]: world.register("Test", machines.test),
    }
    assert names[machines.ids["semaphore"]] == SEMAPHORE_ARN
    if cleanup:
        wire_cleanup_rule(world, machines, names)
    world.create_table(TABLE, "LockName")
    return world


def lock_item(world: stepforge.World) -> dict:
    item = world.get_item(TABLE, {"LockName": LOCK})
    assert item is not None
    return item


def owners(item: dict) -> dict:
    return {k: v for k, v in item.items() if k not in ("LockName", "currentlockcount")}


def entered(execution: stepforge.Execution) -> list:
    """The states an execution entered, in order."""
    return [e["stateEnteredEventDetails"]["name"] for e in execution.history() if "stateEnteredEventDetails" in e]


def iso(millis: int) -> str:
    """A time as ``$$.State.EnteredTime`` writes it."""
    at = datetime.datetime.fromtimestamp(millis / 1000, tz=datetime.timezone.utc)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{millis % 1000:03d}Z"


def test_the_first_user_creates_the_lock_and_holds_a_slot(seed001):
    world = seed001_world(seed001)
    inside = []

    async def job(call):
        # Read while the job runs: the world is free between its steps.
        inside.append(world.get_item(TABLE, {"LockName": LOCK}))
        return {"done": True}

    world.handle(DO_WORK, job)
    arn = world.start_execution(SEMAPHORE_ARN, {}, name="first")
    assert world.get_item(TABLE, {"LockName": LOCK}) is None
    world.run()
    execution = world.execution(arn)
    assert execution.status == "SUCCEEDED"
    (item,) = inside
    assert item["currentlockcount"] == 1 and list(owners(item)) == [arn]
    # The update's condition failed on no item, the read saw none, the item
    # was made, and the update went again: never past the lock without a slot.
    names = entered(execution)
    assert names[names.index(ENTERED):names.index("Do Work")] == [
        ENTERED, "Read MySemaphore Lock: 1", "Check MySemaphore Lock: 1", "Initialize MySemaphore Lock Item: 1",
        ENTERED, "MySemaphore Lock Acquired: 1", "Run MySemaphore Job: 1",
    ]
    assert lock_item(world) == {"LockName": LOCK, "currentlockcount": 0}


def test_an_acquire_that_fails_after_its_write_is_recognised_on_retry(seed001):
    """The DynamoDB updateItem integration replaced by a handler that makes
    the call on the world's table: the first acquire writes, then fails with
    a transient error (as a lost response would); the retry's condition fails
    (already an owner), the read finds this execution's entry, and the job
    runs on the one slot taken."""
    world = seed001_world(seed001)
    world.put_item(TABLE, {"LockName": LOCK, "currentlockcount": 0})
    acquires = []

    async def update_item(call):
        if call.state_name == ENTERED:
            acquires.append(call.retry_count)
        try:
            response = world.dynamodb_call("UpdateItem", call.input)
        except stepforge.ExecutionError as e:
            raise stepforge.TaskFailed(f"DynamoDB.{e.code}", str(e)) from None
        if call.state_name == ENTERED and call.retry_count == 0:
            raise stepforge.TaskFailed("DynamoDB.InternalServerErrorException", "the response was lost")
        return response

    inside = []

    async def job(call):
        inside.append(world.get_item(TABLE, {"LockName": LOCK}))
        return {}

    world.handle("arn:aws:states:::dynamodb:updateItem", update_item)
    world.handle(DO_WORK, job)
    arn = world.start_execution(SEMAPHORE_ARN, {}, name="lost-response")
    world.run()
    execution = world.execution(arn)
    assert execution.status == "SUCCEEDED"
    assert acquires == [0, 1]
    names = entered(execution)
    assert names[names.index(ENTERED):names.index("Do Work")] == [
        ENTERED, "Read MySemaphore Lock: 1", "Check MySemaphore Lock: 1", "MySemaphore Lock Acquired: 1",
        "Run MySemaphore Job: 1",
    ]
    (item,) = inside
    assert item["currentlockcount"] == 1 and list(owners(item)) == [arn]
    assert lock_item(world) == {"LockName": LOCK, "currentlockcount": 0}


def test_an_owner_entry_already_in_the_table_is_recognised(seed001):
    """What a retried acquire meets, seeded: this execution's own owner entry,
    counted (and one other owner). It goes into the job without a second slot."""
    world = seed001_world(seed001)
    arn = world.start_execution(SEMAPHORE_ARN, {}, name="retried")
    other = SEMAPHORE_ARN.replace(":stateMachine:", ":execution:") + ":other"
    now = iso(world.now_millis)
    world.put_item(TABLE, {"LockName": LOCK, "currentlockcount": 2, arn: now, other: now})
    inside = []

    async def job(call):
        inside.append(world.get_item(TABLE, {"LockName": LOCK}))
        return {}

    world.handle(DO_WORK, job)
    world.run()
    execution = world.execution(arn)
    assert execution.status == "SUCCEEDED"
    names = entered(execution)
    # The conditional update fails (already an owner), the read sees the entry, the job runs.
    assert names[names.index(ENTERED):names.index("Do Work")] == [
        ENTERED, "Read MySemaphore Lock: 1", "Check MySemaphore Lock: 1", "MySemaphore Lock Acquired: 1",
        "Run MySemaphore Job: 1",
    ]
    (item,) = inside
    assert item["currentlockcount"] == 2, "no second slot taken"
    # Its one slot given back; the other owner's untouched.
    assert lock_item(world) == {"LockName": LOCK, "currentlockcount": 1, other: now}


def test_never_more_than_the_limit_inside_the_job(seed001):
    world = seed001_world(seed001, seed=11)
    world.handle(DO_WORK, lambda call: stepforge.TaskResult({}, after_seconds=1 + call.random % 5))
    for i in range(30):
        world.start_execution(SEMAPHORE_ARN, {"n": i}, name=f"e{i}")
    idle = world.run()
    assert idle.running == 0
    statuses = [e.status for e in world.executions()]
    assert statuses.count("SUCCEEDED") == 30
    peak = world.peak_occupancy(["Do Work"])
    assert peak.count == LIMIT
    assert lock_item(world) == {"LockName": LOCK, "currentlockcount": 0}


def timed_out_holder(seed001, *, cleanup: bool) -> tuple:
    """One execution whose job outlasts the machine's timeout (3600 s): it
    times out holding its slot. A second execution starts as it does."""
    world = seed001_world(seed001, cleanup=cleanup)
    calls = []

    def job(call):
        calls.append(call.now_millis)
        return stepforge.TaskResult({}, after_seconds=5000 if len(calls) == 1 else 1)

    world.handle(DO_WORK, job)
    holder = world.start_execution(SEMAPHORE_ARN, {}, name="holder")
    return world, holder, calls


def test_a_timed_out_executions_slot_comes_back_through_the_cleanup(seed001):
    world, holder, calls = timed_out_holder(seed001, cleanup=True)
    t0 = world.now_millis
    world.run()
    assert world.execution(holder).status == "TIMED_OUT"
    (cleanup,) = [e for e in world.executions() if e.state_machine_arn.endswith(":Cleanup")]
    assert cleanup.status == "SUCCEEDED"
    assert cleanup.input["detail"]["executionArn"] == holder and cleanup.input["detail"]["status"] == "TIMED_OUT"
    assert lock_item(world) == {"LockName": LOCK, "currentlockcount": 0}
    # The slot is free again right away: a new execution gets in at once.
    later = world.start_execution(SEMAPHORE_ARN, {}, name="later")
    world.run()
    assert world.execution(later).status == "SUCCEEDED"
    assert calls[-1] - t0 == world.execution(later).start_millis - t0 >= 3600 * 1000


def test_without_the_cleanup_a_timed_out_executions_slot_stays(seed001):
    world, holder, _ = timed_out_holder(seed001, cleanup=False)
    world.run()
    assert world.execution(holder).status == "TIMED_OUT"
    item = lock_item(world)
    assert item["currentlockcount"] == 1 and list(owners(item)) == [holder]


def lease_machine(limit: int) -> dict:
    """A stack whose semaphore has the cleanup disabled, its lease learned
    from the machine's 5-minute timeout; the job invokes DO_WORK."""
    from aws_cdk import aws_lambda as lambda_
    from aws_cdk import aws_stepfunctions as sfn
    from aws_cdk import aws_stepfunctions_tasks as tasks
    from stepforge.cdk import Semaphore

    def build(stack):
        function = lambda_.Function.from_function_arn(stack, "Work", DO_WORK)
        job = tasks.LambdaInvoke(stack, "Do Work", lambda_function=function, result_path=sfn.JsonPath.DISCARD)
        fragment = Semaphore(stack, "Sem", lock_name=LOCK, limit=limit, job=job,
                             next_state=sfn.Succeed(stack, "Done"), cleanup=False)
        sfn.StateMachine(stack, "M", definition_body=sfn.DefinitionBody.from_chainable(fragment),
                         timeout=cdk.Duration.minutes(5))

    template = synth_stack(build).template
    assert len(resources(template, MACHINE)) == 1 and not resources(template, "AWS::Events::Rule")
    return machine_definition(template, only(template, MACHINE), {only(template, "AWS::DynamoDB::Table"): TABLE})


def test_without_the_cleanup_a_stale_slot_comes_back_through_the_lease():
    """Limit 2, both slots held by executions that are gone (they acquired
    200 s before); the new executions wait until the 300 s lease has passed
    (100 s on), reclaim the slots and all get through, two at a time, within
    their own 300 s timeout."""
    definition = lease_machine(limit=2)
    world = stepforge.World(3)
    world.register("M", definition)
    world.create_table(TABLE, "LockName")
    t0 = world.now_millis
    gone = [f"arn:aws:states:us-east-1:123456789012:execution:M:gone{i}" for i in range(2)]
    world.put_item(TABLE, {"LockName": LOCK, "currentlockcount": 2, **{g: iso(t0 - 200 * 1000) for g in gone}})
    starts = []

    def job(call):
        starts.append(call.now_millis - t0)
        return stepforge.TaskResult({}, after_seconds=10)

    world.handle(DO_WORK, job)
    for i in range(4):
        world.start_execution("M", {}, name=f"e{i}")
    world.run()
    assert [e.status for e in world.executions()] == ["SUCCEEDED"] * 4
    # Nobody gets in before the lease has passed; the jittered wait is capped (10 s), so soon after.
    assert 100 * 1000 <= min(starts) <= 111 * 1000
    reclaimed = [e for e in world.executions() if "Reclaim Stale MySemaphore Slot: 1" in entered(e)]
    assert len(reclaimed) == 2
    assert world.peak_occupancy(["Do Work"]).count == 2
    assert lock_item(world) == {"LockName": LOCK, "currentlockcount": 0}


def test_the_seed001_stacks_test_machine_runs_100_executions_through_the_semaphore(seed001):
    """Like examples/seed001-concurrency-controller/run.py, on the synthesized
    definitions: the job fails 10% of the time (the test machine retries),
    otherwise takes 1-5 virtual seconds; failed executions' cleanups run."""
    world = seed001_world(seed001, seed=2026)

    def do_work(call):
        if call.random % 10 == 0:
            raise stepforge.TaskFailed("RandomSimulatedFailure", "the seeded 10%")
        return stepforge.TaskResult({"done": True}, after_seconds=(1000 + call.random % 4000) / 1000)

    world.handle(DO_WORK, do_work)
    run = world.start_execution("Test", {}, name="run")
    idle = world.run()
    assert idle.running == 0
    assert world.execution(run).status == "SUCCEEDED"
    executions = world.executions()
    semaphore = [e for e in executions if e.state_machine_arn == SEMAPHORE_ARN]
    succeeded = [e for e in semaphore if e.status == "SUCCEEDED"]
    failed = [e for e in semaphore if e.status == "FAILED"]
    assert len(succeeded) == 100 and failed and {e.error for e in failed} == {"RandomSimulatedFailure"}
    cleanups = [e for e in executions if e.state_machine_arn.endswith(":Cleanup")]
    assert len(cleanups) == len(failed) and all(e.status == "SUCCEEDED" for e in cleanups)
    assert world.peak_occupancy(["Do Work"]).count == LIMIT
    assert lock_item(world) == {"LockName": LOCK, "currentlockcount": 0}


# --- seed 004: the three experiments on the synthesized machine ---

SEED004 = EXAMPLES / "seed004-map-over-dynamodb"
LOG_ITEM = "arn:aws:lambda:us-east-1:123456789012:function:LogItem"


def seed004_experiment(max_concurrency: int, wait: int, timeout: int) -> tuple:
    """Synthesizes seed 004's stack for the experiment's config, runs its
    machine; returns the execution and LogItem's calls (seconds after the start)."""
    config = json.loads((SEED004 / "config.json").read_text())
    config["stepfunc"].update(maxConcurrency=max_concurrency, waitDurationSeconds=wait, timeoutDurationSeconds=timeout)
    example = example_module("seed004-map-over-dynamodb")
    app = cdk.App()
    example.StpfncStack(app, "Stack", config=config)
    template = app.synth().get_stack_by_name("Stack").template
    ddb = config["ddb"]
    refs = {
        only(template, "AWS::DynamoDB::Table"): ddb["tableName"],
        (only(template, "AWS::Lambda::Function"), "Arn"): LOG_ITEM,
    }
    definition = machine_definition(template, only(template, MACHINE), refs)
    world = stepforge.World(4)
    world.create_table(ddb["tableName"], ddb["partitionKeyName"])
    values = json.loads((SEED004 / "simplelist.json").read_text())
    world.put_item(ddb["tableName"], {ddb["partitionKeyName"]: ddb["partitionKeyValueField"], "values": values})
    t0 = world.now_millis
    calls = []

    def log_item(call):
        calls.append(((call.now_millis - t0) / 1000, call.input))
        return call.input

    world.handle(LOG_ITEM, log_item)
    world.register("seed004", definition)
    arn = world.start_execution("seed004", {})
    world.run()
    return world.execution(arn), calls, values


def test_seed004_concurrency_1_invokes_one_item_every_2_seconds():
    execution, calls, values = seed004_experiment(1, 2, 20)
    assert execution.status == "SUCCEEDED"
    times = [t for t, _ in calls]
    assert len(calls) == len(values) and len(values) >= 2
    assert all(b - a == 2 for a, b in zip(times, times[1:]))


def test_seed004_concurrency_3_invokes_together():
    execution, calls, values = seed004_experiment(3, 2, 20)
    assert execution.status == "SUCCEEDED"
    times = [t for t, _ in calls]
    # The first three items together, after one wait; any more in the next round.
    assert times[:3] == [2, 2, 2]
    assert len(calls) == len(values)


def test_seed004_wait_past_the_timeout_is_states_timeout():
    execution, calls, _ = seed004_experiment(1, 25, 20)
    assert execution.status == "TIMED_OUT" and execution.error == "States.Timeout"
    assert calls == []


# --- seed 002: catch_the_fish on the synthesized phased job ---


def test_seed002_catch_the_fish_phases_in_order_each_steps_jobs_in_parallel():
    template = synth_example("seed002-phased-jobs")["PhasedJobFunctions"]
    functions = resources(template, "AWS::Lambda::Function")
    arn = "arn:aws:lambda:us-east-1:123456789012:function:{}".format
    jobs = {f["Properties"]["Environment"]["Variables"]["JOB"]: fid for fid, f in functions.items()}
    definition = machine_definition(template, only(template, MACHINE), {(fid, "Arn"): arn(job) for job, fid in jobs.items()})
    graph = json.loads((EXAMPLES / "seed002-phased-jobs" / "catch_the_fish.json").read_text())
    world = stepforge.World(2)
    t0 = world.now_millis
    runs = {}

    def handler(name, seconds):
        def run(call):
            runs[name] = (call.now_millis - t0, call.now_millis - t0 + seconds * 1000)
            return stepforge.TaskResult({"done": name}, after_seconds=seconds)
        return run

    # Different durations, so a step's end is its slowest job's.
    for i, name in enumerate(sorted(jobs)):
        world.handle(arn(name), handler(name, 1 + i % 3))
    world.register("CatchTheFish", definition)
    execution = world.execution(world.start_execution("CatchTheFish", {}))
    world.run()
    assert world.execution(execution.arn).status == "SUCCEEDED"
    assert set(runs) == set(jobs)
    # Walk the graph: phases from currentPhase by `next`, steps in their order.
    phase, previous_end = graph["currentPhase"], 0
    while phase in graph["phases"]:
        for step in graph["phases"][phase]["steps"].values():
            starts = {runs[job][0] for job in step["jobs"]}
            assert len(starts) == 1, f"the jobs of step {step} start together"
            (start,) = starts
            assert start >= previous_end, f"step {step} starts after the one before ends"
            previous_end = max(runs[job][1] for job in step["jobs"])
        phase = graph["phases"][phase]["next"]
