"""`JsonPath`, `JsonPathExpr`, `Condition` and the constants."""

from __future__ import annotations

import pytest

import stepforge
from stepforge import Choice, Condition, Errors, JsonPath, JsonPathExpr, Pass, QueryLanguage, StateMachine


def test_expr_object():
    e = JsonPath.string_at("$.a")
    assert isinstance(e, JsonPathExpr)
    assert e.expression == "$.a" and str(e) == "$.a"
    assert repr(e) == 'JsonPathExpr("$.a")'
    assert e == JsonPathExpr("$.a") and hash(e) == hash(JsonPathExpr("$.a"))
    for at in (JsonPath.number_at, JsonPath.list_at, JsonPath.object_at, JsonPath.json_path_at):
        assert at("$.b").expression == "$.b"


def test_context_constants():
    assert {
        name: getattr(JsonPath, name).expression
        for name in (
            "ENTIRE_PAYLOAD", "TASK_TOKEN", "EXECUTION_ID", "EXECUTION_NAME", "EXECUTION_INPUT",
            "EXECUTION_START_TIME", "STATE_NAME", "STATE_ENTERED_TIME", "STATE_RETRY_COUNT",
            "MAP_ITEM_INDEX", "MAP_ITEM_VALUE",
        )
    } == {
        "ENTIRE_PAYLOAD": "$",
        "TASK_TOKEN": "$$.Task.Token",
        "EXECUTION_ID": "$$.Execution.Id",
        "EXECUTION_NAME": "$$.Execution.Name",
        "EXECUTION_INPUT": "$$.Execution.Input",
        "EXECUTION_START_TIME": "$$.Execution.StartTime",
        "STATE_NAME": "$$.State.Name",
        "STATE_ENTERED_TIME": "$$.State.EnteredTime",
        "STATE_RETRY_COUNT": "$$.State.RetryCount",
        "MAP_ITEM_INDEX": "$$.Map.Item.Index",
        "MAP_ITEM_VALUE": "$$.Map.Item.Value",
    }


INTRINSICS = [
    (JsonPath.format("Hi {} and {}", "$.a", JsonPath.string_at("$.b")), "States.Format('Hi {} and {}', $.a, $.b)"),
    (JsonPath.format("it's {}", "$.a"), "States.Format('it\\'s {}', $.a)"),
    (JsonPath.array(1, "x", True, None, "$.y"), "States.Array(1, 'x', true, null, $.y)"),
    (JsonPath.array_partition("$.items", 2), "States.ArrayPartition($.items, 2)"),
    (JsonPath.array_contains("$.items", "x"), "States.ArrayContains($.items, 'x')"),
    (JsonPath.array_range(1, 9, 2), "States.ArrayRange(1, 9, 2)"),
    (JsonPath.array_get_item("$.items", 0), "States.ArrayGetItem($.items, 0)"),
    (JsonPath.array_length("$.items"), "States.ArrayLength($.items)"),
    (JsonPath.array_unique("$.items"), "States.ArrayUnique($.items)"),
    (JsonPath.base64_encode("$.s"), "States.Base64Encode($.s)"),
    (JsonPath.base64_decode("$.s"), "States.Base64Decode($.s)"),
    (JsonPath.hash("$.s", "SHA-256"), "States.Hash($.s, 'SHA-256')"),
    (JsonPath.json_merge("$.a", "$.b"), "States.JsonMerge($.a, $.b, false)"),
    (JsonPath.math_random(1, 10), "States.MathRandom(1, 10)"),
    (JsonPath.math_random(1, 10, "$.seed"), "States.MathRandom(1, 10, $.seed)"),
    (JsonPath.math_add("$.n", -1.5), "States.MathAdd($.n, -1.5)"),
    (JsonPath.string_split("$.s", ","), "States.StringSplit($.s, ',')"),
    (JsonPath.uuid(), "States.UUID()"),
    (JsonPath.string_to_json("$.s"), "States.StringToJson($.s)"),
    (JsonPath.json_to_string("$.o"), "States.JsonToString($.o)"),
    (JsonPath.array_length(JsonPath.string_to_json("$.s")), "States.ArrayLength(States.StringToJson($.s))"),
    (JsonPath.array("States.UUID()"), "States.Array(States.UUID())"),
]


@pytest.mark.parametrize("expr, text", INTRINSICS, ids=[t for _, t in INTRINSICS])
def test_intrinsics(expr, text):
    assert expr.expression == text


def test_every_intrinsic_renders_valid_asl():
    p = Pass("P", parameters={f"f{i}": expr for i, (expr, _) in enumerate(INTRINSICS)})
    assert StateMachine(p).validate() == []


def test_intrinsic_argument_errors():
    with pytest.raises(TypeError, match=r"JsonPath.hash\(\) argument 1"):
        JsonPath.hash({"a": 1}, "MD5")
    with pytest.raises(TypeError, match=r"argument 2.*list"):
        JsonPath.format("{}", [1])
    with pytest.raises(TypeError):
        JsonPath.uuid(1)  # type: ignore[call-arg]


def test_intrinsic_mistakes_are_reported_at_render():
    p = Pass("P", parameters={"h": JsonPath.hash("$.s", "SHA-3")})
    problems = StateMachine(p).validate()
    assert [(x.code, x.pointer) for x in problems] == [("INVALID_INTRINSIC", "/States/P/Parameters/h.$")]


def test_every_core_condition_has_a_helper():
    names = stepforge._native._condition_names()
    assert len(names) == 45
    missing = [n for n in names if not callable(getattr(Condition, n, None))]
    assert missing == []


def test_conditions():
    assert Condition.string_equals("$.a", "x").to_dict() == {"Variable": "$.a", "StringEquals": "x"}
    assert Condition.number_greater_than_json_path("$.a", "$.b").to_dict() == {
        "Variable": "$.a",
        "NumericGreaterThanPath": "$.b",
    }
    assert Condition.is_not_null(JsonPath.string_at("$.a")).to_dict() == {"Variable": "$.a", "IsNull": False}
    assert Condition.is_present("$.a").to_dict() == {"Variable": "$.a", "IsPresent": True}
    combined = Condition.and_(Condition.is_string("$.a"), Condition.not_(Condition.boolean_equals("$.b", True)))
    assert combined.to_dict() == {
        "And": [{"Variable": "$.a", "IsString": True}, {"Not": {"Variable": "$.b", "BooleanEquals": True}}]
    }
    assert Condition.or_(Condition.timestamp_less_than("$.t", "2030-01-01T00:00:00Z")).to_dict() == {
        "Or": [{"Variable": "$.t", "TimestampLessThan": "2030-01-01T00:00:00Z"}]
    }
    assert Condition.jsonata("{% true %}").to_dict() == {"Condition": "{% true %}"}
    assert Condition.string_equals("$.a", "x") == Condition.string_equals("$.a", "x")
    assert repr(Condition.is_null("$.a")) == 'Condition({"Variable":"$.a","IsNull":true})'


def test_condition_argument_errors():
    with pytest.raises(TypeError, match="variable"):
        Condition.is_present(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="argument 2 must be a Condition"):
        Condition.and_(Condition.is_null("$.a"), "x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not JSON"):
        Condition.number_equals("$.a", {1})  # type: ignore[arg-type]


def test_wrong_operand_type_is_reported_at_render():
    c = Choice("C").when(Condition.string_equals("$.a", 5), Pass("P"))  # type: ignore[arg-type]
    problems = StateMachine(c).validate()
    assert problems and problems[0].pointer.startswith("/States/C/Choices/0")


def test_constants():
    assert Errors.ALL == "States.ALL"
    assert Errors.TASKS_FAILED == "States.TaskFailed"
    assert Errors.TIMEOUT == "States.Timeout"
    assert Errors.DATA_LIMIT_EXCEEDED == "States.DataLimitExceeded"
    assert QueryLanguage.JSONPATH == "JSONPath" and QueryLanguage.JSONATA == "JSONata"
    names = [v for k, v in vars(Errors).items() if k.isupper()]
    assert len(names) == 15
    # Every constant is a name Step Functions defines: the validator accepts it.
    from stepforge import Task

    t = Task("T", resource="arn:aws:lambda:us-east-1:123456789012:function:f").add_retry(
        errors=[n for n in names if n != Errors.ALL]
    )
    assert StateMachine(t).validate() == []
