"""`marshall`/`unmarshall`: every type both ways, exact numbers, every error
with its JSON pointer, and the same results as boto3's TypeSerializer and
TypeDeserializer on a varied corpus."""

from __future__ import annotations

import base64
import enum
import math
import pickle
import random
import struct
from datetime import datetime
from decimal import Context, Decimal

import pytest

import stepforge
from stepforge import MarshalError, StepforgeError, marshall, marshall_value, unmarshall, unmarshall_value

D = Decimal
BIG38 = 12345678901234567890123456789012345678
DEC38 = D("1234567890.1234567890123456789012345678")


def pointer_of(call, *args, **kwargs) -> str:
    with pytest.raises(MarshalError) as info:
        call(*args, **kwargs)
    return info.value.pointer


def error_of(call, *args, **kwargs) -> MarshalError:
    with pytest.raises(MarshalError) as info:
        call(*args, **kwargs)
    return info.value


# --- Python -> DynamoDB JSON -------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("text", {"S": "text"}),
        ("", {"S": ""}),
        ("Café ☕ 李", {"S": "Café ☕ 李"}),
        (True, {"BOOL": True}),
        (False, {"BOOL": False}),
        (None, {"NULL": True}),
        (0, {"N": "0"}),
        (-0, {"N": "0"}),
        (42, {"N": "42"}),
        (-9223372036854775808, {"N": "-9223372036854775808"}),
        (2**64, {"N": "18446744073709551616"}),
        (BIG38, {"N": str(BIG38)}),
        (-BIG38, {"N": str(-BIG38)}),
        (10**50, {"N": "1" + "0" * 50}),  # one significant digit: DynamoDB stores it
        (0.1, {"N": "0.1"}),
        (1.0, {"N": "1"}),
        (-2.5, {"N": "-2.5"}),
        (1e20, {"N": "100000000000000000000"}),
        (1e-7, {"N": "0.0000001"}),
        (123456789.123456789, {"N": "123456789.12345679"}),  # repr's digits
        (D("1.50"), {"N": "1.5"}),
        (D("-0.00"), {"N": "0"}),
        (D("1E+2"), {"N": "100"}),
        (D("12.340e-1"), {"N": "1.234"}),
        (DEC38, {"N": str(DEC38)}),
        (b"\x00\xff", {"B": b"\x00\xff"}),
        (bytearray(b"hi"), {"B": b"hi"}),
        (memoryview(b"hi"), {"B": b"hi"}),
        (b"", {"B": b""}),
        ([], {"L": []}),
        ((1, "a"), {"L": [{"N": "1"}, {"S": "a"}]}),
        ({}, {"M": {}}),
        ({"a": [None, {"b": True}]}, {"M": {"a": {"L": [{"NULL": True}, {"M": {"b": {"BOOL": True}}}]}}}),
    ],
    ids=repr,
)
def test_marshall_value(value, expected):
    assert marshall_value(value) == expected


def test_marshall_sets():
    assert sorted(marshall_value({"b", "a"})["SS"]) == ["a", "b"]
    assert sorted(marshall_value(frozenset({"x"}))["SS"]) == ["x"]
    ns = marshall_value({1, 2.5, D("3.10"), 10**30})
    assert set(ns) == {"NS"} and sorted(ns["NS"], key=D) == ["1", "2.5", "3.1", "1" + "0" * 30]
    bs = marshall_value({b"\x00", b"\x01"})
    assert sorted(bs["BS"]) == [b"\x00", b"\x01"] and all(type(b) is bytes for b in bs["BS"])
    assert sorted(marshall_value({b"\x00", b"\x01"}, binary="base64")["BS"]) == ["AA==", "AQ=="]


def test_binary_is_bytes_for_boto3_and_base64_only_when_asked():
    """boto3's client base64-encodes `bytes` itself: text there would be encoded twice."""
    item = {"id": "1", "blob": b"\x00\x01\xfe", "blobs": {b"\x00", b"\xfe"}}
    out = marshall(item)
    assert out["blob"] == {"B": b"\x00\x01\xfe"} and type(out["blob"]["B"]) is bytes
    assert sorted(out["blobs"]["BS"]) == [b"\x00", b"\xfe"]
    text = marshall(item, binary="base64")
    assert text["blob"] == {"B": "AAH+"} and sorted(text["blobs"]["BS"]) == ["/g==", "AA=="]
    assert marshall_value(bytearray(b"\x01"), binary="base64") == {"B": "AQ=="}
    assert unmarshall(out) == unmarshall(text) == item
    with pytest.raises(ValueError, match='binary="hex"'):
        marshall(item, binary="hex")


def test_marshall_item():
    item = {"id": "a", "n": 1, "tags": {"x"}, "nested": {"list": [1.5, b"\x01"]}}
    assert marshall(item) == {
        "id": {"S": "a"},
        "n": {"N": "1"},
        "tags": {"SS": ["x"]},
        "nested": {"M": {"list": {"L": [{"N": "1.5"}, {"B": b"\x01"}]}}},
    }
    assert list(marshall({"z": 1, "a": 2, "m": 3})) == ["z", "a", "m"], "attribute order is kept"
    assert marshall({}) == {}


def test_marshall_base64_output_is_the_aws_cli_json():
    import json

    text = json.dumps(marshall({"id": "a", "b": b"\x00", "s": {1}, "none": None}, binary="base64"))
    assert json.loads(text) == {"id": {"S": "a"}, "b": {"B": "AA=="}, "s": {"NS": ["1"]}, "none": {"NULL": True}}


def test_subclasses_are_read_by_value():
    class Color(str, enum.Enum):
        RED = "red"

    class Level(enum.IntEnum):
        HIGH = 3

    class Huge(int):
        def __str__(self) -> str:
            return "not a number"

    class Money(Decimal):
        def __str__(self) -> str:
            return "$" + super().__str__()

    out = marshall({Color.RED: Color.RED, "level": Level.HIGH, "huge": Huge(10**30), "money": Money("9.90")})
    assert out == {"red": {"S": "red"}, "level": {"N": "3"}, "huge": {"N": "1" + "0" * 30}, "money": {"N": "9.9"}}
    assert type(out["red"]["S"]) is str and all(type(k) is str for k in out)


def test_strings_are_not_copied():
    s = "a fairly long string " * 10
    assert marshall({"s": s})["s"]["S"] is s


# --- errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    "item, pointer, fragment",
    [
        ({"orders": [{}, {}, {}, {"price": math.nan}]}, "/orders/3/price", "finite"),
        ({"x": math.inf}, "/x", "finite"),
        ({"x": -math.inf}, "/x", "finite"),
        ({"x": D("NaN")}, "/x", "finite"),
        ({"x": D("-Infinity")}, "/x", "finite"),
        ({"x": D("sNaN")}, "/x", "finite"),
        ({"n": 123456789012345678901234567890123456789}, "/n", "39 significant digits"),
        ({"n": D("1.23456789012345678901234567890123456789")}, "/n", "39 significant digits"),
        ({"n": 10**126}, "/n", "too large"),
        ({"n": 1e300}, "/n", "too large"),
        ({"n": 5e-324}, "/n", "too small"),
        ({"n": D("1E-131")}, "/n", "too small"),
        ({"s": set()}, "/s", "cannot be empty"),
        ({"s": frozenset()}, "/s", "cannot be empty"),
        ({"s": {1, "a"}}, "/s", "mixes"),
        ({"s": {b"a", "a"}}, "/s", "mixes"),
        ({"s": {True}}, "/s/0", "bool"),
        ({"s": {(1, 2)}}, "/s/0", "tuple"),
        ({"s": {D("0.1"), 0.1}}, "/s", "same value twice"),
        ({"s": {math.nan}}, "/s/0", "finite"),
        ({"m": {1: "one"}}, "/m", "key must be a str, not int (1)"),
        ({"m": {("a",): 1}}, "/m", "key must be a str"),
        ({"when": datetime(2024, 1, 1)}, "/when", "datetime"),
        ({"o": object()}, "/o", "object"),
        ({"c": 1j}, "/c", "complex"),
        ({"a/b": {"~": [object()]}}, "/a~1b/~0/0", "object"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_marshall_errors(item, pointer, fragment):
    e = error_of(marshall, item)
    assert e.pointer == pointer
    assert fragment in e.message
    assert str(e) == f"at {pointer}: {e.message}"


def test_marshall_error_at_the_top():
    e = error_of(marshall, ["not", "an", "item"])
    assert (e.pointer, str(e)) == ("", "an item must be a dict, not list")
    assert error_of(marshall, {1: 2}).pointer == ""
    assert error_of(marshall_value, math.nan).pointer == ""


def nested_lists(levels: int, leaf="x"):
    value = leaf
    for _ in range(levels):
        value = [value]
    return value


def test_nesting_limit():
    # An item and 31 lists inside it: 32 levels, DynamoDB's limit.
    assert marshall({"a": nested_lists(31)})["a"]["L"][0]["L"][0]["L"]
    # 33 levels: the list at depth 32 is refused, and the pointer says which.
    e = error_of(marshall, {"a": nested_lists(32)})
    assert e.pointer == "/a" + "/0" * 31
    assert "32 levels" in e.message
    # A single value is the top itself.
    assert marshall_value(nested_lists(32))
    assert error_of(marshall_value, nested_lists(33)).pointer == "/0" * 32
    deep_maps: dict = {}
    for _ in range(40):
        deep_maps = {"d": deep_maps}
    assert error_of(marshall, deep_maps).pointer == "/d" * 32


def test_a_list_that_contains_itself():
    loop: list = []
    loop.append(loop)
    assert "32 levels" in error_of(marshall, {"loop": loop}).message


def test_error_classes():
    assert issubclass(MarshalError, StepforgeError) and issubclass(MarshalError, ValueError)
    assert MarshalError.__module__ == "stepforge" and stepforge.MarshalError is MarshalError
    e = error_of(marshall, {"a": {"b": math.nan}})
    copy = pickle.loads(pickle.dumps(e))
    assert (type(copy), copy.pointer, copy.message, str(copy)) == (MarshalError, e.pointer, e.message, str(e))
    with pytest.raises(ValueError):
        marshall({"x": set()})


# --- DynamoDB JSON -> Python ----------------------------------------------------


def test_unmarshall_value_every_type():
    assert unmarshall_value({"S": "x"}) == "x"
    assert unmarshall_value({"N": "1.50"}) == D("1.5") and type(unmarshall_value({"N": "1"})) is Decimal
    assert unmarshall_value({"N": str(BIG38)}) == D(BIG38)
    assert unmarshall_value({"B": "AP8="}) == b"\x00\xff"
    assert unmarshall_value({"B": b"\x00\xff"}) == b"\x00\xff", "bytes, as boto3's client returns them"
    assert unmarshall_value({"BOOL": False}) is False
    assert unmarshall_value({"NULL": True}) is None
    assert unmarshall_value({"L": [{"S": "a"}, {"N": "2"}]}) == ["a", D(2)]
    assert unmarshall_value({"M": {"k": {"BOOL": True}}}) == {"k": True}
    assert unmarshall_value({"SS": ["a", "b"]}) == {"a", "b"}
    assert unmarshall_value({"NS": ["1", "2.5"]}) == {D(1), D("2.5")}
    assert unmarshall_value({"BS": ["AA==", b"\x01"]}) == {b"\x00", b"\x01"}


def test_unmarshall_int_or_float():
    item = {"i": {"N": "42"}, "f": {"N": "0.1"}, "big": {"N": str(BIG38)}, "ns": {"NS": ["1", "1.5"]}}
    out = unmarshall(item, numbers="int_or_float")
    assert out == {"i": 42, "f": 0.1, "big": BIG38, "ns": {1, 1.5}}
    assert type(out["i"]) is int and type(out["f"]) is float and type(out["big"]) is int
    with pytest.raises(ValueError, match="int_or_float"):
        unmarshall(item, numbers="float")


@pytest.mark.parametrize(
    "item, pointer, fragment",
    [
        ({"a": {"X": "1"}}, "/a", "not a DynamoDB type"),
        ({"a": "plain"}, "/a", "typed value"),
        ({"a": {}}, "/a", "exactly one type tag"),
        ({"a": {"S": "x", "N": "1"}}, "/a", "exactly one type tag"),
        ({"a": {"S": 1}}, "/a/S", "holds a str"),
        ({"a": {"N": "abc"}}, "/a/N", "not a decimal number"),
        ({"a": {"N": 1}}, "/a/N", "holds a str"),
        ({"a": {"N": "1" * 39}}, "/a/N", "39 significant digits"),
        ({"a": {"B": "not base64!"}}, "/a/B", "base64"),
        ({"a": {"BOOL": "true"}}, "/a/BOOL", "True or False"),
        ({"a": {"NULL": False}}, "/a/NULL", "must be True"),
        ({"a": {"M": []}}, "/a/M", "holds a dict"),
        ({"a": {"L": {}}}, "/a/L", "holds a list"),
        ({"a": {"L": [{"S": "ok"}, {"Q": 1}]}}, "/a/L/1", "not a DynamoDB type"),
        ({"a": {"SS": []}}, "/a/SS", "cannot be empty"),
        ({"a": {"SS": ["x", "x"]}}, "/a/SS", "same value twice"),
        ({"a": {"NS": ["1", "1.0"]}}, "/a/NS", "same value twice"),
        ({"a": {"NS": ["1", "x"]}}, "/a/NS/1", "not a decimal number"),
        ({"a": {"BS": ["AA==", 5]}}, "/a/BS/1", "base64 text or bytes"),
        ({"a": {"M": {"b/c": {"S": 5}}}}, "/a/M/b~1c/S", "holds a str"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_unmarshall_errors(item, pointer, fragment):
    e = error_of(unmarshall, item)
    assert e.pointer == pointer
    assert fragment in e.message


def test_unmarshall_nesting_limit():
    value: dict = {"S": "bottom"}
    for _ in range(31):
        value = {"L": [value]}
    assert unmarshall({"a": value})  # the item and 31 lists: 32 levels
    e = error_of(unmarshall, {"a": {"L": [value]}})
    assert e.pointer == "/a" + "/L/0" * 31 and "32 levels" in e.message
    assert error_of(unmarshall, ["no"]).pointer == ""


# --- round trips ----------------------------------------------------------------


def test_round_trip_exact_numbers():
    item = {
        "big": BIG38,
        "neg": -BIG38,
        "dec": DEC38,
        "tiny": D("1E-130"),
        "huge": D("9.9999999999999999999999999999999999999E+125"),
        "f": 0.1,
        "f17": 2.2250738585072014e-100,
        "set": {BIG38, 1},
    }
    back = unmarshall(marshall(item))
    assert back == {
        "big": D(BIG38),
        "neg": D(-BIG38),
        "dec": DEC38,
        "tiny": D("1E-130"),
        "huge": D("9.9999999999999999999999999999999999999E+125"),
        "f": D("0.1"),
        "f17": D(repr(2.2250738585072014e-100)),
        "set": {D(BIG38), D(1)},
    }
    assert str(back["dec"]) == str(DEC38)
    again = unmarshall(marshall(item), numbers="int_or_float")
    assert again["big"] == BIG38 and again["neg"] == -BIG38 and again["f"] == 0.1 and again["f17"] == 2.2250738585072014e-100


def test_round_trip_every_type():
    item = {
        "s": "x",
        "n": D("12.5"),
        "b": b"\x00\x01",
        "t": True,
        "z": None,
        "m": {"inner": [D(1), "two", {"three": [D(3)]}]},
        "l": [],
        "ss": {"a", "b"},
        "ns": {D(1), D("2.5")},
        "bs": {b"x", b"y"},
    }
    assert unmarshall(marshall(item)) == item
    assert unmarshall_value(marshall_value(item)) == item


def test_floats_marshall_to_their_repr():
    """The digits are the ones `repr` prints (the shortest that read back, and of those the
    closest; Rust's formatting differs on some, e.g. 1059438285926254.2)."""
    rng = random.Random(7)
    checked = refused = 0
    edges = [5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 1 / 3, 2.0**-1074 * 3, 1059438285926254.2]
    for f in edges:
        d = D(repr(f))
        if -130 <= d.adjusted() <= 125:
            assert marshall_value(f) == {"N": format(d.normalize(Context(prec=50)), "f")}, repr(f)
    for _ in range(100000):
        (f,) = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))
        if not math.isfinite(f):
            continue
        d = D(repr(f))
        if d and not -130 <= d.adjusted() <= 125:
            assert "too" in error_of(marshall_value, f).message
            refused += 1
            continue
        want = format(d.normalize(Context(prec=50)), "f") if d else "0"
        assert marshall_value(f) == {"N": want}, repr(f)
        checked += 1
    for f in (rng.uniform(-1e6, 1e6) for _ in range(20000)):
        assert D(marshall_value(f)["N"]) == D(repr(f))
    assert checked > 1000 and refused > 1000


# --- against boto3 ----------------------------------------------------------------

boto3_types = pytest.importorskip("boto3.dynamodb.types")


def corpus(n: int, seed: int = 3) -> list:
    rng = random.Random(seed)

    def scalar():
        kind = rng.randrange(9)
        if kind == 0:
            return "".join(rng.choice("abcxyzé☕ ") for _ in range(rng.randrange(0, 12)))
        if kind == 1:
            return rng.randrange(-(10**18), 10**18)
        if kind == 2:
            return rng.randrange(10**37, 10**38) * rng.choice([1, -1])
        if kind == 3:
            return rng.uniform(-1e9, 1e9)
        if kind == 4:
            return D(rng.randrange(10**12)).scaleb(-rng.randrange(0, 12))
        if kind == 5:
            return rng.choice([True, False, None])
        if kind == 6:
            return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 9)))
        if kind == 7:
            return rng.choice([{"a", "b", str(rng.random())}, {1, D("2.5"), rng.randrange(10**20)}, {b"x", b"\x00"}])
        return rng.random() * 1e-30

    def value(depth: int):
        if depth < 4 and rng.random() < 0.25:
            return [value(depth + 1) for _ in range(rng.randrange(0, 4))]
        if depth < 4 and rng.random() < 0.25:
            return {f"k{i}": value(depth + 1) for i in range(rng.randrange(0, 4))}
        return scalar()

    return [{"id": f"item-{i}", **{f"a{j}": value(0) for j in range(rng.randrange(1, 8))}} for i in range(n)]


def without_floats(value):
    if isinstance(value, float):
        return D(repr(value))
    if isinstance(value, dict):
        return {k: without_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_floats(v) for v in value]
    return value


def normal(text: str) -> str:
    d = D(text)
    return format(d.normalize(Context(prec=50)), "f") if d else "0"


def boto3_as_dynamodb_json(av, text=True):
    """boto3's serialized value with numbers in DynamoDB's normal form (boto3 keeps a
    Decimal's own spelling, "1.50") and, with `text`, binary as base64 as the AWS CLI
    writes it (boto3's own form is bytes)."""
    ((tag, inner),) = av.items()
    if tag == "N":
        return {"N": normal(inner)}
    if tag == "NS":
        return {"NS": sorted(normal(n) for n in inner)}
    if tag == "B":
        return {"B": base64.b64encode(inner).decode() if text else inner}
    if tag == "BS":
        return {"BS": sorted(base64.b64encode(b).decode() if text else b for b in inner)}
    if tag == "SS":
        return {"SS": sorted(inner)}
    if tag == "L":
        return {"L": [boto3_as_dynamodb_json(v, text) for v in inner]}
    if tag == "M":
        return {"M": {k: boto3_as_dynamodb_json(v, text) for k, v in inner.items()}}
    return av


def sorted_sets(av):
    ((tag, inner),) = av.items()
    if tag in ("SS", "NS", "BS"):
        return {tag: sorted(inner)}
    if tag == "L":
        return {"L": [sorted_sets(v) for v in inner]}
    if tag == "M":
        return {"M": {k: sorted_sets(v) for k, v in inner.items()}}
    return av


def test_marshall_matches_boto3_type_serializer():
    ser = boto3_types.TypeSerializer()
    items = corpus(2000)
    for i, item in enumerate(items):
        serialized = {k: ser.serialize(v) for k, v in without_floats(item).items()}
        ours = {k: sorted_sets(v) for k, v in marshall(item).items()}
        theirs = {k: boto3_as_dynamodb_json(v, text=False) for k, v in serialized.items()}
        assert ours == theirs, f"item {i}: {item!r}"
        ours = {k: sorted_sets(v) for k, v in marshall(item, binary="base64").items()}
        theirs = {k: boto3_as_dynamodb_json(v) for k, v in serialized.items()}
        assert ours == theirs, f"item {i}: {item!r}"


def test_unmarshall_matches_boto3_type_deserializer():
    ser, de = boto3_types.TypeSerializer(), boto3_types.TypeDeserializer()
    for i, item in enumerate(corpus(2000, seed=11)):
        serialized = {k: ser.serialize(v) for k, v in without_floats(item).items()}  # binary as bytes
        expected = {k: de.deserialize(v) for k, v in serialized.items()}
        assert unmarshall(serialized) == expected, f"item {i}"
        assert unmarshall(marshall(item)) == expected, f"item {i}, through our own DynamoDB JSON"


def test_lone_surrogates_cannot_be_marshalled():
    """A str with a lone surrogate has no UTF-8 form, so no request could carry it:
    boto3 fails late, when it encodes the request; stepforge says where at once."""
    err = error_of(marshall, {"a": ["ok", "bad\udc80"]})
    assert err.pointer == "/a/1" and "lone surrogate" in str(err) and "index 3" in str(err)
    assert error_of(marshall, {"k\ud800": 1}).pointer.startswith("/k")
    assert error_of(marshall_value, {"x\udfff"}).pointer == "/0"
    # unmarshall judges no encoding: it only reads what it is given.
    assert unmarshall({"a": {"S": "bad\udc80"}}) == {"a": "bad\udc80"}


def test_two_type_tags_are_an_error():
    err = error_of(unmarshall, {"a": {"S": "x", "N": "1"}})
    assert err.pointer == "/a" and "exactly one type tag" in str(err)
    assert pointer_of(unmarshall_value, {"L": [{"BOOL": True, "NULL": True}]}) == "/L/0"


def test_the_callers_decimal_context_changes_nothing():
    """boto3 rounds through its own context; stepforge reads a Decimal's exact digits,
    and unmarshall gives them back whatever context is in force."""
    import decimal

    exact = D("1234567890.1234567890123456789012345678")
    with decimal.localcontext(decimal.Context(prec=3, traps=[decimal.Inexact, decimal.Rounded])):
        assert marshall_value(exact) == {"N": str(exact)}
        assert unmarshall_value({"N": str(exact)}) == exact
        assert marshall_value(D("-0")) == {"N": "0"}
    err = error_of(marshall_value, D("1" * 39))
    assert "39 significant digits" in str(err)


def test_edges_next_to_boto3():
    ser = boto3_types.TypeSerializer()
    # boto3 sends an empty set as {"NS": []}, which DynamoDB refuses; stepforge refuses it first.
    assert ser.serialize(set()) == {"NS": []}
    assert "cannot be empty" in str(error_of(marshall_value, set()))
    # Both refuse mixed sets and NaN/Infinity.
    for bad in ({"a", 1}, D("NaN"), D("Infinity")):
        with pytest.raises(Exception):
            ser.serialize(bad)
        with pytest.raises(MarshalError):
            marshall_value(bad)
    # boto3 nests without limit; DynamoDB refuses past 32 levels, and so does stepforge, first.
    deep = 1
    for _ in range(40):
        deep = [deep]
    assert ser.serialize(deep)["L"]
    assert "32 levels" in str(error_of(marshall_value, deep))
    # Exponents outside DynamoDB's range (boto3's context lets 1E+126 through; DynamoDB
    # refuses it): stepforge refuses both, with the pointer.
    for bad in (D("1E+126"), D("1E-131")):
        assert pointer_of(marshall, {"x": [bad]}) == "/x/0"
    assert marshall_value(D("9.9999999999999999999999999999999999999E+125"))["N"].startswith("99999")
    assert marshall_value(D("1E-130")) == {"N": "0." + "0" * 129 + "1"}
