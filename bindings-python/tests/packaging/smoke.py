"""Checks an installed stepforge wheel in a fresh virtual environment:
import, build, validate, render, marshall, and the command-line entry points
(`python -m stepforge`, `stepforge`, `load-ddb`).

Run with the environment's Python: `python smoke.py`. Exits non-zero on failure."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal
from typing import Any

import stepforge
from stepforge import Choice, Condition, Pass, StateMachine, Succeed, Task, ValidationError


def check(condition: bool, what: str) -> None:
    if not condition:
        sys.exit(f"smoke: FAILED: {what}")
    print(f"smoke: ok: {what}")


def main() -> None:
    check("site-packages" in pathlib.Path(stepforge.__file__).parts, f"imported from the wheel ({stepforge.__file__})")
    check(pathlib.Path(stepforge.__file__).with_name("py.typed").is_file(), "py.typed is installed")
    check(pathlib.Path(stepforge.__file__).with_name("_native.pyi").is_file(), "_native.pyi is installed")

    work = Task("Work", resource="arn:aws:lambda:us-east-1:123456789012:function:work").add_retry(max_attempts=2)
    done = Succeed("Done")
    choice = Choice("Again?").when(Condition.boolean_equals("$.again", True), work).otherwise(done)
    machine = StateMachine(Pass("Start").next(work).next(choice), timeout_seconds=60)
    text = machine.to_json()
    check(json.loads(text)["StartAt"] == "Start" and machine.validate() == [], "builds and renders a state machine")
    check(stepforge.validate(text) == [] and stepforge.format_definition(text) == text, "validates its rendering")
    try:
        stepforge.format_definition('{"StartAt": "A", "States": {}}')
        check(False, "invalid definitions raise")
    except ValidationError as e:
        check("MISSING_TRANSITION_TARGET" in [p.code for p in e.problems], "invalid definitions raise")

    version = f"stepforge {stepforge.__version__}"
    result = subprocess.run([sys.executable, "-m", "stepforge", "--version"], capture_output=True, text=True)
    check(result.returncode == 0 and result.stdout.strip() == version, f"python -m stepforge --version: {version}")
    script = shutil.which("stepforge", path=os.path.dirname(sys.executable))
    check(script is not None, "the stepforge console script is installed")
    assert script is not None
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp, "machine.json")
        path.write_text(text, encoding="utf-8")
        result = subprocess.run([script, "validate", str(path)], capture_output=True, text=True)
        check(result.returncode == 0 and result.stdout == "", "stepforge validate machine.json")
        path.write_text('{"StartAt": "A", "States": {}}', encoding="utf-8")
        result = subprocess.run([script, "validate", str(path)], capture_output=True, text=True)
        check(result.returncode == 1 and "MISSING_TRANSITION_TARGET" in result.stdout, "stepforge validate reports problems")

    big = 12345678901234567890123456789012345678
    item: dict[str, Any] = {"id": "a", "n": big, "d": Decimal("0.1"), "b": b"\x00", "s": {"x"}}
    typed = stepforge.marshall(item)
    check(typed["n"] == {"N": str(big)} and typed["b"] == {"B": b"\x00"}, "marshall (binary as bytes, for boto3)")
    check(stepforge.marshall(item, binary="base64")["b"] == {"B": "AA=="}, "marshall(binary='base64')")
    check(stepforge.unmarshall(typed) == {**item, "n": Decimal(big)}, "unmarshall(marshall(item)), exactly")
    load_ddb = shutil.which("load-ddb", path=os.path.dirname(sys.executable))
    check(load_ddb is not None, "the load-ddb console script is installed")
    assert load_ddb is not None
    result = subprocess.run([load_ddb, "--version"], capture_output=True, text=True)
    check(result.returncode == 0 and result.stdout.strip() == f"load-ddb {stepforge.__version__}", "load-ddb --version")


if __name__ == "__main__":
    main()
