"""The semaphore constructs: both APIs of ``@dontirun/state-machine-semaphore``
(``SemaphoreGenerator(...).generate_semaphored_job(...)`` and
``Semaphore(...)``) over the stepforge core's semaphore fragment.

Per stack, once: the lock table (partition key ``LockName``, string), the
registry of locks used (unique state names, reuse checks), the cleanup state
machine and its EventBridge rule (unless ``cleanup=False`` on the first use).

The lease (how long an owner entry may stand before a waiter reclaims it)
defaults to the timeout of the StateMachine the semaphore ends up in: no
execution holds a slot longer than it runs. A construct is made before its
machine, so the lease is a token, resolved at synthesis from the timeout the
CDK's ``StateGraph`` carries; where the semaphore is not at the top level of
a machine with a timeout, the core's default (one year) stands and the
construct adds a warning saying how to set it.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Mapping, Optional

import jsii
from aws_cdk import Annotations, Aspects, IAspect, Lazy, RemovalPolicy, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import IStableListProducer, IStableStringProducer  # noqa: F401  (jsii interfaces)
from constructs import Construct

import stepforge

from ._adapter import Bilingual, adapt

#: The construct id of the per-stack singleton.
LOCKS_ID = "StepforgeSemaphoreLocks"
#: The name of the placeholder job the core wraps; the adapter puts the user's job there.
PLACEHOLDER = "Stepforge Job Placeholder"


#: The options that set the lease (snake_case and the camelCase the core also accepts).
_LEASE_OPTIONS = ("lease_seconds", "leaseSeconds", "timeout_seconds", "timeoutSeconds")
#: The option that sets the query language, in both spellings.
_LANGUAGE_OPTIONS = ("query_language", "queryLanguage")
#: A lease no one gives, so its rendering (in ms) can be found and swapped for a token.
_LEASE_SENTINEL_SECONDS = 271_828_182
#: The core's lease when no timeout is known: one year (``DEFAULT_LEASE_SECONDS``).
DEFAULT_LEASE_SECONDS = 365 * 24 * 60 * 60
#: The id of the warning added when the lease cannot be learned.
LEASE_WARNING_ID = "stepforge:semaphoreLeaseDefault"


@jsii.implements(IStableStringProducer)
class _MachineLease:
    """The lease of one semaphore use, learned from the graph its first state
    joins: the top-level graph of a StateMachine carries the machine's
    ``timeout`` (``StateGraph.timeout``, public and set by the StateMachine
    right after it builds the graph); a branch's graph has none."""

    def __init__(self) -> None:
        self._graph: Optional[sfn.StateGraph] = None

    def bind(self, graph: sfn.StateGraph) -> None:
        """Called by the semaphore's first state when it joins a graph."""
        self._graph = graph

    def seconds(self) -> Optional[int]:
        """The machine's timeout in seconds, if the graph has one."""
        timeout = None if self._graph is None else self._graph.timeout
        if timeout is None:
            return None
        seconds = int(timeout.to_seconds())
        return seconds if seconds >= 1 else None

    def unlearned(self) -> bool:
        """Whether the semaphore is in a machine whose timeout it cannot learn."""
        return self._graph is not None and self.seconds() is None

    def produce(self) -> Optional[str]:
        # The read step compares times in milliseconds.
        return str((self.seconds() or DEFAULT_LEASE_SECONDS) * 1000)

    def token(self) -> str:
        return Lazy.string(self)


@jsii.implements(IAspect)
class _WarnWithoutLease:
    """After construction (Aspects run before synthesis, once every machine
    exists), warns on a semaphore whose lease could not be learned."""

    def __init__(self, scope: Construct, lock_name: str, lease: _MachineLease) -> None:
        self._scope = scope
        self._lock_name = lock_name
        self._lease = lease

    def visit(self, node: Any) -> None:
        if node.node.path != self._scope.node.path or not self._lease.unlearned():
            return
        Annotations.of(self._scope).add_warning_v2(
            LEASE_WARNING_ID,
            f"semaphore `{self._lock_name}`: its lease (how long before a slot left behind is reclaimed) "
            "defaults to the timeout of the StateMachine it is in, and this one has none (or the semaphore sits "
            "inside a Parallel or Map branch), so it is one year. Give the StateMachine a `timeout`, or pass "
            "`timeout_seconds=` (the machine's timeout) or `lease_seconds=` to the semaphore.",
        )


def _with_lease_token(value: Any, sentinel: str, token: str) -> tuple[Any, int]:
    """``value`` with ``sentinel`` replaced by ``token`` in every string, and how often."""
    if isinstance(value, str):
        return value.replace(sentinel, token), value.count(sentinel)
    if isinstance(value, dict):
        out, n = {}, 0
        for k, v in value.items():
            out[k], m = _with_lease_token(v, sentinel, token)
            n += m
        return out, n
    if isinstance(value, list):
        items, n = [], 0
        for v in value:
            item, m = _with_lease_token(v, sentinel, token)
            items.append(item)
            n += m
        return items, n
    return value, 0


def _statements(documents: List[Dict[str, Any]]) -> List[iam.PolicyStatement]:
    return [iam.PolicyStatement(actions=list(d["Action"]), resources=list(d["Resource"])) for d in documents]


@jsii.implements(IStableStringProducer)
class _CleanupDefinition:
    def __init__(self, locks: "SemaphoreLocks") -> None:
        self._locks = locks

    def produce(self) -> Optional[str]:
        return self._locks.registry.cleanup_machine().to_json()


@jsii.implements(IStableListProducer)
class _UserMachines:
    def __init__(self, locks: "SemaphoreLocks") -> None:
        self._locks = locks

    def produce(self) -> Optional[List[str]]:
        return [m.state_machine_arn for m in self._locks.user_machines()]


class SemaphoreLocks(Construct):
    """The per-stack part of the semaphores: the lock table, the registry of
    locks used, and the cleanup machine with its rule. Made by the first
    semaphore of a stack; :meth:`of` finds it again."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        table_read_write_capacity: Optional[Mapping[str, int]] = None,
        cleanup: bool = True,
    ) -> None:
        super().__init__(scope, id)
        provisioned = bool(table_read_write_capacity)
        capacity = table_read_write_capacity or {}
        self.table = dynamodb.Table(
            self,
            "Table",
            partition_key=dynamodb.Attribute(name="LockName", type=dynamodb.AttributeType.STRING),
            removal_policy=RemovalPolicy.DESTROY,
            billing_mode=dynamodb.BillingMode.PROVISIONED if provisioned else dynamodb.BillingMode.PAY_PER_REQUEST,
            read_capacity=int(capacity["read_capacity"]) if provisioned else None,
            write_capacity=int(capacity["write_capacity"]) if provisioned else None,
        )
        self.registry = stepforge.Semaphores()
        self.cleanup_machine: Optional[sfn.StateMachine] = None
        self.cleanup_rule: Optional[events.Rule] = None
        if cleanup:
            self.cleanup_machine = sfn.StateMachine(
                self,
                "Cleanup",
                definition_body=sfn.DefinitionBody.from_string(Lazy.string(_CleanupDefinition(self))),
            )
            for s in _statements(stepforge.cleanup_iam(self.table.table_arn)):
                self.cleanup_machine.add_to_role_policy(s)
            pattern = stepforge.cleanup_event_pattern([])
            self.cleanup_rule = events.Rule(
                self,
                "CleanupRule",
                event_pattern=events.EventPattern(
                    source=pattern["source"],
                    detail_type=pattern["detail-type"],
                    detail={
                        "status": pattern["detail"]["status"],
                        "stateMachineArn": Lazy.list(_UserMachines(self)),
                    },
                ),
            )
            self.cleanup_rule.add_target(targets.SfnStateMachine(self.cleanup_machine))

    @staticmethod
    def of(
        scope: Construct,
        *,
        table_read_write_capacity: Optional[Mapping[str, int]] = None,
        cleanup: bool = True,
    ) -> "SemaphoreLocks":
        """The stack's locks, made on first use (the capacity and the cleanup
        choice count only then; giving a capacity again is an error, as in
        ``@dontirun/state-machine-semaphore``)."""
        stack = Stack.of(scope)
        found = stack.node.try_find_child(LOCKS_ID)
        if found is None:
            return SemaphoreLocks(stack, LOCKS_ID, table_read_write_capacity=table_read_write_capacity, cleanup=cleanup)
        if table_read_write_capacity:
            raise ValueError(
                "table_read_write_capacity: the lock table of this stack already exists; give its capacity on the first semaphore only"
            )
        assert isinstance(found, SemaphoreLocks)
        return found

    def lock_names(self) -> List[str]:
        return [lock for _, lock in self.registry.locks]

    def user_machines(self) -> List[sfn.StateMachine]:
        """The state machines of the stack that hold a semaphore's states."""
        stack = Stack.of(self)
        markers = [f'"Get {lock} Lock: ' for lock in self.lock_names()]
        out = []
        for node in stack.node.find_all():
            if isinstance(node, sfn.StateMachine) and node is not self.cleanup_machine:
                child = node.node.default_child
                definition = json.dumps(stack.resolve(child.definition_string))  # type: ignore[union-attr]
                if any(m in definition or m.replace('"', '\\"') in definition for m in markers):
                    out.append(node)
        return out


def _semaphored(
    scope: Construct,
    *,
    lock_name: str,
    limit: int,
    job: sfn.IChainable,
    next_state: sfn.IChainable,
    reuse_lock: bool,
    comments: bool,
    table_read_write_capacity: Optional[Mapping[str, int]],
    cleanup: bool,
    options: Mapping[str, Any],
) -> tuple[sfn.State, List[sfn.INextable]]:
    """Builds the states of one use in ``scope``; returns the start and the ends."""
    locks = SemaphoreLocks.of(scope, table_read_write_capacity=table_read_write_capacity, cleanup=cleanup)
    # Without a lease or a timeout, the lease is the enclosing machine's timeout, learned at synthesis.
    lease = None if any(o in options for o in _LEASE_OPTIONS) else _MachineLease()
    if lease is not None:
        options = {**options, "lease_seconds": _LEASE_SENTINEL_SECONDS}
    # The query language: the one asked for by name, else the machine's (both forms are rendered).
    asked = next((options[o] for o in _LANGUAGE_OPTIONS if o in options), None)
    common = {k: v for k, v in options.items() if k not in _LANGUAGE_OPTIONS}
    semaphore = stepforge.Semaphore(
        lock_name, limit, locks.table.table_name, reuse_lock=reuse_lock, comments=comments, **options
    )
    use = locks.registry.uses(lock_name) + 1
    fragment = locks.registry.wrap(semaphore, stepforge.Pass(PLACEHOLDER))
    definition = stepforge.StateMachine(fragment).to_dict()
    # The same use in JSONata (the states are named after the use number, so wrap as often).
    in_jsonata = stepforge.Semaphore(
        lock_name, limit, locks.table.table_name, reuse_lock=True, comments=comments, query_language="JSONata", **common
    )
    scratch = stepforge.Semaphores()
    for _ in range(use):
        jsonata_fragment = scratch.wrap(in_jsonata, stepforge.Pass(PLACEHOLDER))
    jsonata = stepforge.StateMachine(jsonata_fragment).to_dict()
    if lease is not None:
        sentinel = str(_LEASE_SENTINEL_SECONDS * 1000)
        definition, found = _with_lease_token(definition, sentinel, lease.token())
        jsonata, found_jsonata = _with_lease_token(jsonata, sentinel, lease.token())
        if (found, found_jsonata) != (1, 1):
            raise RuntimeError(f"{scope.node.path}: the core rendered the lease {found} and {found_jsonata} times, not once")
        Aspects.of(scope).add(_WarnWithoutLease(scope, lock_name, lease))
    # The core has checked the value: JSONPath or JSONata in any letter case.
    fixed = None if asked is None else ("JSONata" if str(asked).lower() == "jsonata" else "JSONPath")
    bilingual = Bilingual(jsonata, fixed=fixed, construct=scope.node.path)
    statements = _statements(semaphore.iam(locks.table.table_arn))
    adapted = adapt(
        scope,
        definition,
        placeholder=PLACEHOLDER,
        job=job,
        statements=statements,
        on_bound=None if lease is None else lease.bind,
        bilingual=bilingual,
    )
    for end in adapted.ends:
        end.next(next_state)
    return adapted.start, list(next_state.end_states)


class _Wrapped(sfn.StateMachineFragment):
    """A fragment whose first state and end states are known once built
    (a job wrapped in a semaphore)."""

    _start: sfn.State
    _ends: List[sfn.INextable]

    @property
    def start_state(self) -> sfn.State:
        return self._start

    @property
    def end_states(self) -> List[sfn.INextable]:
        return self._ends


class Semaphore(_Wrapped):
    """A job wrapped in a DynamoDB-backed semaphore (the API of
    ``@dontirun/state-machine-semaphore`` 0.1.583): at most ``limit``
    executions run ``job`` at once; ``next_state`` follows the release.

    ``cleanup`` (first use in a stack) adds the cleanup machine and its rule;
    further keyword options are the core's (``lease_seconds``,
    ``timeout_seconds``, ``wait_seconds``, …). Given neither
    ``lease_seconds`` nor ``timeout_seconds``, the lease is the ``timeout``
    of the StateMachine this fragment starts in (a warning at synthesis when
    it has none).

    The states render in the query language of that StateMachine (JSONata
    when its ``query_language`` is JSONata); inside a Parallel or Map branch
    of a JSONata machine, pass ``query_language="JSONata"``. Given
    ``query_language="JSONPath"`` in a JSONata machine, synthesis fails
    naming this construct.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        lock_name: str,
        limit: int,
        job: sfn.IChainable,
        next_state: sfn.IChainable,
        reuse_lock: Optional[bool] = None,
        comments: Optional[bool] = None,
        table_read_write_capacity: Optional[Mapping[str, int]] = None,
        cleanup: bool = True,
        **options: Any,
    ) -> None:
        super().__init__(scope, id)
        start, ends = _semaphored(
            self,
            lock_name=lock_name,
            limit=limit,
            job=job,
            next_state=next_state,
            reuse_lock=bool(reuse_lock),
            comments=bool(comments),
            table_read_write_capacity=table_read_write_capacity,
            cleanup=cleanup,
            options=options,
        )
        self._start = start
        self._ends = ends


class _Semaphored(_Wrapped):
    def __init__(self, scope: Construct, id: str, start: sfn.State, ends: List[sfn.INextable]) -> None:
        super().__init__(scope, id)
        self._start = start
        self._ends = ends


class SemaphoreGenerator(Construct):
    """The API of seed 000 (``@dontirun/state-machine-semaphore`` before
    0.1.583): ``generate_semaphored_job`` wraps a job and returns a
    ``StateMachineFragment``."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        table_read_write_capacity: Optional[Mapping[str, int]] = None,
        cleanup: bool = True,
    ) -> None:
        super().__init__(scope, id)
        self._capacity = table_read_write_capacity
        self._cleanup = cleanup
        self._count = 0
        SemaphoreLocks.of(self, table_read_write_capacity=table_read_write_capacity, cleanup=cleanup)

    def generate_semaphored_job(
        self,
        lock_name: str,
        limit: int,
        job: sfn.IChainable,
        next_state: sfn.IChainable,
        reuse_lock: Optional[bool] = None,
        comments: Optional[bool] = None,
        **options: Any,
    ) -> sfn.StateMachineFragment:
        """Wraps ``job`` in the ``lock_name`` semaphore (at most ``limit``
        holders); ``next_state`` follows the release. The lease defaults to
        the timeout of the StateMachine the fragment starts in, as for
        :class:`Semaphore`."""
        self._count += 1
        scope = Construct(self, f"{lock_name}{self._count}")
        start, ends = _semaphored(
            scope,
            lock_name=lock_name,
            limit=limit,
            job=job,
            next_state=next_state,
            reuse_lock=bool(reuse_lock),
            comments=bool(comments),
            table_read_write_capacity=None,
            cleanup=self._cleanup,
            options=options,
        )
        return _Semaphored(self, f"Fragment{self._count}", start, ends)
