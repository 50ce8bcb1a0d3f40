"""stepforge's executor from Python on the cases of bench/exec/cases.json: one
JSON line per case with executions/s, as exec_peers.py prints for moto.

Each execution runs in a fresh World with the case's machine registered
(outside the timing, as the peers build their machine once); the timing covers
start_execution, run_until_idle and reading the output back into Python,
which is checked against the case's.

    python exec_bindings.py CASES_JSON [SECONDS]
"""

import json
import os
import sys
import time

from stepforge import World


def main(cases_file, seconds):
    cases = json.load(open(cases_file))["cases"]
    for case in cases:
        with open(os.path.join(os.path.dirname(cases_file), case["definition"])) as f:
            definition = f.read()
        runs, spent, transitions = 0, 0.0, 0
        while runs < 3 or spent < seconds:
            world = World(0)
            world.register("bench", definition)
            t = time.perf_counter()
            arn = world.start_execution("bench", case["input"])
            world.run_until_idle()
            execution = world.execution(arn)
            output = execution.output
            spent += time.perf_counter() - t
            runs += 1
            if execution.status != "SUCCEEDED" or output != case["expected"]:
                sys.exit(f"{case['name']}: {execution.status} {execution.error} {str(output)[:300]}")
            if runs == 1:
                transitions = sum(e["type"].endswith("StateEntered") for e in execution.history())
        print(json.dumps({"case": case["name"], "executions": runs, "executions_per_s": runs / spent,
                          "transitions_per_execution": transitions}))


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 2.0)
