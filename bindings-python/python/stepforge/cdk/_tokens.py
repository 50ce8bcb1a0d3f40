"""What the core renders as plain strings, turned into CDK tokens.

The core builds definitions and policy statements from strings. A CDK token
(a function's ARN before deployment) cannot go through it as is: the core
would treat ``${Token[…]}`` as a function *name* and write an ARN around it.
So the constructs hand the core a sentinel ARN that says "a Lambda function"
and swap it for the token afterwards, in the definition and in the policy
statements alike. The core also writes the caller's partition, region and
account as CloudFormation pseudo parameters (``${AWS::Region}``), which
become the CDK's ``Aws`` tokens here.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping

from aws_cdk import Aws
from aws_cdk import aws_iam as iam

_PSEUDO = {
    "${AWS::Partition}": Aws.PARTITION,
    "${AWS::Region}": Aws.REGION,
    "${AWS::AccountId}": Aws.ACCOUNT_ID,
}


def sentinel_function_arn(index: int) -> str:
    """A Lambda function ARN no real function has, for the ``index``-th function given."""
    return f"arn:aws:lambda:stepforge-sentinel:000000000000:function:StepforgeSentinel{index}"


def substitute(value: Any, tokens: Mapping[str, str]) -> Any:
    """``value`` with every occurrence of each key of ``tokens`` (in any string,
    at any depth) and of the pseudo parameters replaced by its token."""
    table = {**_PSEUDO, **tokens}
    if isinstance(value, str):
        for plain, token in table.items():
            value = value.replace(plain, token)
        return value
    if isinstance(value, dict):
        return {k: substitute(v, tokens) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, tokens) for v in value]
    return value


def statements(documents: List[Dict[str, Any]], tokens: Mapping[str, str]) -> List[iam.PolicyStatement]:
    """The core's policy statements as CDK ones, sentinels replaced by tokens."""
    out = []
    for d in substitute(documents, tokens):
        out.append(iam.PolicyStatement(actions=list(d["Action"]), resources=list(d["Resource"])))
    return out
