"""stepforge.marshall/unmarshall against boto3's TypeSerializer/TypeDeserializer,
on the same items, in one run.

    .venv/bin/python bench/marshall.py [--items 100000] [--runs 5]

Needs the stepforge wheel and boto3 installed in that Python (scripts/test-python.sh
does both). Makes --items varied items (strings, ints, floats, Decimals, nested
maps and lists, bools, None; every 10th item also bytes and sets) and times,
median of --runs, with the garbage collector off during each timed run:

  marshall     [stepforge.marshall(item) for item in items]
               vs [{k: ser.serialize(v) for k, v in item.items()} for item in items]
  unmarshall   [stepforge.unmarshall(av) for av in avs]
               vs [{k: de.deserialize(v) for k, v in av.items()} for av in avs]

each two ways: "kept" builds the list of all results (freeing it is not timed), "one
at a time" converts each item and drops the result (as a loop that sends each item
would). Keeping 100,000 results means allocating every result dict anew, which
costs both libraries the same and bounds the ratio.

boto3 refuses floats, so it gets each float as Decimal(repr(f)) (the same number);
"marshall, floats" is stepforge on the items with the floats themselves. Both
unmarshall the same input: boto3's serialized items (binary as bytes, which
stepforge.unmarshall also accepts). Prints times and ratios; the numbers go in
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import statistics
import sys
import time
from decimal import Decimal

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

import stepforge


def make_items(n: int, seed: int = 4) -> list:
    rng = random.Random(seed)
    items = []
    for i in range(n):
        item = {
            "id": f"order-{i:08d}",
            "customer": rng.choice(["Ada Lovelace", "Grace Hopper", "Édouard Lucas", "李小龙", "O'Brien"]),
            "quantity": rng.randrange(1, 1000),
            "total_cents": rng.randrange(-(10**12), 10**12),
            "price": round(rng.uniform(0, 5000), 2),
            "weight": rng.random() * 100,
            "amount": Decimal(f"{rng.randrange(10**6)}.{rng.randrange(100):02d}"),
            "exact": Decimal("12345678901234567890.123456789012345678"),
            "big": 10**37 + i,
            "active": i % 3 == 0,
            "note": None,
            "tags": ["new", "priority", str(i % 7)],
            "lines": [
                {"sku": f"SKU-{rng.randrange(10**5)}", "qty": rng.randrange(1, 5), "unit": Decimal("9.99")}
                for _ in range(rng.randrange(1, 4))
            ],
            "shipping": {
                "address": {"street": f"{i} Main St", "city": "Springfield", "zip": rng.randrange(10**5)},
                "express": i % 2 == 0,
                "eta_days": [1, 2.5, Decimal("3")],
            },
        }
        if i % 10 == 0:
            item["thumbnail"] = bytes(rng.randrange(256) for _ in range(32))
            item["labels"] = {"red", "green", f"l{i % 5}"}
            item["sizes"] = {1, 2, Decimal("3.5"), 10**20}
            item["hashes"] = {b"\x00\x01", b"\xff" * 8}
        items.append(item)
    return items


def without_floats(value):
    """The same value with every float as Decimal(repr(f)), which boto3 accepts."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {k: without_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_floats(v) for v in value]
    return value


def median_time(fn, data, runs: int) -> float:
    times = []
    for _ in range(runs):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            result = fn(data)
            times.append(time.perf_counter() - start)
            del result  # freeing the results is not part of the conversion
        finally:
            gc.enable()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    items = make_items(args.items)
    decimal_items = [without_floats(item) for item in items]
    ser, de = TypeSerializer(), TypeDeserializer()
    marshall, unmarshall = stepforge.marshall, stepforge.unmarshall

    def boto3_marshall(data):
        return [{k: ser.serialize(v) for k, v in item.items()} for item in data]

    def boto3_unmarshall(data):
        return [{k: de.deserialize(v) for k, v in item.items()} for item in data]

    def stepforge_marshall(data):
        return [marshall(item) for item in data]

    def stepforge_unmarshall(data):
        return [unmarshall(item) for item in data]

    def boto3_marshall_each(data):
        for item in data:
            {k: ser.serialize(v) for k, v in item.items()}

    def boto3_unmarshall_each(data):
        for item in data:
            {k: de.deserialize(v) for k, v in item.items()}

    def stepforge_marshall_each(data):
        for item in data:
            marshall(item)

    def stepforge_unmarshall_each(data):
        for item in data:
            unmarshall(item)

    # Same results before timing anything (numbers compared by value).
    serialized = boto3_marshall(decimal_items)
    sample = range(0, args.items, max(1, args.items // 1000))
    for i in sample:
        assert stepforge.unmarshall(marshall(decimal_items[i])) == de_item(de, serialized[i]), i
        assert unmarshall(serialized[i]) == de_item(de, serialized[i]), i

    attributes = sum(count_values(item) for item in items)
    print(f"stepforge {stepforge.__version__}, boto3 {boto3.__version__}, Python {platform.python_version()} "
          f"({platform.machine()}); {args.items:,} items, {attributes:,} attribute values; median of {args.runs}")
    rows = [
        ("marshall, kept", stepforge_marshall, boto3_marshall, decimal_items),
        ("marshall, one at a time", stepforge_marshall_each, boto3_marshall_each, decimal_items),
        ("unmarshall, kept", stepforge_unmarshall, boto3_unmarshall, serialized),
        ("unmarshall, one at a time", stepforge_unmarshall_each, boto3_unmarshall_each, serialized),
    ]
    for name, ours, theirs, data in rows:
        t_ours = median_time(ours, data, args.runs)
        t_theirs = median_time(theirs, data, args.runs)
        print(f"{name:<26} stepforge {t_ours:7.3f} s   boto3 {t_theirs:7.3f} s   {t_theirs / t_ours:5.1f}x")
    t_floats = median_time(stepforge_marshall, items, args.runs)
    print(f"{'marshall, kept, floats':<26} stepforge {t_floats:7.3f} s")


def de_item(de, item):
    return {k: de.deserialize(v) for k, v in item.items()}


def count_values(value) -> int:
    if isinstance(value, dict):
        return sum(1 + count_values(v) for v in value.values())
    if isinstance(value, list):
        return sum(1 + count_values(v) for v in value)
    return 0


if __name__ == "__main__":
    sys.exit(main())
