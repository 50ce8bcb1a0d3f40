"""`validate` and `format_definition` on JSON text and on Python data."""

from __future__ import annotations

import json

import pytest

from stepforge import JsonPath, Problem, ValidationError, format_definition, validate

from conftest import VECTORS, dumps


def test_valid_text_and_dict(valid_definition):
    assert validate(dumps(valid_definition)) == []
    assert validate(valid_definition) == []


def test_invalid_text_and_dict_report_the_same_problems(invalid_definition):
    from_text = validate(dumps(invalid_definition))
    from_dict = validate(invalid_definition)
    assert from_text == from_dict
    assert [(p.code, p.pointer) for p in from_dict] == [
        ("MISSING_TRANSITION_TARGET", "/States/A/Next"),
        ("MISSING_TERMINAL_STATE", "/States"),
    ]
    assert all(isinstance(p, Problem) and p.message for p in from_dict)


def test_bad_json_is_invalid_json():
    problems = validate('{"StartAt": ')
    assert [(p.code, p.pointer) for p in problems] == [("INVALID_JSON", "")]
    assert "line 1" in problems[0].message


def test_not_an_object():
    assert validate([1, 2])[0].code == "INVALID_TYPE"
    assert validate("[1, 2]") == validate([1, 2])


def test_format_definition_text_and_dict(valid_definition):
    canonical = format_definition(dumps(valid_definition))
    assert canonical == format_definition(valid_definition)
    assert canonical.startswith('{\n  "Comment": "two states",\n  "StartAt": "Hello",')
    assert json.loads(canonical) == valid_definition
    # Canonical form is stable.
    assert format_definition(canonical) == canonical


def test_format_definition_orders_keys():
    scrambled = {"States": {"A": {"End": True, "Type": "Pass"}}, "StartAt": "A"}
    assert format_definition(scrambled) == (
        '{\n  "StartAt": "A",\n  "States": {\n    "A": {\n      "Type": "Pass",\n      "End": true\n    }\n  }\n}'
    )


def test_format_definition_of_the_vectors_is_identity():
    for expected in VECTORS.glob("*/expected.json"):
        text = expected.read_text(encoding="utf-8")
        assert format_definition(text) + "\n" == text


def test_format_definition_raises_with_every_problem(invalid_definition):
    with pytest.raises(ValidationError) as info:
        format_definition(invalid_definition)
    assert info.value.problems == validate(invalid_definition)
    with pytest.raises(ValueError):  # ValidationError is a ValueError too
        format_definition("not json")


def test_huge_ints_are_exact(valid_definition):
    valid_definition["States"]["Hello"]["Result"] = {"big": 10**40 + 1, "neg": -(2**70)}
    text = format_definition(valid_definition)
    assert '"big": 10000000000000000000000000000000000000001' in text
    assert '"neg": -1180591620717411303424' in text
    assert json.loads(text)["States"]["Hello"]["Result"]["big"] == 10**40 + 1


def test_floats(valid_definition):
    valid_definition["States"]["Hello"]["Result"] = {"half": 0.5, "whole": 3.0}
    result = json.loads(format_definition(valid_definition))["States"]["Hello"]["Result"]
    assert result == {"half": 0.5, "whole": 3}
    valid_definition["States"]["Hello"]["Result"] = float("inf")
    with pytest.raises(ValueError, match="/States/Hello/Result"):
        validate(valid_definition)


def test_tuples_are_lists(valid_definition):
    valid_definition["States"]["Hello"]["Result"] = (1, "two")
    assert json.loads(format_definition(valid_definition))["States"]["Hello"]["Result"] == [1, "two"]


def test_non_json_values_are_type_errors_naming_the_location(valid_definition):
    valid_definition["States"]["Hello"]["Result"] = {"tags": {"a", "b"}}
    with pytest.raises(TypeError) as info:
        validate(valid_definition)
    assert "validate() definition" in str(info.value)
    assert "set at /States/Hello/Result/tags" in str(info.value)

    valid_definition["States"]["Hello"]["Result"] = [object()]
    with pytest.raises(TypeError, match="object at /States/Hello/Result/0"):
        format_definition(valid_definition)

    valid_definition["States"]["Hello"]["Result"] = {1: "x"}
    with pytest.raises(TypeError, match="key of type int"):
        validate(valid_definition)

    valid_definition["States"]["Hello"]["Result"] = {"x": JsonPath.string_at("$.x")}
    with pytest.raises(TypeError, match="JsonPathExpr at /States/Hello/Result/x"):
        validate(valid_definition)

    with pytest.raises(TypeError, match="bytes"):
        validate(b"{}")  # type: ignore[arg-type]


def test_pointer_tokens_are_escaped(valid_definition):
    valid_definition["States"]["Hello"]["Result"] = {"a/b": {"c~d": {1}}}
    with pytest.raises(TypeError, match="/States/Hello/Result/a~1b/c~0d"):
        validate(valid_definition)


def test_self_containing_data_is_refused():
    loop: list = []
    loop.append(loop)
    with pytest.raises(ValueError, match="levels deep"):
        validate({"StartAt": "A", "States": loop})


def test_deep_text_is_invalid_json_not_a_crash():
    deep = "[" * 100_000 + "]" * 100_000
    problems = validate(deep)
    assert [p.code for p in problems] == ["INVALID_JSON"]


def test_size_quota_applies_to_dicts_too(valid_definition):
    valid_definition["States"]["Hello"]["Result"] = {"blob": "x" * (1024 * 1024)}
    assert "QUOTA_EXCEEDED" in [p.code for p in validate(valid_definition)]
