"""The stubs match the extension (mypy's stubtest), and typed code that uses
the package, the vector programs first, checks under `mypy --strict`."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT, VECTORS

pytest.importorskip("mypy")

PROGRAMS = sorted(VECTORS.glob("*/program.py")) + [ROOT / "bindings-python" / "tests" / "packaging" / "smoke.py"]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    # mypy writes its cache where it runs: one scratch directory, so the runs share it.
    return tmp_path_factory.mktemp("mypy")


def run(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def test_stubs_match_the_extension(scratch):
    result = run("mypy.stubtest", "stepforge._native", "--ignore-disjoint-bases", cwd=scratch)
    assert result.returncode == 0, result.stdout + result.stderr


def test_package_is_strictly_typed(scratch):
    result = run("mypy", "--strict", "-p", "stepforge", cwd=scratch)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.parent.name)
def test_programs_type_check(program, scratch):
    result = run("mypy", "--strict", str(program), cwd=scratch)
    assert result.returncode == 0, result.stdout + result.stderr
