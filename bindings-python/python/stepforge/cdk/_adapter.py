"""The generic adapter: ASL states rendered by the stepforge core become CDK
states, so a construct holds no state-machine logic of its own.

- Task, Pass and Wait become ``sfn.CustomState`` (their JSON as the core wrote
  it), with ``add_retry``/``add_catch`` so the graph knows the catch targets;
- Choice becomes ``sfn.Choice`` whose rules are :class:`RawCondition`, a
  ``sfn.Condition`` that renders the core's rule JSON unchanged;
- Parallel becomes ``sfn.Parallel``; a branch that starts with the placeholder
  state is replaced by the caller's own CDK chainable, so that chainable's
  grants (a Lambda invoke, …) still reach the state machine's role;
- Map (inline) becomes ``sfn.Map`` whose item processor is adapted in turn;
  its ``ProcessorConfig`` is rendered exactly as the core wrote it (the CDK
  would add ``{"Mode": "INLINE"}`` where the core left the default implicit);
- Succeed and Fail become ``sfn.Succeed``/``sfn.Fail``;
- a state named in ``replace`` (at any depth) becomes the caller's chainable:
  links into it go to the chainable's start, its ``Next`` follows the
  chainable's ends. Its own Retry is the chainable's business; a Catch cannot
  move to a chainable, so a replaced state with one is refused.

Given ``bilingual`` (the same graph rendered in JSONata), every state the
adapter makes renders as the core wrote it in the query language of the
machine it ends up in (see :class:`Bilingual`).

``Next`` links become ``.next()``; a state with ``End: true`` stays open and
is an end state of the result. The policy statements given are registered
on the graph by the start state (or the first state the adapter made, when
the start is replaced), so whoever uses the fragment gets them.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence

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


#: Told the graph the carrier state joins (the semaphore learns its machine's timeout from it).
OnBound = Callable[[sfn.StateGraph], None]


#: The fields that differ between a state's JSONPath and JSONata forms.
_DATA_FIELDS = (
    "QueryLanguage", "InputPath", "Parameters", "ResultSelector", "ResultPath", "OutputPath", "Arguments",
    "Output", "Assign", "Seconds", "SecondsPath", "Error", "ErrorPath", "Cause", "CausePath",
)
_CATCH_FIELDS = ("ResultPath", "Output", "Assign")


def _states_by_name(graph: Mapping[str, Any], out: Dict[str, Mapping[str, Any]]) -> Dict[str, Mapping[str, Any]]:
    """Every state of ``graph`` and its nested scopes, by name (names are unique in a machine)."""
    for name, body in graph["States"].items():
        out[name] = body
        for branch in body.get("Branches", []):
            _states_by_name(branch, out)
        if "ItemProcessor" in body:
            _states_by_name(body["ItemProcessor"], out)
    return out


class Bilingual:
    """A fragment rendered by the core in both query languages, with the
    same states and transitions: each adapted state renders in the language
    of the machine it is in.

    The CDK tells a state the machine's top-level ``QueryLanguage`` when it
    renders it (``toStateJson``), but not to the states of a Parallel branch;
    so the fragment's first state, rendered before the states of its
    branches, records the language here for them. ``fixed`` is the language
    the user asked for by name (``query_language=``): then that form is
    rendered, and a JSONPath one in a JSONata machine is an error naming
    ``construct``."""

    def __init__(
        self, jsonata: Mapping[str, Any], *, fixed: Optional[str] = None, construct: str = ""
    ) -> None:
        self._jsonata = _states_by_name(jsonata, {})
        self._fixed = fixed
        self._construct = construct
        self._machine: Optional[str] = None

    def learn(self, top: Any) -> None:
        """Called by the first state with the language the CDK gave it."""
        if top is not None:
            self._machine = str(top)

    def render(self, name: str, rendered: Mapping[str, Any], top: Any) -> Mapping[str, Any]:
        """The CDK's rendering of state ``name`` (its JSONPath form), in the machine's language."""
        machine = str(top) if top is not None else self._machine
        jsonata_machine = machine == str(sfn.QueryLanguage.JSONATA)
        if self._fixed == "JSONPath" and jsonata_machine:
            raise ValueError(
                f"{self._construct}: the state machine's query language is JSONata, where no JSONPath state is "
                "allowed, but the semaphore was given query_language='JSONPath'; leave query_language out "
                "(the semaphore then follows the machine) or set it to 'JSONata'"
            )
        if not (self._fixed == "JSONata" or (self._fixed is None and jsonata_machine)):
            return rendered
        return _in_jsonata(rendered, self._jsonata[name], drop_language=jsonata_machine)


def _in_jsonata(rendered: Mapping[str, Any], body: Mapping[str, Any], *, drop_language: bool) -> Dict[str, Any]:
    """``rendered`` with its data fields, its catchers' and its rules' taken from the JSONata ``body``."""
    out = {k: v for k, v in rendered.items() if k not in _DATA_FIELDS}
    for field in _DATA_FIELDS:
        if field in body and not (field == "QueryLanguage" and drop_language):
            out[field] = body[field]
    if "Catch" in out:
        by_errors = {tuple(c["ErrorEquals"]): c for c in body.get("Catch", [])}
        catches = []
        for catch in out["Catch"]:
            core = by_errors.get(tuple(catch["ErrorEquals"]), {})
            kept = {k: v for k, v in catch.items() if k not in _CATCH_FIELDS}
            catches.append({**kept, **{k: core[k] for k in _CATCH_FIELDS if k in core}})
        out["Catch"] = catches
    if "Choices" in out:
        out["Choices"] = [
            {**{k: v for k, v in core.items() if k != "Next"}, "Next": rule["Next"]}
            for rule, core in zip(out["Choices"], body.get("Choices", []))
        ]
    return out


class _Bilingual:
    """Mixed into a CDK state class: the state renders the core's JSON in the
    query language of the machine it is rendered in (see :class:`Bilingual`);
    the fragment's first state learns that language for the states of its
    branches, which the CDK renders without it."""

    def __init__(self, scope: Construct, id: str, *, bilingual: Bilingual, first: bool, **props: Any) -> None:
        super().__init__(scope, id, **props)  # type: ignore[call-arg]
        self._bilingual, self._first, self._name = bilingual, first, id

    def to_state_json(self, *args: Any) -> Any:
        top = args[0] if args else None
        if self._first:
            self._bilingual.learn(top)
        return self._bilingual.render(self._name, super().to_state_json(*args), top)  # type: ignore[misc]


class _BilingualCustomState(_Bilingual, sfn.CustomState):
    pass


class _BilingualChoice(_Bilingual, sfn.Choice):
    pass


class _BilingualSucceed(_Bilingual, sfn.Succeed):
    pass


class _BilingualFail(_Bilingual, sfn.Fail):
    pass


def _grant(graph: sfn.StateGraph, statements: Sequence[iam.PolicyStatement], on_bound: Optional[OnBound] = None) -> None:
    for statement in statements:
        graph.register_policy_statement(statement)
    if on_bound is not None:
        on_bound(graph)


class _GrantingCustomState(sfn.CustomState):
    """A ``CustomState`` that registers policy statements on the graph it joins."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        state_json: Mapping[str, Any],
        statements: Sequence[iam.PolicyStatement],
        on_bound: Optional[OnBound] = None,
    ) -> None:
        super().__init__(scope, id, state_json=state_json)
        self._statements = list(statements)
        self._on_bound = on_bound

    def _when_bound_to_graph(self, graph: sfn.StateGraph) -> None:
        super()._when_bound_to_graph(graph)
        _grant(graph, self._statements, self._on_bound)


class _GrantingParallel(sfn.Parallel):
    """A ``Parallel`` that registers policy statements on the graph it joins."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        statements: Sequence[iam.PolicyStatement],
        on_bound: Optional[OnBound] = None,
        bilingual: Optional[Bilingual] = None,
        first: bool = False,
        **props: Any,
    ) -> None:
        super().__init__(scope, id, **props)
        self._statements = list(statements)
        self._on_bound = on_bound
        self._bilingual, self._first, self._name = bilingual, first, id

    def _when_bound_to_graph(self, graph: sfn.StateGraph) -> None:
        super()._when_bound_to_graph(graph)
        _grant(graph, self._statements, self._on_bound)

    def to_state_json(self, *args: Any) -> Any:
        top = args[0] if args else None
        if self._bilingual is None:
            return super().to_state_json(*args)
        # Learnt before the branches render (inside the CDK's own rendering of this state).
        if self._first:
            self._bilingual.learn(top)
        return self._bilingual.render(self._name, super().to_state_json(*args), top)


class _AdaptedMap(sfn.Map):
    """A ``Map`` that renders its ``ProcessorConfig`` as the core wrote it
    (absent: absent) and registers policy statements on the graph it joins."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        processor_config: Optional[Mapping[str, Any]],
        statements: Sequence[iam.PolicyStatement],
        on_bound: Optional[OnBound] = None,
        **props: Any,
    ) -> None:
        super().__init__(scope, id, **props)
        self._core_processor_config = None if processor_config is None else dict(processor_config)
        self._statements = list(statements)
        self._on_bound = on_bound

    def _when_bound_to_graph(self, graph: sfn.StateGraph) -> None:
        super()._when_bound_to_graph(graph)
        _grant(graph, self._statements, self._on_bound)

    def to_state_json(self, *args: Any) -> Any:
        # The CDK passes the machine's top-level query language along.
        rendered = dict(super().to_state_json(*args))
        if "ItemProcessor" in rendered:
            processor = dict(rendered["ItemProcessor"])
            if self._core_processor_config is None:
                processor.pop("ProcessorConfig", None)
            else:
                processor["ProcessorConfig"] = self._core_processor_config
            rendered["ItemProcessor"] = processor
        return rendered


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
    """The CDK states of one ASL scope: its start and its open end states.

    ``start`` is a state the adapter made, or (when the start state is
    replaced) the first state of the caller's chainable.
    """

    def __init__(self, start: sfn.State, ends: List[sfn.INextable], states: Dict[str, sfn.IChainable]) -> None:
        self.start = start
        self.ends = ends
        self.states = states


_PATHS = (("ResultPath", "result_path"), ("OutputPath", "output_path"), ("InputPath", "input_path"))


def _props(body: Mapping[str, Any], fields: Sequence[tuple[str, str]]) -> Dict[str, Any]:
    props: Dict[str, Any] = {}
    for field, prop in fields:
        if field in body:
            props[prop] = body[field]
    for field, prop in _PATHS:
        if field in body:
            props[prop] = _path(body[field])
    return props


def adapt(
    scope: Construct,
    graph: Mapping[str, Any],
    *,
    placeholder: Optional[str] = None,
    job: Optional[sfn.IChainable] = None,
    statements: Sequence[iam.PolicyStatement] = (),
    replace: Optional[Mapping[str, sfn.IChainable]] = None,
    on_bound: Optional[OnBound] = None,
    bilingual: Optional[Bilingual] = None,
) -> Adapted:
    """Builds CDK states in ``scope`` for ``graph`` (``{"StartAt", "States"}``).

    A Parallel branch starting at ``placeholder`` runs ``job`` instead; a
    state named in ``replace``, in this scope or a nested one, becomes that
    chainable. ``statements`` are registered by the start state (the first
    state made, when the start is replaced); that state also calls
    ``on_bound`` with the graph it joins. Raises ``ValueError`` for a graph
    the CDK cannot express. With ``bilingual``, each state renders in the
    language of its machine (Map states excepted: none of the fragments
    that are bilingual has one).
    """
    replace = dict(replace or {})
    states_json: Mapping[str, Mapping[str, Any]] = graph["States"]
    start_name: str = graph["StartAt"]
    made: Dict[str, sfn.IChainable] = {}
    ends: List[sfn.INextable] = []
    if start_name not in states_json:
        raise ValueError(f"StartAt `{start_name}` names no state of the graph")
    carrier = start_name if start_name not in replace else next((n for n in states_json if n not in replace), None)
    if carrier is None and (statements or on_bound is not None):
        raise ValueError("every state of the graph is replaced: no state is left to carry the policy statements")

    def create(name: str, body: Mapping[str, Any]) -> sfn.State:
        grant = statements if name == carrier else ()
        hook = on_bound if name == carrier else None
        kind = body["Type"]
        lingual: Dict[str, Any] = {} if bilingual is None else {"bilingual": bilingual, "first": name == start_name}
        if kind == "Parallel":
            props = _props(body, (("Parameters", "parameters"), ("ResultSelector", "result_selector"), ("Comment", "comment")))
            state: sfn.State = (
                _GrantingParallel(scope, name, statements=grant, on_bound=hook, **lingual, **props)
                if grant or hook or lingual
                else sfn.Parallel(scope, name, **props)
            )
            return state
        if kind == "Map":
            if "ItemProcessor" not in body:
                raise ValueError(f"state `{name}`: only a Map with an ItemProcessor can be adapted")
            config = body["ItemProcessor"].get("ProcessorConfig")
            if config is not None and config.get("Mode", "INLINE") != "INLINE":
                raise ValueError(f"state `{name}`: only an inline Map can be adapted, not {config}")
            unsupported = sorted(set(body) - {"Type", "Comment", "ItemProcessor", "ItemsPath", "ItemSelector", "Parameters",
                                               "MaxConcurrency", "ResultPath", "OutputPath", "InputPath", "ResultSelector",
                                               "Retry", "Catch", "Next", "End"})
            if unsupported:
                raise ValueError(f"state `{name}`: the adapter cannot carry the Map field(s) {', '.join(unsupported)}")
            props = _props(
                body,
                (
                    ("Comment", "comment"),
                    ("ItemsPath", "items_path"),
                    ("ItemSelector", "item_selector"),
                    ("Parameters", "parameters"),
                    ("MaxConcurrency", "max_concurrency"),
                    ("ResultSelector", "result_selector"),
                ),
            )
            return _AdaptedMap(scope, name, processor_config=config, statements=grant, on_bound=hook, **props)
        if kind == "Choice":
            if lingual:
                return _BilingualChoice(scope, name, comment=body.get("Comment"), **lingual)
            return sfn.Choice(scope, name, comment=body.get("Comment"))
        if kind == "Succeed":
            if lingual:
                return _BilingualSucceed(scope, name, comment=body.get("Comment"), **lingual)
            return sfn.Succeed(scope, name, comment=body.get("Comment"))
        if kind == "Fail":
            return (_BilingualFail if lingual else sfn.Fail)(
                scope,
                name,
                comment=body.get("Comment"),
                error=body.get("Error"),
                cause=body.get("Cause"),
                error_path=body.get("ErrorPath"),
                cause_path=body.get("CausePath"),
                **lingual,
            )
        plain = _custom_json(name, {k: v for k, v in body.items() if k not in ("Next", "End", "Retry", "Catch")})
        if lingual:
            if grant or hook:
                raise ValueError(f"state `{name}`: a bilingual fragment carries its grants on a Parallel first state")
            return _BilingualCustomState(scope, name, state_json=plain, **lingual)
        if grant or hook:
            return _GrantingCustomState(scope, name, state_json=plain, statements=grant, on_bound=hook)
        return sfn.CustomState(scope, name, state_json=plain)

    def target(source: str, name: str) -> sfn.IChainable:
        if name not in made:
            raise ValueError(f"state `{source}` goes to `{name}`, which the graph does not have")
        return made[name]

    for name, body in states_json.items():
        if name in replace:
            if body.get("Catch"):
                raise ValueError(f"state `{name}` has a Catch, which cannot move to the chainable that replaces it")
            made[name] = replace[name]
        else:
            made[name] = create(name, body)

    for name, body in states_json.items():
        if name in replace:
            chain = sfn.Chain.start(replace[name])
            if "Next" in body:
                chain.next(target(name, body["Next"]))
            elif body.get("End") is True:
                ends.extend(chain.end_states)
            continue
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
                target(name, catch["Next"]),
                errors=catch.get("ErrorEquals"),
                result_path=_path(catch["ResultPath"]) if "ResultPath" in catch else None,
            )
        if kind == "Choice":
            choice: sfn.Choice = state  # type: ignore[assignment]
            for rule in body.get("Choices", []):
                condition = {k: v for k, v in rule.items() if k != "Next"}
                choice.when(RawCondition(condition), target(name, rule["Next"]))
            if "Default" in body:
                choice.otherwise(target(name, body["Default"]))
        elif kind == "Parallel":
            parallel: sfn.Parallel = state  # type: ignore[assignment]
            for branch in body.get("Branches", []):
                if placeholder is not None and branch.get("StartAt") == placeholder:
                    if job is None:
                        raise ValueError("a placeholder branch needs a job")
                    parallel.branch(job)
                else:
                    parallel.branch(adapt(scope, branch, replace=replace, bilingual=bilingual).start)
        elif kind == "Map":
            each: sfn.Map = state  # type: ignore[assignment]
            each.item_processor(adapt(scope, body["ItemProcessor"], replace=replace).start)
        if "Next" in body:
            state.next(target(name, body["Next"]))  # type: ignore[attr-defined]
        elif body.get("End") is True:
            ends.append(state)  # type: ignore[arg-type]
    start = made[start_name]
    return Adapted(start if isinstance(start, sfn.State) else start.start_state, ends, made)
