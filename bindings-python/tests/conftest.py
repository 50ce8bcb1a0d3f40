"""Shared set-up: the tests run against the *installed* wheel, never the source tree."""

from __future__ import annotations

import itertools
import json
import os
import pathlib
import socket
import subprocess
import sys
import time

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


# --- a DynamoDB-compatible server, for the loader and the round trips through boto3 ---

LOCAL_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def endpoint():
    """A DynamoDB-compatible server on 127.0.0.1: moto, started once for the
    session (or the server at STEPFORGE_DYNAMODB_ENDPOINT), with the
    environment set for it (restored at the end)."""
    pytest.importorskip("moto")
    with pytest.MonkeyPatch.context() as mp:
        for name, value in LOCAL_AWS.items():
            mp.setenv(name, value)
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"):
            mp.delenv(name, raising=False)
        given = os.environ.get("STEPFORGE_DYNAMODB_ENDPOINT")
        if given:
            yield given
            return
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    if server.poll() is not None:
                        pytest.fail(f"moto's server exited ({server.returncode}) before listening")
                    if time.monotonic() > deadline:
                        pytest.fail(f"moto's server did not listen on port {port} within 60 s")
                    time.sleep(0.1)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@pytest.fixture(scope="session")
def client(endpoint):
    boto3 = pytest.importorskip("boto3")
    return boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1")


_numbers = itertools.count()


@pytest.fixture
def table(client):
    """A fresh table with a string partition key `id`."""
    name = f"py-{os.getpid()}-{next(_numbers)}"
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
    )
    return name
