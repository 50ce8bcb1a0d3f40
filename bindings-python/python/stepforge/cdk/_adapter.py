"""The generic adapter: ASL states rendered by the stepforge core become CDK
states, so a construct holds no state-machine logic of its own.

- Task, Pass and Wait become ``sfn.CustomState`` (their JSON as the core wrote
  it), with ``add_retry``/``add_catch`` so the graph knows the catch targets;
- Choice becomes ``sfn.Choice`` whose rules are :class:`RawCondition`, a
  ``sfn.Condition`` that renders the core's rule JSON unchanged;
- Parallel becomes ``sfn.Parallel``; a branch that starts with the placeholder
  state is replaced by the caller's own CDK chainable, so that chainable's
  grants (a Lambda invoke, …) still reach the state machine's role;
- Succeed and Fail become ``sfn.Succeed``/``sfn.Fail``.

``Next`` links become ``.next()``; a state with ``End: true`` stays open and
is an end state of the result. The policy statements given are registered
on the graph by the start state, so whoever uses the fragment gets them.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

_JITTER = {"FULL": sfn.JitterType.FULL, "NONE": sfn.JitterType.NONE}


class RawCondition(sfn.Condition):
    """A Choice rule given as ASL JSON (without ``Next``), rendered as is."""

    def __init__(self, rule: Mapping[str, Any]) -> None:
        super().__init__()
        self._rule = dict(rule)

    def render_condition(self) -> Any:
        return self._rule


def _grant(graph: sfn.StateGraph, statements: Sequence[iam.PolicyStatement]) -> None:
    for statement in statements:
        graph.register_policy_statement(statement)


class _GrantingCustomState(sfn.CustomState):
    """A ``CustomState`` that registers policy statements on the graph it joins."""

    def __init__(self, scope: Construct, id: str, *, state_json: Mapping[str, Any], statements: Sequence[iam.PolicyStatement]) -> None:
        super().__init__(scope, id, state_json=state_json)
        self._statements = list(statements)

    def _when_bound_to_graph(self, graph: sfn.StateGraph) -> None:
        super()._when_bound_to_graph(graph)
        _grant(graph, self._statements)


class _GrantingParallel(sfn.Parallel):
    """A ``Parallel`` that registers policy statements on the graph it joins."""

    def __init__(self, scope: Construct, id: str, *, statements: Sequence[iam.PolicyStatement], **props: Any) -> None:
        super().__init__(scope, id, **props)
        self._statements = list(statements)

    def _when_bound_to_graph(self, graph: sfn.StateGraph) -> None:
        super()._when_bound_to_graph(graph)
        _grant(graph, self._statements)


def _path(value: Any) -> Optional[str]:
    """A ResultPath/OutputPath: ``null`` discards."""
    if value is None:
        return sfn.JsonPath.DISCARD
    return str(value)


def _custom_json(name: str, body: Dict[str, Any]) -> Dict[str, Any]:
    """A CustomState's JSON. jsii drops a Python ``None`` on its way to the
    CDK, so a null path becomes ``JsonPath.DISCARD`` (which the CDK renders as
    null); a null anywhere else would be lost, so it is refused."""
    out = dict(body)
    for field in ("ResultPath", "OutputPath", "InputPath"):
        if field in out and out[field] is None:
            out[field] = sfn.JsonPath.DISCARD

    def check(value: Any, where: str) -> None:
        if value is None:
            raise ValueError(f"state `{name}`: a null at {where} cannot pass through the CDK's CustomState")
        if isinstance(value, dict):
            for k, v in value.items():
                check(v, f"{where}/{k}")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                check(v, f"{where}/{i}")

    check(out, "")
    return out


class Adapted:
    """The CDK states of one ASL scope: its start state and its open end states."""

    def __init__(self, start: sfn.State, ends: List[sfn.State], states: Dict[str, sfn.State]) -> None:
        self.start = start
        self.ends = ends
        self.states = states


def adapt(
    scope: Construct,
    graph: Mapping[str, Any],
    *,
    placeholder: Optional[str] = None,
    job: Optional[sfn.IChainable] = None,
    statements: Sequence[iam.PolicyStatement] = (),
) -> Adapted:
    """Builds CDK states in ``scope`` for ``graph`` (``{"StartAt", "States"}``).

    A Parallel branch starting at ``placeholder`` runs ``job`` instead.
    ``statements`` are registered by the start state.
    """
    states_json: Mapping[str, Mapping[str, Any]] = graph["States"]
    start_name: str = graph["StartAt"]
    made: Dict[str, sfn.State] = {}
    ends: List[sfn.State] = []

    def create(name: str, body: Mapping[str, Any]) -> sfn.State:
        grant = statements if name == start_name else ()
        kind = body["Type"]
        if kind == "Parallel":
            props: Dict[str, Any] = {}
            for field, prop in (("Parameters", "parameters"), ("ResultSelector", "result_selector"), ("Comment", "comment")):
                if field in body:
                    props[prop] = body[field]
            for field, prop in (("ResultPath", "result_path"), ("OutputPath", "output_path"), ("InputPath", "input_path")):
                if field in body:
                    props[prop] = _path(body[field])
            state: sfn.State = (
                _GrantingParallel(scope, name, statements=grant, **props) if grant else sfn.Parallel(scope, name, **props)
            )
            return state
        if kind == "Choice":
            return sfn.Choice(scope, name, comment=body.get("Comment"))
        if kind == "Succeed":
            return sfn.Succeed(scope, name, comment=body.get("Comment"))
        if kind == "Fail":
            return sfn.Fail(
                scope,
                name,
                comment=body.get("Comment"),
                error=body.get("Error"),
                cause=body.get("Cause"),
                error_path=body.get("ErrorPath"),
                cause_path=body.get("CausePath"),
            )
        plain = _custom_json(name, {k: v for k, v in body.items() if k not in ("Next", "End", "Retry", "Catch")})
        if grant:
            return _GrantingCustomState(scope, name, state_json=plain, statements=grant)
        return sfn.CustomState(scope, name, state_json=plain)

    for name, body in states_json.items():
        made[name] = create(name, body)

    for name, body in states_json.items():
        state = made[name]
        kind = body["Type"]
        for retry in body.get("Retry", []):
            state.add_retry(  # type: ignore[attr-defined]
                errors=retry.get("ErrorEquals"),
                interval=Duration.seconds(retry["IntervalSeconds"]) if "IntervalSeconds" in retry else None,
                max_attempts=retry.get("MaxAttempts"),
                backoff_rate=retry.get("BackoffRate"),
                max_delay=Duration.seconds(retry["MaxDelaySeconds"]) if "MaxDelaySeconds" in retry else None,
                jitter_strategy=_JITTER.get(retry.get("JitterStrategy", ""), None),
            )
        for catch in body.get("Catch", []):
            state.add_catch(  # type: ignore[attr-defined]
                made[catch["Next"]],
                errors=catch.get("ErrorEquals"),
                result_path=_path(catch["ResultPath"]) if "ResultPath" in catch else None,
            )
        if kind == "Choice":
            choice: sfn.Choice = state  # type: ignore[assignment]
            for rule in body.get("Choices", []):
                condition = {k: v for k, v in rule.items() if k != "Next"}
                choice.when(RawCondition(condition), made[rule["Next"]])
            if "Default" in body:
                choice.otherwise(made[body["Default"]])
        elif kind == "Parallel":
            parallel: sfn.Parallel = state  # type: ignore[assignment]
            for branch in body.get("Branches", []):
                if placeholder is not None and branch.get("StartAt") == placeholder:
                    if job is None:
                        raise ValueError("a placeholder branch needs a job")
                    parallel.branch(job)
                else:
                    parallel.branch(adapt(scope, branch).start)
        if "Next" in body:
            state.next(made[body["Next"]])  # type: ignore[attr-defined]
        elif body.get("End") is True:
            ends.append(state)
    return Adapted(made[start_name], ends, made)
