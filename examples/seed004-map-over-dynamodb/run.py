"""Seed 004's three experiments (its README), run locally from Python on the
state machine state_machine.py builds from config.json:

1. concurrency 1, wait 2 s: the Lambda function is invoked once per item, 2 s apart;
2. concurrency 3: the invocations happen together;
3. wait 25 s under a 20 s execution timeout: States.Timeout.

    python run.py
"""
import importlib.util
import json
from pathlib import Path

from stepforge import World

HERE = Path(__file__).resolve().parent
LOG_ITEM = "arn:aws:lambda:us-east-1:123456789012:function:LogItem"


def build(config):
    spec = importlib.util.spec_from_file_location("state_machine", HERE / "state_machine.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build(config)


def experiment(list_file, max_concurrency, wait, timeout):
    """Runs one experiment: the execution, and the virtual seconds after the
    start at which LogItem was called, with its input."""
    config = json.loads((HERE / "config.json").read_text(encoding="utf-8"))
    config["stepfunc"].update(maxConcurrency=max_concurrency, waitDurationSeconds=wait, timeoutDurationSeconds=timeout)
    ddb = config["ddb"]
    world = World(4)
    world.create_table(ddb["tableName"], ddb["partitionKeyName"])
    values = json.loads((HERE / list_file).read_text(encoding="utf-8"))
    world.put_item(ddb["tableName"], {ddb["partitionKeyName"]: ddb["partitionKeyValueField"], "values": values})
    calls = []
    t0 = world.now_millis

    def log_item(call):
        calls.append(((call.now_millis - t0) / 1000, call.input))
        return call.input

    world.handle(LOG_ITEM, log_item)
    world.register("seed004", build(config))
    arn = world.start_execution("seed004", {})
    world.run()
    return world.execution(arn), calls


if __name__ == "__main__":
    for title, args in [("1. concurrency 1, wait 2 s", (1, 2, 20)), ("2. concurrency 3, wait 2 s", (3, 2, 20)),
                        ("3. wait 25 s, timeout 20 s", (1, 25, 20))]:
        execution, calls = experiment("simplelist.json", *args)
        at = ", ".join(f"{t:g}s" for t, _ in calls) or "none"
        error = f" ({execution.error})" if execution.error else ""
        print(f"{title}: {execution.status}{error}; LogItem called at {at}")
