"""`python -m stepforge` and the `stepforge` console script."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

import stepforge
from stepforge import format_definition
from stepforge.__main__ import main

from conftest import dumps


def run(*args: str, stdin: str | None = None, program=(sys.executable, "-m", "stepforge")):
    return subprocess.run(
        [*program, *args], input=stdin, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.fixture
def good(tmp_path, valid_definition) -> pathlib.Path:
    path = tmp_path / "good.json"
    path.write_text(dumps(valid_definition), encoding="utf-8")
    return path


@pytest.fixture
def bad(tmp_path, invalid_definition) -> pathlib.Path:
    path = tmp_path / "bad.json"
    path.write_text(dumps(invalid_definition), encoding="utf-8")
    return path


def test_validate_good(good):
    result = run("validate", str(good))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_validate_bad(bad):
    result = run("validate", str(bad))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("MISSING_TRANSITION_TARGET /States/A/Next: ")
    assert lines[1].startswith("MISSING_TERMINAL_STATE /States: ")
    assert len(lines) == 2


def test_validate_several_files(good, bad):
    result = run("validate", str(good), str(bad))
    assert result.returncode == 1
    assert all(line.startswith(f"{bad}: ") for line in result.stdout.splitlines())
    assert "1 of 2 definitions have problems" in result.stderr


def test_validate_json_format(bad, invalid_definition):
    result = run("validate", "--format", "json", str(bad))
    assert result.returncode == 1
    reported = json.loads(result.stdout)
    assert reported == [p.to_dict() for p in stepforge.validate(invalid_definition)]


def test_validate_stdin(valid_definition):
    assert run("validate", "-", stdin=dumps(valid_definition)).returncode == 0
    result = run("validate", "-", stdin="{")
    assert result.returncode == 1 and result.stdout.startswith("INVALID_JSON: ")


def test_fmt(good, bad, valid_definition):
    result = run("fmt", str(good))
    assert result.returncode == 0
    assert result.stdout == format_definition(valid_definition) + "\n"
    result = run("fmt", str(bad))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("MISSING_TRANSITION_TARGET /States/A/Next: ")


def test_version_and_usage_errors(tmp_path):
    result = run("--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"stepforge {stepforge.__version__}")
    result = run("validate")
    assert result.returncode == 2 and "Usage" in result.stderr
    result = run("validate", str(tmp_path / "missing.json"))
    assert result.returncode == 2 and "missing.json" in result.stderr


def test_console_script(good):
    script = shutil.which("stepforge", path=os.path.dirname(sys.executable))
    assert script, "the `stepforge` console script is not installed next to this Python"
    result = run("validate", str(good), program=(script,))
    assert result.returncode == 0
    assert run("--version", program=(script,)).stdout.startswith("stepforge ")


def test_main_writes_through_sys_stdout(bad, capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["stepforge", "validate", str(bad)])
    print("before")
    assert main() == 1
    print("after")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "before" and out[-1] == "after"
    assert out[1].startswith("MISSING_TRANSITION_TARGET")


def test_non_ascii_output(tmp_path, capsys, monkeypatch):
    path = tmp_path / "ü.json"
    path.write_text('{"StartAt": "Café ☕", "States": {"Café ☕": {"Type": "Pass", "Next": "Thé"}}}', encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["stepforge", "validate", str(path)])
    assert main() == 1
    assert "Thé" in capsys.readouterr().out
