"""Shared set-up: the tests run against the *installed* wheel, never the source tree."""

from __future__ import annotations

import json
import pathlib

import pytest

import stepforge

ROOT = pathlib.Path(__file__).resolve().parents[2]
VECTORS = ROOT / "core" / "tests" / "vectors"


def pytest_report_header(config):
    return f"stepforge {stepforge.__version__} from {pathlib.Path(stepforge.__file__).parent}"


@pytest.fixture
def valid_definition() -> dict:
    return {
        "Comment": "two states",
        "StartAt": "Hello",
        "States": {
            "Hello": {"Type": "Pass", "Result": {"n": 1}, "Next": "Done"},
            "Done": {"Type": "Succeed"},
        },
    }


@pytest.fixture
def invalid_definition() -> dict:
    # `Next` names a state that does not exist, so nothing ends either.
    return {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}


def dumps(value) -> str:
    return json.dumps(value, indent=2)
