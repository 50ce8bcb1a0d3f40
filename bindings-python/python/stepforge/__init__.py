"""stepforge: build, validate and format AWS Step Functions state machines,
and load DynamoDB tables.

Build with the CDK's chaining model::

    from stepforge import Pass, Succeed, StateMachine

    hello = Pass("Hello", result={"greeting": "hi"})
    machine = StateMachine(hello.next(Succeed("Done")), timeout_seconds=60)
    print(machine.to_json())

or check a definition you already have with :func:`validate`. For DynamoDB,
:func:`marshall`/:func:`unmarshall` convert items to and from DynamoDB JSON,
and :func:`load_ddb` bulk-loads a table (also the ``load-ddb`` command). Every piece of
logic lives in the Rust core (``stepforge._native``); this package adds the
exceptions, a few constants and :class:`StateMachineFragment`.
"""

from __future__ import annotations

from typing import Final, Optional, Sequence, Union

from ._errors import ChainError, InternalError, LoadError, MarshalError, StepforgeError, ValidationError
from ._types import LoadSummary, RetryCounts
from ._native import (
    Chain,
    Choice,
    CodeInfo,
    Condition,
    DynamoDbListMap,
    Fail,
    Fragment,
    JsonPath,
    JsonPathExpr,
    Map,
    Parallel,
    Pass,
    PhasedJob,
    Problem,
    Semaphore,
    Semaphores,
    State,
    StateMachine,
    Succeed,
    Task,
    Wait,
    __version__,
    cleanup_event_pattern,
    cleanup_iam,
    cleanup_machine,
    codes,
    format_definition,
    load_ddb,
    map_over_dynamodb,
    marshall,
    marshall_value,
    unmarshall,
    unmarshall_value,
    validate,
)

# The local executor (issue 13): World, handlers, executions, TestState, diagrams.
from ._native import (
    Execution,
    ExecutionError,
    Idle,
    Peak,
    TaskCall,
    TaskFailed,
    TaskResult,
    World,
    diagram,
    test_state,
)

# Map Runs of distributed Maps: DescribeMapRun, ListMapRuns, ListExecutions(mapRunArn).
from ._native import describe_map_run, list_map_run_executions, list_map_runs

# Exploration (issue 15): interleavings with faults, invariants, counterexamples.
from ._explore import ExploreError, InvariantError, InvariantViolation
from ._native import (
    Counterexample,
    ExecutionView,
    Explorer,
    ExploreReport,
    Faults,
    Invariant,
    Probe,
    Replay,
    Violation,
    WorldView,
    semaphore_invariants,
)

__all__ = [
    "Chain",
    "ChainError",
    "Choice",
    "CodeInfo",
    "Condition",
    "DynamoDbListMap",
    "Errors",
    "Execution",
    "ExecutionError",
    "Fail",
    "Fragment",
    "Idle",
    "InternalError",
    "JsonPath",
    "JsonPathExpr",
    "LoadError",
    "LoadSummary",
    "Map",
    "MarshalError",
    "Parallel",
    "Pass",
    "Peak",
    "PhasedJob",
    "Problem",
    "QueryLanguage",
    "RetryCounts",
    "Semaphore",
    "Semaphores",
    "State",
    "StateMachine",
    "StateMachineFragment",
    "StepforgeError",
    "Succeed",
    "Task",
    "TaskCall",
    "TaskFailed",
    "TaskResult",
    "ValidationError",
    "Wait",
    "World",
    "__version__",
    "cleanup_event_pattern",
    "cleanup_iam",
    "cleanup_machine",
    "codes",
    "describe_map_run",
    "diagram",
    "format_definition",
    "list_map_run_executions",
    "list_map_runs",
    "load_ddb",
    "map_over_dynamodb",
    "marshall",
    "marshall_value",
    "test_state",
    "unmarshall",
    "unmarshall_value",
    "validate",
]

__all__ += [
    "Counterexample",
    "ExecutionView",
    "ExploreError",
    "ExploreReport",
    "Explorer",
    "Faults",
    "Invariant",
    "InvariantError",
    "InvariantViolation",
    "Probe",
    "Replay",
    "Violation",
    "WorldView",
    "semaphore_invariants",
]


# BEGIN GENERATED: constants (`cargo run -p xtask -- gen`, from the tables in core/src/builder/; do not edit)
class Errors:
    """The error names Step Functions defines, for ``add_retry``/``add_catch``."""

    #: Matches any error name.
    ALL: Final = "States.ALL"
    #: Matches any error except `States.Timeout` and `States.Runtime`.
    TASKS_FAILED: Final = "States.TaskFailed"
    #: A Task ran longer than `TimeoutSeconds` or missed a heartbeat.
    TIMEOUT: Final = "States.Timeout"
    #: A Task missed a heartbeat for longer than `HeartbeatSeconds`.
    HEARTBEAT_TIMEOUT: Final = "States.HeartbeatTimeout"
    #: A Task lacked the privileges to run its code.
    PERMISSIONS: Final = "States.Permissions"
    #: A `ResultPath` could not be applied to the state's input.
    RESULT_PATH_MATCH_FAILURE: Final = "States.ResultPathMatchFailure"
    #: A field in `Parameters` referenced a path that does not exist.
    PARAMETER_PATH_FAILURE: Final = "States.ParameterPathFailure"
    #: A branch of a Parallel state failed.
    BRANCH_FAILED: Final = "States.BranchFailed"
    #: A Choice state found no matching rule and has no `Default`.
    NO_CHOICE_MATCHED: Final = "States.NoChoiceMatched"
    #: An intrinsic function call failed.
    INTRINSIC_FAILURE: Final = "States.IntrinsicFailure"
    #: A distributed Map exceeded its tolerated failures.
    EXCEED_TOLERATED_FAILURE_THRESHOLD: Final = "States.ExceedToleratedFailureThreshold"
    #: A distributed Map could not read its items.
    ITEM_READER_FAILED: Final = "States.ItemReaderFailed"
    #: A distributed Map could not write its results.
    RESULT_WRITER_FAILED: Final = "States.ResultWriterFailed"
    #: An exception that could not be processed (never retried by `States.ALL`).
    RUNTIME: Final = "States.Runtime"
    #: Output larger than the payload quota.
    DATA_LIMIT_EXCEEDED: Final = "States.DataLimitExceeded"


class QueryLanguage:
    """The values of ``query_language`` (on states and on :class:`StateMachine`)."""

    #: `InputPath`, `Parameters`, `ResultSelector`, `ResultPath`, `OutputPath`.
    JSONPATH: Final = "JSONPath"
    #: `Arguments`, `Output` and `Assign` with `{% %}` expressions.
    JSONATA: Final = "JSONata"
# END GENERATED: constants


class StateMachineFragment:
    """A reusable piece of a state machine, written as a class, as in the CDK.

    A subclass sets ``self.start_state`` (a state) and ``self.end_states``
    (a list of states or chains) in its ``__init__``; the fragment can then be
    chained like a state, and :meth:`prefix_states` renames its states so the
    same fragment can be used more than once::

        class MyJob(StateMachineFragment):
            def __init__(self, flavor: str):
                super().__init__(flavor.title())
                first = Task("First", resource=...)
                last = Task("Last", resource=...)
                first.next(last)
                self.start_state = first
                self.end_states = [last]

        Parallel("All jobs").branch(MyJob("quick").prefix_states(), MyJob("slow").prefix_states())
    """

    start_state: State
    end_states: Sequence[Union[State, Chain, Fragment, StateMachineFragment]]

    def __init__(self, id: Optional[str] = None) -> None:
        #: The default prefix of :meth:`prefix_states` is ``f"{id}: "``.
        self.id = id

    def next(self, next: Union[State, Chain, Fragment, StateMachineFragment]) -> Chain:
        """Follows every end state of the fragment with ``next``; returns a chain."""
        return Chain.start(self).next(next)

    def prefix_states(self, prefix: Optional[str] = None) -> "StateMachineFragment":
        """Prefixes the name of every state of the fragment (by default with
        ``f"{id}: "``) and returns the fragment."""
        if prefix is None:
            if self.id is None:
                raise TypeError(
                    f"{type(self).__name__}.prefix_states() needs a prefix, "
                    "or an id given to StateMachineFragment.__init__"
                )
            prefix = f"{self.id}: "
        Fragment(self.start_state, self.end_states).prefix_states(prefix)
        return self
