"""Seed 001, run locally from Python: the concurrency controller's three
machines (built by state_machines.py, the same bytes as expected/) on
stepforge's local executor. The test machine starts 100 executions of the
semaphore machine through its Map of startExecution.sync:2; the semaphore
lets 5 at a time into "Do Work", a job that fails 10% of the time (seeded)
and otherwise takes 1-5 virtual seconds; each failed execution's
status-change event starts the cleanup machine, which gives its slot back.

    python run.py [SEED]

Exits 1 if the semaphore did not hold (more than 5 inside the job, a slot
still held, an execution still running).
"""
import importlib.util
import sys
import time
from pathlib import Path

from stepforge import TaskFailed, TaskResult, World

HERE = Path(__file__).resolve().parent


def machines():
    spec = importlib.util.spec_from_file_location("state_machines", HERE / "state_machines.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def do_work(call):
    """The job: fails 10% of the time, otherwise takes 1-5 virtual seconds.
    It draws from `call.random` (the world's seeded generator), so a seed
    gives one run, and the same run as the Rust and TypeScript examples."""
    if call.random % 10 == 0:
        raise TaskFailed("RandomSimulatedFailure", "the seeded 10%")
    return TaskResult({"done": True}, after_seconds=(1000 + call.random % 4000) / 1000)


def run(seed=2026):
    sm = machines()
    world = World(seed)
    world.register(sm.SEMAPHORE_ARN, sm.semaphore())
    world.register("CC-CleanFromIncomplete", sm.cleanup())
    world.register("CC-ThreadTest", sm.test_run())
    # The sample's EventBridge rule: FAILED, TIMED_OUT or ABORTED starts the cleanup.
    world.on_status_change("CC-CleanFromIncomplete", source=sm.SEMAPHORE_ARN,
                           statuses=["FAILED", "TIMED_OUT", "ABORTED"])
    world.create_table(sm.TABLE, "LockName")
    world.put_item(sm.TABLE, {"LockName": sm.LOCK, "currentlockcount": 0})
    world.handle(sm.WORK, do_work)

    started = time.perf_counter()
    t0 = world.now_millis
    world.start_execution("CC-ThreadTest", {}, name="run")
    idle = world.run()
    wall = time.perf_counter() - started

    executions = world.executions()
    lock = world.get_item(sm.TABLE, {"LockName": sm.LOCK})
    peak = world.peak_occupancy(["Do Work"])

    def count(machine, status):
        return sum(1 for e in executions if e.state_machine_arn.endswith(machine) and e.status == status)

    print(f"seed 001, run locally from Python (seed {seed})")
    print(f"  executions:        {len(executions)} ({idle.running} still running)")
    print(f"  semaphore machine: {count(sm.SEMAPHORE_ARN, 'SUCCEEDED')} succeeded, "
          f"{count(sm.SEMAPHORE_ARN, 'FAILED')} failed (job failures, retried by the test machine)")
    print(f"  cleanup machine:   {count('CC-CleanFromIncomplete', 'SUCCEEDED')} runs, started by the status-change events")
    when = f", first at +{(peak.at_millis - t0) // 1000} s" if peak.at_millis is not None else ""
    print(f"  inside \"Do Work\":  at most {peak.count} at once (limit {sm.LIMIT}){when}")
    print(f"  lock item at end:  {lock}")
    print(f"  virtual time {(world.now_millis - t0) // 1000} s, wall time {wall * 1000:.0f} ms")
    held = {k: v for k, v in (lock or {}).items() if k not in ("LockName", "currentlockcount")}
    ok = peak.count <= sm.LIMIT and idle.running == 0 and lock["currentlockcount"] == 0 and not held
    return world, ok


if __name__ == "__main__":
    _, ok = run(int(sys.argv[1]) if len(sys.argv) > 1 else 2026)
    if not ok:
        print("run.py: the semaphore did not hold: see above", file=sys.stderr)
        sys.exit(1)
