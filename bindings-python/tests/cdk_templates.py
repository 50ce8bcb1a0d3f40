"""Helpers for the stepforge.cdk tests (test_cdk.py, test_cdk_exec.py): the
example apps synthesized once per test session, and the templates' tokens
substituted so a definition can be validated or run on stepforge.World."""

from __future__ import annotations

import functools
import json
import os
import pathlib
import sys
from typing import Any, Callable, Dict

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
#: What the pseudo parameters stand for when a definition is resolved.
FAKE = {"AWS::Partition": "aws", "AWS::Region": "us-east-1", "AWS::AccountId": "123456789012", "AWS::URLSuffix": "amazonaws.com"}


def example_module(folder: str) -> Any:
    """``examples/<folder>/app.py``, imported (each folder's ``app`` on its own)."""
    path = str(EXAMPLES / folder)
    sys.path.insert(0, path)
    try:
        sys.modules.pop("app", None)
        import app as example  # type: ignore[import-not-found]
    finally:
        sys.path.remove(path)
        sys.modules.pop("app", None)
    return example


@functools.lru_cache(maxsize=None)
def synth_example(folder: str) -> Dict[str, dict]:
    """Every stack of ``examples/<folder>/app.py``, synthesized once per session."""
    import aws_cdk as cdk

    example = example_module(folder)
    assembly = example.build(cdk.App()).synth()
    return {name: assembly.get_stack_by_name(name).template for name in example.STACKS}


def synth_stack(build: Callable[[Any], None], name: str = "S") -> Any:
    """The synthesized artifact of one stack ``build(stack)`` fills."""
    import aws_cdk as cdk

    app = cdk.App()
    stack = cdk.Stack(app, name)
    build(stack)
    return app.synth().get_stack_by_name(name)


def resources(template: dict, kind: str) -> dict:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def only(template: dict, kind: str, prefix: str = "") -> str:
    """The logical id of the one resource of ``kind`` whose id starts with ``prefix``."""
    (rid,) = [k for k in resources(template, kind) if k.startswith(prefix)]
    return rid


def resolve(value: Any, refs: dict) -> Any:
    """``value`` (a DefinitionString or a policy Resource) with each token by `refs`: a
    ``{"Ref": id}`` by ``refs[id]`` (pseudo parameters by FAKE), a
    ``{"Fn::GetAtt": [id, attr]}`` by ``refs[(id, attr)]``."""
    if isinstance(value, str):
        return value
    if "Ref" in value:
        return refs[value["Ref"]] if value["Ref"] in refs else FAKE[value["Ref"]]
    if "Fn::GetAtt" in value:
        return refs[tuple(value["Fn::GetAtt"])]
    if "Fn::Join" in value:
        return value["Fn::Join"][0].join(resolve(p, refs) for p in value["Fn::Join"][1])
    if "Fn::Select" in value:
        index, values = value["Fn::Select"]
        return resolve(values, refs)[index]
    if "Fn::Split" in value:
        separator, text = value["Fn::Split"]
        return resolve(text, refs).split(separator)
    raise AssertionError(f"unexpected token {value}")


def machine_definition(template: dict, machine_id: str, refs: dict) -> dict:
    """A state machine's definition with its tokens substituted by ``refs``."""
    return json.loads(resolve(template["Resources"][machine_id]["Properties"]["DefinitionString"], refs))


def role_statements(template: dict, machine_id: str) -> list:
    """The statements of the policies attached to a state machine's role."""
    role = template["Resources"][machine_id]["Properties"]["RoleArn"]["Fn::GetAtt"][0]
    out = []
    for policy in resources(template, "AWS::IAM::Policy").values():
        if {"Ref": role} in policy["Properties"]["Roles"]:
            out.extend(policy["Properties"]["PolicyDocument"]["Statement"])
    return out


def listed(value: Any) -> list:
    """An IAM field that may be one value or a list, as a list."""
    return value if isinstance(value, list) else [value]
