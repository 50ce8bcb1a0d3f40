"""The shared test vectors: every `core/tests/vectors/<name>/program.py` must
render its `expected.json` byte for byte, as the Rust and TypeScript programs do."""

from __future__ import annotations

import importlib.util
import pathlib

import pytest

from stepforge import StateMachine

from conftest import VECTORS

DIRS = sorted(p for p in VECTORS.iterdir() if p.is_dir())


def load(program: pathlib.Path):
    spec = importlib.util.spec_from_file_location(f"vector_{program.parent.name}", program)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_there_are_vectors():
    assert len(DIRS) >= 7


@pytest.mark.parametrize("vector", DIRS, ids=lambda p: p.name)
def test_program_renders_expected_bytes(vector: pathlib.Path):
    program = vector / "program.py"
    assert program.is_file(), f"{vector.name}: no program.py (write the Python mirror of program.rs)"
    expected = vector / "expected.json"
    assert expected.is_file(), f"{vector.name}: no expected.json"
    machine = load(program).build()
    assert isinstance(machine, StateMachine)
    assert (machine.to_json() + "\n").encode("utf-8") == expected.read_bytes()
    assert machine.validate() == []
