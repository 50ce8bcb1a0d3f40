"""moto's Step Functions executor on the cases of bench/exec/cases.json: one
JSON line per case with executions/s.

moto runs definitions only with the `execute_state_machine` switch of its
`stepfunctions` config (otherwise every execution "succeeds" at once without
running anything). Each execution is started through boto3 and polled with
DescribeExecution until it ends; its output is checked against the case's.

    python exec_peers.py CASES_JSON [SECONDS]
"""

import json
import os
import sys
import time

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")

import boto3  # noqa: E402
import moto  # noqa: E402
from moto import mock_aws  # noqa: E402

ROLE = "arn:aws:iam::123456789012:role/bench"


@mock_aws(config={"stepfunctions": {"execute_state_machine": True}})
def main(cases_file, seconds):
    cases = json.load(open(cases_file))["cases"]
    sfn = boto3.client("stepfunctions")
    for case in cases:
        with open(os.path.join(os.path.dirname(cases_file), case["definition"])) as f:
            definition = f.read()
        arn = sfn.create_state_machine(name="bench-" + case["name"], definition=definition, roleArn=ROLE)[
            "stateMachineArn"
        ]
        runs, spent = 0, 0.0
        text = json.dumps(case["input"])
        while runs < 2 or spent < seconds:
            t = time.perf_counter()
            ex = sfn.start_execution(stateMachineArn=arn, name=f"run-{runs}", input=text)["executionArn"]
            while True:
                d = sfn.describe_execution(executionArn=ex)
                if d["status"] != "RUNNING":
                    break
                time.sleep(0.0005)
            spent += time.perf_counter() - t
            runs += 1
            if d["status"] != "SUCCEEDED" or json.loads(d.get("output", "null")) != case["expected"]:
                sys.exit(f"{case['name']}: {d['status']} {d.get('error')} {d.get('cause')} {d.get('output', '')[:300]}")
        print(
            json.dumps(
                {"case": case["name"], "executions": runs, "executions_per_s": runs / spent, "moto": moto.__version__}
            ),
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 2.0)
