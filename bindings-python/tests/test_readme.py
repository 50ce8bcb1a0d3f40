"""The examples in the package's README run as written. (Blocks marked
`py` rather than `python` need a DynamoDB table and are not run here; the
same calls are in test_load_ddb.py.)"""

from __future__ import annotations

import re

import pytest

from conftest import ROOT

README = ROOT / "bindings-python" / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_has_examples():
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_example(code, capsys):
    exec(compile(code, str(README), "exec"), {})
