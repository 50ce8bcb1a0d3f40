"""The validator's conformance fixtures (`core/tests/fixtures`), through the
binding: a definition given as Python data gets exactly the problems (and the
canonical form) of the same definition given as text."""

from __future__ import annotations

import json
import pathlib

import pytest

from stepforge import ValidationError, format_definition, validate

from conftest import ROOT

FIXTURES = sorted((ROOT / "core" / "tests" / "fixtures").glob("*/*.json"))


class Lossy(Exception):
    """`json.loads` would change what the text means (a repeated key, a number's spelling)."""


def _pairs(pairs):
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise Lossy("repeated key")
    return dict(pairs)


def _float(text: str) -> float:
    value = float(text)
    # The core sees a float as `builder::number(value)`: only texts that read back the same are faithful.
    if value.is_integer() or repr(value) != text:
        raise Lossy(f"number {text}")
    return value


def _constant(text: str):
    raise Lossy(text)


def as_data(text: str):
    try:
        return json.loads(text, object_pairs_hook=_pairs, parse_float=_float, parse_constant=_constant)
    except (Lossy, ValueError) as why:
        pytest.skip(f"not representable as Python data: {why}")


@pytest.mark.skipif(not FIXTURES, reason="no conformance fixtures in this checkout")
@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_data_and_text_agree(path: pathlib.Path):
    text = path.read_text(encoding="utf-8")
    data = as_data(text)
    from_text = validate(text)
    assert validate(data) == from_text
    if from_text:
        with pytest.raises(ValidationError) as info:
            format_definition(data)
        assert info.value.problems == from_text
    else:
        assert format_definition(data) == format_definition(text)
