"""The exception hierarchy and `Problem`."""

from __future__ import annotations

import pickle

import pytest

import stepforge
from stepforge import (
    ChainError,
    InternalError,
    Pass,
    Problem,
    StateMachine,
    StepforgeError,
    Succeed,
    ValidationError,
)


def test_hierarchy():
    assert issubclass(ValidationError, StepforgeError)
    assert issubclass(ValidationError, ValueError)
    assert issubclass(ChainError, ValidationError)
    assert issubclass(InternalError, StepforgeError)
    assert not issubclass(InternalError, ValidationError)
    for cls in (StepforgeError, ValidationError, ChainError, InternalError):
        assert cls.__module__ == "stepforge"
        assert getattr(stepforge, cls.__name__) is cls


def test_problem_fields_are_read_only():
    p = Problem("INVALID_JSON", "/a", "broken")
    assert (p.code, p.pointer, p.message) == ("INVALID_JSON", "/a", "broken")
    with pytest.raises(AttributeError):
        p.code = "X"  # type: ignore[misc]


def test_problem_eq_hash_repr_str_dict():
    p = Problem("MISSING_FIELD", "/States/A", "no `Type`")
    assert p == Problem("MISSING_FIELD", "/States/A", "no `Type`")
    assert p != Problem("MISSING_FIELD", "/States/B", "no `Type`")
    assert len({p, Problem("MISSING_FIELD", "/States/A", "no `Type`")}) == 1
    assert repr(p) == "Problem(code='MISSING_FIELD', pointer='/States/A', message='no `Type`')"
    assert str(p) == "MISSING_FIELD /States/A: no `Type`"
    assert str(Problem("INVALID_JSON", "", "bad")) == "INVALID_JSON: bad"
    assert p.to_dict() == {"code": "MISSING_FIELD", "pointer": "/States/A", "message": "no `Type`"}


def test_problem_rejects_unknown_codes():
    with pytest.raises(ValueError, match="NOT_A_CODE"):
        Problem("NOT_A_CODE", "", "x")


def test_problem_and_error_pickle():
    p = Problem("INVALID_JSON", "", "bad")
    assert pickle.loads(pickle.dumps(p)) == p
    e = ValidationError("INVALID_JSON: bad", [p])
    e2 = pickle.loads(pickle.dumps(e))
    assert type(e2) is ValidationError and str(e2) == str(e) and e2.problems == [p]


def test_validation_error_message_lists_every_problem():
    a, b = Pass("A"), Pass("A")
    c = Pass("C")
    machine = StateMachine(a.next(b).next(c))
    with pytest.raises(ValidationError) as info:
        machine.to_json()
    err = info.value
    assert not isinstance(err, ChainError)
    assert [p.code for p in err.problems] == ["DUPLICATE_STATE_NAME"]
    assert str(err) == str(err.problems[0])

    x = Pass("X", result_path="not a path", output_path="nor this")
    with pytest.raises(ValidationError) as info:
        StateMachine(x).to_json()
    problems = info.value.problems
    assert len(problems) >= 2
    lines = str(info.value).split("\n")
    assert lines[0] == f"{len(problems)} problems:"
    assert lines[1:] == [f"  {p.code} {p.pointer}: {p.message}" for p in problems]


def test_chain_error_is_raised_by_the_linking_call():
    a = Pass("A")
    a.next(Succeed("B"))
    with pytest.raises(ChainError) as info:
        a.next(Succeed("C"))
    assert [(p.code, p.pointer) for p in info.value.problems] == [("INVALID_CHAIN", "/States/A")]
    assert "already has a next state" in info.value.problems[0].message


def test_a_panic_becomes_internal_error():
    # No input is known to make the core panic; every call into it is guarded
    # so that one would raise this instead of aborting the interpreter.
    with pytest.raises(InternalError, match="on purpose") as info:
        stepforge._native._panic_for_testing()
    assert isinstance(info.value, StepforgeError)
    assert "please report" in str(info.value)
    # The interpreter is fine afterwards.
    assert StateMachine(Pass("P")).validate() == []
