import stepforge


def test_validate_reports_code_pointer_message():
    problems = stepforge.validate_text('{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}')
    assert [p[:2] for p in problems] == [
        ("MISSING_TRANSITION_TARGET", "/States/A/Next"),
        ("MISSING_TERMINAL_STATE", "/States"),
    ]
