"""`_native.pyi` declares exactly what `_native` exports, and the package is typed."""

from __future__ import annotations

import ast
import inspect
import pathlib

import stepforge
from stepforge import _native

STUB = pathlib.Path(_native.__file__).with_name("_native.pyi")


def stub_tree():
    return ast.parse(STUB.read_text(encoding="utf-8"))


def test_package_ships_stubs_and_marker():
    assert STUB.is_file()
    assert STUB.with_name("py.typed").is_file()


def test_tests_run_against_the_installed_package():
    # Not the source tree: the wheel's files are in site-packages.
    assert "site-packages" in pathlib.Path(stepforge.__file__).parts


def test_every_export_is_declared():
    tree = stub_tree()
    declared = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            declared.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            declared.add(node.target.id)
    exported = {n for n in dir(_native) if not n.startswith("__") or n == "__version__"}
    exported -= {"_native"}
    assert exported - declared == set()


def test_every_public_method_is_declared():
    classes = {n.name: n for n in stub_tree().body if isinstance(n, ast.ClassDef)}
    missing = []
    for name, node in classes.items():
        runtime = getattr(_native, name, None)
        if runtime is None or not inspect.isclass(runtime):
            continue
        declared = {
            item.name if isinstance(item, ast.FunctionDef) else item.target.id
            for item in node.body
            if isinstance(item, ast.FunctionDef) or (isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name))
        }
        bases = [b.id for b in node.bases if isinstance(b, ast.Name)]
        for base in bases:
            if base in classes:
                declared |= {i.name for i in classes[base].body if isinstance(i, ast.FunctionDef)}
        own = {n for n in vars(runtime) if not n.startswith("_")}
        missing += [f"{name}.{n}" for n in own - declared]
    assert missing == []


STATE_CLASSES = ["Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"]


def core_options(name: str) -> list:
    """The options the core accepts, from the error that lists them."""
    try:
        getattr(stepforge, name)("S", not_an_option=1)
    except TypeError as e:
        return str(e).split("are: ", 1)[1].split(", ")
    raise AssertionError("an unknown option was accepted")


def test_option_lists_match_the_core():
    classes = {n.name: n for n in stub_tree().body if isinstance(n, ast.ClassDef)}
    for name in STATE_CLASSES:
        options = core_options(name)
        doc = getattr(stepforge, name).__doc__
        documented = " ".join(doc.split("Options:", 1)[1].split()).rstrip(".").split(", ")
        assert documented == options, f"{name} docstring"
        new = next(f for f in classes[name].body if isinstance(f, ast.FunctionDef) and f.name == "__new__")
        assert [a.arg for a in new.args.kwonlyargs] == options, f"{name} stub"
