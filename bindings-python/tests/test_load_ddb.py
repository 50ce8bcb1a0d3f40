"""`load_ddb` and the `load-ddb` console script against a DynamoDB-compatible
server on 127.0.0.1: moto, started once for the session (or the server at
STEPFORGE_DYNAMODB_ENDPOINT), with fake credentials. Tables are read back
with boto3."""

from __future__ import annotations

import base64
import json
import os
import pathlib
import pickle
import shutil
import signal
import subprocess
import sys
import threading
import time
from decimal import Decimal

import pytest

import stepforge
from stepforge import LoadError, MarshalError, StepforgeError, load_ddb, unmarshall

from conftest import ROOT

boto3 = pytest.importorskip("boto3")
pytest.importorskip("moto")

D = Decimal
SEED = ROOT / "examples" / "seed004-map-over-dynamodb"
def scan(client, table: str) -> dict:
    """Every item of the table as Python values (stepforge.unmarshall of the
    client's answer: Decimal numbers, bytes, sets), by `id`."""
    items, start = [], {}
    while True:
        page = client.scan(TableName=table, **start)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            break
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
    return {item["id"]: item for item in (unmarshall(i) for i in items)}


def scan_boto3(endpoint: str, table: str) -> dict:
    """The same through boto3's resource layer (its TypeDeserializer)."""
    t = boto3.resource("dynamodb", endpoint_url=endpoint, region_name="us-east-1").Table(table)
    return {item["id"]: item for item in t.scan()["Items"]}


def as_stored(value):
    """What DynamoDB gives back for a Python value: numbers as Decimal, tuples as lists."""
    if isinstance(value, bool) or value is None or isinstance(value, (str, bytes)):
        return value
    if isinstance(value, (int, Decimal)):
        return D(value)
    if isinstance(value, float):
        return D(repr(value))
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, dict):
        return {k: as_stored(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_stored(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return {as_stored(v) for v in value}
    raise AssertionError(type(value))


def varied(n: int) -> list:
    return [
        {
            "id": f"item-{i:04d}",
            "n": i,
            "big": 10**37 + i,
            "price": D(f"{i}.99"),
            "exact": D("1234567890.1234567890123456789012345678"),
            "ratio": i / 7,
            "flag": i % 2 == 0,
            "none": None,
            "blob": bytes([i % 256, 0, 255]),
            "tags": {"a", f"t{i % 3}"},
            "scores": {1, D("2.5"), 10**20 + i},
            "hashes": {b"\x00", bytes([i % 256 + 1 if i % 256 < 255 else 1])},
            "nested": {"list": [1, "two", {"three": (3, 3.5)}], "text": "élan ✓"},
        }
        for i in range(n)
    ]


def test_items_in_memory_round_trip_exactly(endpoint, client, table):
    items = varied(120)
    summary = load_ddb(table, items, endpoint_url=endpoint)
    assert (summary["read"], summary["written"], summary["rejected"]) == (120, 120, 0)
    assert summary["succeeded"] is True and summary["checkpoint"] is None
    stored = scan(client, table)
    assert stored == {item["id"]: as_stored(item) for item in items}
    assert str(stored["item-0007"]["exact"]) == "1234567890.1234567890123456789012345678"
    assert stored["item-0007"]["big"] == D(10**37 + 7)
    # boto3's own reading of the table agrees.
    assert scan_boto3(endpoint, table) == stored


def test_a_generator_of_dynamodb_json_items(endpoint, client, table):
    typed = ({"id": {"S": f"t{i}"}, "b": {"B": b"\x01\x02"}, "n": {"N": "1.50"}, "s": {"SS": ["x"]}} for i in range(30))
    summary = load_ddb(table, typed, endpoint_url=endpoint, input_format="dynamodb")
    assert summary["written"] == 30
    assert scan(client, table)["t3"] == {"id": "t3", "b": b"\x01\x02", "n": D("1.5"), "s": {"x"}}


def test_a_generator_is_read_as_the_load_goes(endpoint, client, table):
    # The loader holds at most a few thousand items ahead of its writers (a
    # bounded queue, then the batches in flight), so by the 8,000th item
    # pulled the first ones are in the table: the generator is not read
    # into memory first.
    seen_while_reading = []

    def items():
        for i in range(9000):
            if i == 8000:
                seen_while_reading.append(client.scan(TableName=table, Select="COUNT")["Count"])
            yield {"id": f"g{i}", "n": i}

    summary = load_ddb(table, items(), endpoint_url=endpoint, concurrency=2)
    assert (summary["read"], summary["written"], summary["succeeded"]) == (9000, 9000, True)
    assert seen_while_reading and seen_while_reading[0] > 0
    assert len(scan(client, table)) == 9000


def test_an_exception_in_a_generator_ends_the_input_and_is_raised_after_the_load(endpoint, client, table):
    closed = []

    def items():
        try:
            for i in range(50):
                yield {"id": f"g{i}"}
            raise RuntimeError("the source broke")
        finally:
            closed.append(True)

    with pytest.raises(RuntimeError, match="the source broke") as info:
        load_ddb(table, items(), endpoint_url=endpoint)
    # What it yielded before is loaded, and the summary says so.
    assert (info.value.summary["read"], info.value.summary["written"]) == (50, 50)
    assert info.value.summary["succeeded"] is True
    assert len(scan(client, table)) == 50 and closed == [True]


def test_an_item_a_generator_yields_that_cannot_be_converted(endpoint, client, table):
    def items():
        yield from ({"id": f"g{i}"} for i in range(10))
        yield {"id": "bad", "n": float("nan")}
        yield {"id": "never"}

    with pytest.raises(MarshalError) as info:
        load_ddb(table, items(), endpoint_url=endpoint)
    assert info.value.pointer == "/10/n"
    assert info.value.summary["written"] == 10
    assert set(scan(client, table)) == {f"g{i}" for i in range(10)}


CTRL_C_SCRIPT = """
import json, signal, sys
import stepforge
# A shell's background job starts with SIGINT ignored, and Python then keeps
# it ignored: give the child Python's own Ctrl-C handler whoever started it.
signal.signal(signal.SIGINT, signal.default_int_handler)
try:
    stepforge.load_ddb(sys.argv[1], sys.argv[2], endpoint_url=sys.argv[3], rate=50)
except KeyboardInterrupt as e:
    print(json.dumps(e.summary))
    sys.exit(3)
print("finished")
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT")
def test_ctrl_c_stops_a_library_load_cleanly_and_resume_finishes_it(endpoint, client, table, tmp_path):
    path = tmp_path / "items.jsonl"
    path.write_text("".join(json.dumps({"id": f"i{i}"}) + "\n" for i in range(400)), encoding="utf-8")
    loading = subprocess.Popen(
        [sys.executable, "-c", CTRL_C_SCRIPT, table, str(path), endpoint],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    # Ctrl-C once the load is under way (the first items are in the table):
    # a fixed sleep raced the child's start-up on a loaded machine.
    deadline = time.monotonic() + 60
    while not client.scan(TableName=table, Select="COUNT")["Count"] and loading.poll() is None:
        assert time.monotonic() < deadline, "the load wrote nothing in 60 s"
        time.sleep(0.05)
    loading.send_signal(signal.SIGINT)
    out, err = loading.communicate(timeout=60)
    # Python's KeyboardInterrupt, raised by load_ddb once the load stopped.
    assert loading.returncode == 3, (out, err)
    summary = json.loads(out.splitlines()[-1])
    assert summary["interrupted"] is True and 0 < summary["written"] < 400
    assert summary["checkpoint"] == f"{path}.load-ddb-checkpoint" and os.path.exists(summary["checkpoint"])
    assert len(scan(client, table)) == summary["written"]
    again = load_ddb(table, path, endpoint_url=endpoint, resume=True)
    assert again["skipped"] == summary["written"] and again["written"] == 400 - summary["written"]
    assert len(scan(client, table)) == 400 and not os.path.exists(summary["checkpoint"])


def test_json_lines_file(endpoint, client, table, tmp_path):
    lines = [
        {"id": "a", "n": 12345678901234567890123456789012345678, "f": 0.5, "l": [1, {"m": None}]},
        {"id": "b", "typed?": "no", "x": {"y": [True, False]}},
        {"id": {"S": "c"}, "set": {"NS": ["1", "2"]}, "bin": {"B": base64.b64encode(b"\xff").decode()}},
    ]
    path = tmp_path / "items.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    summary = load_ddb(table, path, endpoint_url=endpoint, concurrency=2)  # os.PathLike
    assert (summary["read"], summary["written"]) == (3, 3)
    stored = scan(client, table)
    assert stored["a"] == {"id": "a", "n": D(12345678901234567890123456789012345678), "f": D("0.5"), "l": [D(1), {"m": None}]}
    assert stored["b"]["x"] == {"y": [True, False]}
    assert stored["c"] == {"id": "c", "set": {D(1), D(2)}, "bin": b"\xff"}
    assert not (tmp_path / "items.jsonl.load-ddb-checkpoint").exists(), "a finished load leaves no checkpoint"
    # A str path works too, and a JSON array file.
    array = tmp_path / "items.json"
    array.write_text(json.dumps([{"id": "d"}, {"id": "e"}]), encoding="utf-8")
    assert load_ddb(table, str(array), endpoint_url=endpoint)["written"] == 2


def test_seed_004_through_the_console_script(endpoint, client):
    client.create_table(
        TableName=(name := f"MapStateList-{os.getpid()}"),
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "mapstatelist", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "mapstatelist", "AttributeType": "S"}],
    )
    script = shutil.which("load-ddb", path=os.path.dirname(sys.executable))
    assert script, "the `load-ddb` console script is not installed next to this Python"
    result = subprocess.run(
        [script, "--config", str(SEED / "config.json"), "--json", str(SEED / "simplelist.json"),
         "--table", name, "--endpoint-url", endpoint, "--summary", "json"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "CI": "true"},
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.splitlines()[-1])
    assert (summary["read"], summary["written"], summary["succeeded"]) == (1, 1, True)
    expected = json.loads((SEED / "simplelist.json").read_text(encoding="utf-8"))
    got = client.get_item(TableName=name, Key={"mapstatelist": {"S": "mapitems"}})["Item"]
    assert unmarshall(got) == {"mapstatelist": "mapitems", "values": expected}
    # A usage error: exit code 2 and a message.
    result = subprocess.run([script, "--table", name], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "load-ddb:" in result.stderr


def test_console_script_help_and_version():
    script = shutil.which("load-ddb", path=os.path.dirname(sys.executable))
    assert script
    result = subprocess.run([script, "--version"], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout.strip()) == (0, f"load-ddb {stepforge.__version__}")
    result = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "--reject-file" in result.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT")
def test_console_script_stops_cleanly_on_ctrl_c_and_resumes(endpoint, client, table, tmp_path):
    path = tmp_path / "items.jsonl"
    path.write_text("".join(json.dumps({"id": f"i{i}"}) + "\n" for i in range(400)), encoding="utf-8")
    script = shutil.which("load-ddb", path=os.path.dirname(sys.executable))
    assert script
    args = [script, "--table", table, "--endpoint-url", endpoint, "--summary", "json", str(path)]
    env = {**os.environ, "CI": "true"}
    loading = subprocess.Popen([*args, "--rate", "50"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    time.sleep(2.5)
    loading.send_signal(signal.SIGINT)
    out, err = loading.communicate(timeout=60)
    assert loading.returncode == 1, err  # stopped by the loader, not killed by the signal; no traceback
    assert "Traceback" not in err
    summary = json.loads(out.splitlines()[-1])
    assert summary["interrupted"] is True and 0 < summary["written"] < 400
    assert summary["checkpoint"] == f"{path}.load-ddb-checkpoint" and os.path.exists(summary["checkpoint"])
    resumed = subprocess.run([*args, "--resume"], capture_output=True, text=True, timeout=120, env=env)
    assert resumed.returncode == 0, resumed.stderr
    again = json.loads(resumed.stdout.splitlines()[-1])
    assert again["skipped"] == summary["written"] and again["written"] == 400 - summary["written"]
    assert len(scan(client, table)) == 400


def test_run_load_ddb_writes_through_sys_stdout(capsys):
    from stepforge._native import run_load_ddb

    print("before")
    assert run_load_ddb(["load-ddb", "--version"]) == 0
    print("after")
    assert capsys.readouterr().out.splitlines() == ["before", f"load-ddb {stepforge.__version__}", "after"]


def test_dry_run_writes_nothing(endpoint, client, table):
    items = varied(40) + [{"no_id": True}]
    summary = load_ddb(table, items, endpoint_url=endpoint, dry_run=True)
    assert summary["dry_run"] is True
    assert (summary["read"], summary["written"], summary["rejected"], summary["requests"]) == (41, 0, 1, 0)
    assert summary["succeeded"] is False, "one item would be rejected"
    assert scan(client, table) == {}


def test_rejected_items_go_to_the_reject_file(endpoint, client, table, tmp_path):
    rejects = tmp_path / "rejects.jsonl"
    items = [
        {"id": "good-1", "v": 1},
        {"noid": 1},
        {"id": 5},
        {"id": ""},
        {"id": "big", "blob": "x" * (410 * 1024)},
        {"id": b"bytes"},
        {"id": "good-2", "v": [1, 2]},
    ]
    summary = load_ddb(table, items, endpoint_url=endpoint, reject_file=rejects)
    assert (summary["read"], summary["written"], summary["rejected"]) == (7, 2, 5)
    assert summary["succeeded"] is False and summary["reject_file"] == str(rejects)
    entries = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert [e["index"] for e in entries] == [1, 2, 3, 4, 5]
    reasons = [e["reason"] for e in entries]
    for reason, fragment in zip(reasons, ["no `id`", "must be of type S, not N", "cannot be empty", "400 KB", "not B"]):
        assert fragment in reason, reasons
    # In-memory items are written there in DynamoDB JSON.
    assert entries[1]["item"] == {"id": {"N": "5"}}
    assert set(scan(client, table)) == {"good-1", "good-2"}


def test_missing_table_raises_load_error(endpoint):
    with pytest.raises(LoadError) as info:
        load_ddb("no-such-table", [{"id": "a"}], endpoint_url=endpoint)
    e = info.value
    assert "no-such-table" in e.message and str(e) == e.message
    assert e.summary is None, "nothing had started"
    assert isinstance(e, StepforgeError) and LoadError.__module__ == "stepforge"
    copy = pickle.loads(pickle.dumps(e))
    assert (copy.message, copy.summary) == (e.message, e.summary)


def test_a_bad_item_in_memory_raises_before_anything_is_written(endpoint, client, table):
    with pytest.raises(MarshalError) as info:
        load_ddb(table, [{"id": "a"}, {"id": "b", "orders": [{"price": float("nan")}]}], endpoint_url=endpoint)
    assert info.value.pointer == "/1/orders/0/price"
    with pytest.raises(MarshalError) as info:
        load_ddb(table, [{"id": "a"}, "not an item"], endpoint_url=endpoint)
    assert info.value.pointer == "/1"
    with pytest.raises(MarshalError) as info:
        load_ddb(table, [{"id": {"S": "a"}, "n": {"N": "x"}}], endpoint_url=endpoint, input_format="dynamodb")
    assert info.value.pointer == "/0/n/N"
    assert scan(client, table) == {}


def test_summary_keys(endpoint, table):
    summary = load_ddb(table, [{"id": "only"}], endpoint_url=endpoint, rate=1000)
    assert list(summary) == [
        "read", "written", "rejected", "rejected_before", "duplicates", "skipped", "requests", "retried",
        "seconds", "items_per_second", "dry_run", "interrupted", "succeeded", "reject_file", "checkpoint",
    ]
    assert summary["retried"] == {"unprocessed_items": 0, "throttled_requests": 0, "failed_requests": 0}
    assert isinstance(summary["seconds"], float) and isinstance(summary["items_per_second"], float)
    assert (summary["requests"], summary["duplicates"], summary["skipped"]) == (1, 0, 0)
    assert (summary["interrupted"], summary["reject_file"]) == (False, None)


def test_duplicate_keys_keep_the_last_item(endpoint, client, table):
    items = [{"id": "dup", "v": v} for v in range(5)] + [{"id": "other"}]
    summary = load_ddb(table, items, endpoint_url=endpoint)
    assert summary["written"] == 6
    assert scan(client, table)["dup"]["v"] == 4


def test_the_gil_is_released_while_loading(endpoint, table):
    # 1,500 items capped at 500/s take about two seconds; the main thread keeps running meanwhile.
    items = [{"id": f"g{i}"} for i in range(1500)]
    done = threading.Event()
    result: dict = {}

    def load() -> None:
        try:
            result["summary"] = load_ddb(table, items, endpoint_url=endpoint, rate=500)
        finally:
            done.set()

    thread = threading.Thread(target=load)
    thread.start()
    ticks, longest, last = 0, 0.0, time.monotonic()
    while not done.is_set():
        time.sleep(0.01)
        now = time.monotonic()
        longest, last, ticks = max(longest, now - last), now, ticks + 1
    thread.join()
    assert result["summary"]["written"] == 1500
    assert result["summary"]["seconds"] >= 1.5
    assert ticks > 50 and longest < 0.5, (ticks, longest)


@pytest.mark.parametrize(
    "kwargs, error, fragment",
    [
        ({"concurrency": 0}, ValueError, "concurrency"),
        ({"concurrency": 257}, ValueError, "concurrency"),
        ({"rate": "fast"}, ValueError, "not a rate"),
        ({"rate": 0}, ValueError, "rate"),
        ({"rate": True}, TypeError, "rate"),
        ({"input_format": "xml"}, ValueError, "input_format"),
    ],
)
def test_bad_options(kwargs, error, fragment):
    with pytest.raises(error, match=fragment):
        load_ddb("t", [{"id": "a"}], **kwargs)


def test_bad_sources():
    with pytest.raises(TypeError, match="path or a list"):
        load_ddb("t", {"id": "a"})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="path or a list"):
        load_ddb("t", 42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="table"):
        load_ddb("", [])


def test_rate_in_write_units_and_missing_file(endpoint, table, tmp_path):
    assert load_ddb(table, [{"id": "w"}], endpoint_url=endpoint, rate="200wcu")["written"] == 1
    with pytest.raises(LoadError, match="cannot open"):
        load_ddb(table, tmp_path / "missing.jsonl", endpoint_url=endpoint)


def nested_lists(levels: int) -> object:
    value: object = "bottom"
    for _ in range(levels):
        value = [value]
    return value


def test_nested_items_in_memory(endpoint, client, table):
    # Items in memory reach the core as DynamoDB JSON.
    summary = load_ddb(table, [{"id": "nested", "d": nested_lists(16)}], endpoint_url=endpoint)
    assert summary["written"] == 1, summary
    assert scan(client, table)["nested"]["d"] == nested_lists(16)


def test_items_nested_31_deep_in_memory(endpoint, client, table):
    # An item and 31 lists inside it: DynamoDB's 32 levels (marshall accepts it).
    summary = load_ddb(table, [{"id": "deep", "d": nested_lists(31)}], endpoint_url=endpoint)
    assert summary["written"] == 1, summary
