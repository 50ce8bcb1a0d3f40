"""`marshall` → boto3's client (`put_item`) → a DynamoDB-compatible server on
127.0.0.1 → `get_item` → `unmarshall` gives back every item of a generated
corpus that covers every type, binary and binary sets included."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from stepforge import marshall, unmarshall

boto3 = pytest.importorskip("boto3")


def corpus(n: int, seed: int) -> list:
    rng = random.Random(seed)

    def blob() -> bytes:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(0, 8)))

    def scalar():
        return rng.choice(
            [
                lambda: rng.choice(["", "plain", "héllo 李 🚀", 'quote " and \\ and \n']),
                lambda: rng.randrange(-(2**70), 2**70),
                lambda: rng.randrange(10**37, 10**38) * rng.choice([1, -1]),
                lambda: rng.uniform(-1e9, 1e9),
                lambda: Decimal(rng.randrange(10**12)).scaleb(-rng.randrange(0, 12)),
                lambda: Decimal("-1.2345678901234567890123456789012345678"),
                lambda: rng.choice([True, False, None]),
                blob,
                lambda: bytearray(blob()),
                lambda: rng.choice([{"a", "b"}, frozenset({"x"}), {"€", "z", ""}]),
                lambda: rng.choice([{1, Decimal("2.5")}, {10**30, 3}]),
                lambda: {blob() + b"\x00", b"\xff\x00", b"\x00\x01\xfe"},
            ]
        )()

    def value(depth: int):
        r = rng.random()
        if depth < 4 and r < 0.2:
            items = [value(depth + 1) for _ in range(rng.randrange(0, 4))]
            return tuple(items) if rng.random() < 0.2 else items
        if depth < 4 and r < 0.4:
            return {f"k{i}": value(depth + 1) for i in range(rng.randrange(0, 4))}
        return scalar()

    return [{"id": f"item-{i}", **{f"a{j}": value(0) for j in range(rng.randrange(1, 7))}} for i in range(n)]


def expected(value):
    """What `unmarshall` returns for a value `marshall` took: Decimal numbers
    (equal to the ints they came from), bytes, lists, sets."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, (list, tuple)):
        return [expected(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return {expected(v) for v in value}
    if isinstance(value, dict):
        return {k: expected(v) for k, v in value.items()}
    return value


def test_marshall_put_get_unmarshall_gives_every_item_back(client, table):
    tags = set()

    def collect(av):
        ((tag, inner),) = av.items()
        tags.add(tag)
        if tag == "M":
            for v in inner.values():
                collect(v)
        elif tag == "L":
            for v in inner:
                collect(v)

    for item in corpus(300, seed=11):
        av = marshall(item)
        for v in av.values():
            collect(v)
        client.put_item(TableName=table, Item=av)
        got = client.get_item(TableName=table, Key={"id": {"S": item["id"]}}, ConsistentRead=True)["Item"]
        assert unmarshall(got) == expected(item), item["id"]
    assert tags == {"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"}


def test_the_binary_of_the_issue_is_stored_as_those_bytes(client, table):
    """marshall used to give base64 text, which boto3 encoded again: the table
    held the four bytes `AAH+`."""
    client.put_item(TableName=table, Item=marshall({"id": "1", "blob": b"\x00\x01\xfe"}))
    got = client.get_item(TableName=table, Key={"id": {"S": "1"}})["Item"]
    assert got["blob"] == {"B": b"\x00\x01\xfe"}
    assert unmarshall(got)["blob"] == b"\x00\x01\xfe"
