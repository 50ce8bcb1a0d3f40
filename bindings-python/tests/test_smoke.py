import pytest

import stepforge


def test_format_json_keeps_order_and_numbers():
    out = stepforge.format_json('{"b":1.50,"a":12345678901234567890123}')
    assert out == '{\n  "b": 1.50,\n  "a": 12345678901234567890123\n}'


def test_format_json_rejects_bad_json():
    with pytest.raises(ValueError, match="EOF"):
        stepforge.format_json("{")
