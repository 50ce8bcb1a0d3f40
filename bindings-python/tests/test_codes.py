"""`stepforge.codes()`: every problem code with its documentation, the same
list as the README's table (both come from the core's one declaration)."""

from __future__ import annotations

import re

import pytest

import stepforge
from conftest import ROOT

BROKEN = '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B", "End": true}, "C": {"Type": "Lambda"}}}'


def readme_rows():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^\| `([A-Z_]+)` \| (.*) \|$", text, re.M)


def test_codes_are_the_readme_table_in_order():
    listed = [(c.code, c.summary) for c in stepforge.codes()]
    assert listed == readme_rows()
    assert len(listed) == len({code for code, _ in listed})


def test_every_code_validate_reports_is_listed():
    known = {c.code for c in stepforge.codes()}
    found = {p.code for p in stepforge.validate(BROKEN)}
    assert {"NEXT_AND_END", "UNKNOWN_STATE_TYPE", "MISSING_TRANSITION_TARGET"} <= found
    assert found <= known


def test_problem_accepts_exactly_the_listed_codes():
    for info in stepforge.codes():
        assert stepforge.Problem(info.code, "", "m").code == info.code
    with pytest.raises(ValueError):
        stepforge.Problem("NOT_A_CODE", "", "m")


def test_doc_gives_the_reason_and_an_example():
    by_code = {c.code: c for c in stepforge.codes()}
    info = by_code["NEXT_AND_END"]
    assert info.summary == "A state has both `Next` and `End`."
    assert "AWS rejects it" in info.doc
    example = info.doc.split("Example: ", 1)[1]
    assert {p.code for p in stepforge.validate(example)} == {"NEXT_AND_END"}
    for c in by_code.values():
        assert c.summary and "\n\nExample: " in c.doc


def test_code_info_is_an_immutable_value():
    first, second = stepforge.codes()[0], stepforge.codes()[0]
    assert isinstance(first, stepforge.CodeInfo)
    assert first == second and hash(first) == hash(second)
    assert repr(first) == f"CodeInfo(code={first.code!r}, summary={first.summary!r})"
    with pytest.raises(AttributeError):
        first.code = "X"  # type: ignore[misc]
