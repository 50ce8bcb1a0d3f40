"""Type stubs of ``stepforge._native``, the Rust extension. Import from ``stepforge``."""

import os
from typing import Any, ClassVar, Dict, Iterable, List, Literal, Mapping, NoReturn, Optional, Protocol, Sequence, Tuple, Union, final

from typing_extensions import Self, TypeAlias

from ._types import LoadSummary

__version__: str

__all__ = [
    "__version__",
    "Problem",
    "State",
    "Pass",
    "Task",
    "Choice",
    "Wait",
    "Succeed",
    "Fail",
    "Parallel",
    "Map",
    "Chain",
    "Fragment",
    "Condition",
    "JsonPath",
    "JsonPathExpr",
    "StateMachine",
    "validate",
    "format_definition",
    "marshall",
    "marshall_value",
    "unmarshall",
    "unmarshall_value",
    "load_ddb",
    "run_cli",
    "run_load_ddb",
    "_condition_names",
    "_panic_for_testing",
]

_JsonValue: TypeAlias = Union[None, bool, int, float, str, Sequence["_JsonValue"], Mapping[str, "_JsonValue"]]
"""Plain JSON as Python data: dict (str keys), list, tuple, str, int, float, bool, None."""

_Payload: TypeAlias = Union[
    None, bool, int, float, str, "JsonPathExpr", Sequence["_Payload"], Mapping[str, "_Payload"]
]
"""JSON that may hold ``JsonPathExpr`` values: the key of one is written ``key.$``."""

class _FragmentLike(Protocol):
    """Any object with ``start_state`` and ``end_states``, like a ``StateMachineFragment`` subclass."""

    @property
    def start_state(self) -> "State": ...
    @property
    def end_states(self) -> Sequence[Union["State", "Chain", "_FragmentLike"]]: ...

_Chainable: TypeAlias = Union["State", "Chain", "Fragment", _FragmentLike]
"""What ``next``, ``branch``, ``item_processor``, ``add_catch``, ``Chain`` and ``StateMachine`` accept."""

_QueryLanguageName: TypeAlias = Literal["JSONPath", "JSONata"]

@final
class Problem:
    """One problem in a definition: what (``code``), where (``pointer``, an RFC 6901
    JSON pointer; ``""`` is the whole document) and why (``message``)."""

    def __new__(cls, code: str, pointer: str, message: str) -> Self: ...
    @property
    def code(self) -> str: ...
    @property
    def pointer(self) -> str: ...
    @property
    def message(self) -> str: ...
    def to_dict(self) -> Dict[str, str]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

def validate(definition: Union[str, Mapping[str, _JsonValue]]) -> List[Problem]:
    """Every problem of an ASL definition (JSON text, or a dict); empty when it is valid."""

def format_definition(definition: Union[str, Mapping[str, _JsonValue]]) -> str:
    """The definition in canonical form; raises ``ValidationError`` if it is not valid."""

def run_cli(argv: Sequence[str]) -> int:
    """Runs the ``stepforge`` command line (``argv[0]`` is the program name); returns the exit code."""

def run_load_ddb(argv: Sequence[str]) -> int:
    """Runs the ``load-ddb`` command line (``argv[0]`` is the program name); returns the exit code."""

_Numbers: TypeAlias = Literal["decimal", "int_or_float"]
"""How ``unmarshall`` returns numbers: ``decimal.Decimal``, or int when integral and float otherwise."""
_Binary: TypeAlias = Literal["bytes", "base64"]
"""How ``marshall`` writes binary: ``bytes`` (boto3's client) or base64 text (DynamoDB JSON files)."""

def marshall(item: Dict[str, Any], *, binary: _Binary = "bytes") -> Dict[str, Dict[str, Any]]:
    """The attribute values of an item (a dict with str keys): ``{"id": {"S": "a"}, "n": {"N": "1"}}``,
    ready for boto3's client (``put_item(Item=...)``).

    str → S; int, float, Decimal → N (exact; normal form); bool → BOOL; None → NULL; bytes,
    bytearray, memoryview → B (``bytes``, as boto3 expects; ``binary="base64"`` gives base64 text,
    DynamoDB JSON as the AWS CLI prints it); dict → M; list, tuple → L; set, frozenset → SS, NS or
    BS (as lists). Raises ``MarshalError`` (with the JSON pointer of the value) for what DynamoDB
    cannot store, a str with a lone surrogate included."""

def marshall_value(value: Any, *, binary: _Binary = "bytes") -> Dict[str, Any]:
    """The DynamoDB JSON of one attribute value, by the rules of ``marshall``: ``{"S": "x"}``."""

def unmarshall(item: Dict[str, Any], *, numbers: _Numbers = "decimal") -> Dict[str, Any]:
    """An item in DynamoDB JSON back to Python values (N → Decimal, B → bytes, sets → set).

    ``B`` may be base64 text (the AWS CLI's form) or bytes (boto3's client). Raises
    ``MarshalError`` for what is not DynamoDB JSON."""

def unmarshall_value(value: Dict[str, Any], *, numbers: _Numbers = "decimal") -> Any:
    """One attribute value in DynamoDB JSON (``{"N": "1.5"}``) back to a Python value."""

def load_ddb(
    table: str,
    source: Union[str, "os.PathLike[str]", Iterable[Dict[str, Any]]],
    *,
    # BEGIN GENERATED: load ddb (`cargo run -p xtask -- gen`, from core/src/dynamo/load_surface.rs; do not edit)
    region: Optional[str] = None,
    endpoint_url: Optional[str] = None,
    profile: Optional[str] = None,
    concurrency: int = 8,
    rate: Union[int, float, str, None] = None,
    dry_run: bool = False,
    reject_file: Union[str, "os.PathLike[str]", None] = None,
    resume: bool = False,
    checkpoint: Union[str, "os.PathLike[str]", None] = None,
    input_format: Literal["auto", "plain", "dynamodb"] = "auto",
    progress: bool = False,
    # END GENERATED: load ddb
) -> LoadSummary:
    """Loads items into a DynamoDB table, as the ``load-ddb`` command does; returns the summary.

    ``source`` is a JSON array or JSON Lines file, or items in memory (dicts, by the rules of
    ``marshall``; DynamoDB JSON with ``input_format="dynamodb"``). Items DynamoDB refuses are
    counted as rejected (``succeeded`` is False); a load that cannot go on raises ``LoadError``.
    The GIL is released while it runs."""

def _condition_names() -> List[str]:
    """The helper names of the core's condition tables (for tests)."""

def _panic_for_testing() -> None:
    """Panics in native code; raises ``InternalError`` (for tests)."""

@final
class JsonPathExpr:
    """A path (``$.order.id``) or intrinsic function call (``States.Format(...)``)."""

    def __new__(cls, expression: str) -> Self: ...
    @property
    def expression(self) -> str: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

_Arg: TypeAlias = Union[JsonPathExpr, str, int, float, bool, None]
"""An intrinsic argument: a ``JsonPathExpr``, or a str starting with ``$`` or ``States.``, is
written as is; any other str, number, bool or None is a literal."""

# BEGIN GENERATED: json path (`cargo run -p xtask -- gen`, from the tables in core/src/builder/; do not edit)
@final
class JsonPath:
    """Paths and intrinsic functions for payloads, like the CDK's ``JsonPath``."""

    ENTIRE_PAYLOAD: ClassVar[JsonPathExpr]
    TASK_TOKEN: ClassVar[JsonPathExpr]
    EXECUTION_ID: ClassVar[JsonPathExpr]
    EXECUTION_NAME: ClassVar[JsonPathExpr]
    EXECUTION_INPUT: ClassVar[JsonPathExpr]
    EXECUTION_START_TIME: ClassVar[JsonPathExpr]
    STATE_NAME: ClassVar[JsonPathExpr]
    STATE_ENTERED_TIME: ClassVar[JsonPathExpr]
    STATE_RETRY_COUNT: ClassVar[JsonPathExpr]
    MAP_ITEM_INDEX: ClassVar[JsonPathExpr]
    MAP_ITEM_VALUE: ClassVar[JsonPathExpr]

    @staticmethod
    def string_at(path: str) -> JsonPathExpr: ...
    @staticmethod
    def number_at(path: str) -> JsonPathExpr: ...
    @staticmethod
    def list_at(path: str) -> JsonPathExpr: ...
    @staticmethod
    def object_at(path: str) -> JsonPathExpr: ...
    @staticmethod
    def json_path_at(path: str) -> JsonPathExpr: ...
    @staticmethod
    def format(template: str, *args: _Arg) -> JsonPathExpr: ...
    @staticmethod
    def array(*args: _Arg) -> JsonPathExpr: ...
    @staticmethod
    def json_merge(value1: _Arg, value2: _Arg) -> JsonPathExpr: ...
    @staticmethod
    def math_random(start: _Arg, end: _Arg, seed: _Arg = None) -> JsonPathExpr: ...
    @staticmethod
    def array_partition(array: _Arg, chunk_size: _Arg) -> JsonPathExpr: ...
    @staticmethod
    def array_contains(array: _Arg, value: _Arg) -> JsonPathExpr: ...
    @staticmethod
    def array_range(start: _Arg, end: _Arg, step: _Arg) -> JsonPathExpr: ...
    @staticmethod
    def array_get_item(array: _Arg, index: _Arg) -> JsonPathExpr: ...
    @staticmethod
    def array_length(array: _Arg) -> JsonPathExpr: ...
    @staticmethod
    def array_unique(array: _Arg) -> JsonPathExpr: ...
    @staticmethod
    def base64_encode(input: _Arg) -> JsonPathExpr: ...
    @staticmethod
    def base64_decode(base64: _Arg) -> JsonPathExpr: ...
    @staticmethod
    def hash(data: _Arg, algorithm: _Arg) -> JsonPathExpr: ...
    @staticmethod
    def math_add(num1: _Arg, num2: _Arg) -> JsonPathExpr: ...
    @staticmethod
    def string_split(input: _Arg, delimiter: _Arg) -> JsonPathExpr: ...
    @staticmethod
    def uuid() -> JsonPathExpr: ...
    @staticmethod
    def string_to_json(json_string: _Arg) -> JsonPathExpr: ...
    @staticmethod
    def json_to_string(value: _Arg) -> JsonPathExpr: ...
# END GENERATED: json path

_Path: TypeAlias = Union[str, JsonPathExpr]

# BEGIN GENERATED: condition (`cargo run -p xtask -- gen`, from the tables in core/src/builder/; do not edit)
@final
class Condition:
    """A Choice rule's test; combine with ``and_``, ``or_`` and ``not_``."""

    @staticmethod
    def string_equals(variable: _Path, value: str) -> Condition: ...
    @staticmethod
    def string_equals_json_path(variable: _Path, path: _Path) -> Condition: ...
    @staticmethod
    def string_less_than(variable: _Path, value: str) -> Condition: ...
    @staticmethod
    def string_less_than_json_path(variable: _Path, path: _Path) -> Condition: ...
    @staticmethod
    def string_greater_than(variable: _Path, value: str) -> Condition: ...
    @staticmethod
    def string_greater_than_json_path(variable: _Path, path: _Path) -> Condition: ...
    @staticmethod
    def string_less_than_equals(variable: _Path, value: str) -> Condition: ...
    @staticmethod
    def string_less_than_equals_json_path(variable: _Path, path: _Path) -> Condition: ...
    @staticmethod
    def string_greater_than_equals(variable: _Path, value: str) -> Condition: ...
    @staticmethod
    def string_greater_than_equals_json_path(variable: _Path, path: _Path) -> Condition: ...
    @staticmethod
    def string_matches(variable: _Path, value: str) -> Condition: ...
    @staticmethod
    def number_equals(variable: _Path, value: float) -> Condition: ...
    @staticmethod
    def number_equals_json_path(variable: _Path, path: _Path) -> Condition: ...
    @staticmethod
    def number_less_than(variable: _Path, value: float) -> Condition: ...
    @staticmethod
    def number_less_than_json_path(variable: _Path, path: _Path) -> Condition: ...
    @staticmethod
    def number_greater_than(variable: _Path, value: float) -> Condition: ...
    @staticmethod
    def number_greater_than_json_path(variable: _Path, path: _Path) -> Condition: ...
    @staticmethod
    def number_less_than_equals(variable: _Path, value: float) -> Condition: ...
    @staticmethod
    def number_less_than_equals_json_path(variable: _Path, path: _Path) -> Condition: ...
    @staticmethod
    def number_greater_than_equals(variable: _Path, value: float) -> Condition: ...
    @staticmethod
    def number_greater_than_equals_json_path(variable: _Path, path: _Path) -> Condition: ...
    @staticmethod
    def boolean_equals(variable: _Path, value: bool) -> Condition: ...
    @staticmethod
    def boolean_equals_json_path(variable: _Path, path: _Path) -> Condition: ...
    @staticmethod
    def timestamp_equals(variable: _Path, value: str) -> Condition: ...
    @staticmethod
    def timestamp_equals_json_path(variable: _Path, path: _Path) -> Condition: ...
    @staticmethod
    def timestamp_less_than(variable: _Path, value: str) -> Condition: ...
    @staticmethod
    def timestamp_less_than_json_path(variable: _Path, path: _Path) -> Condition: ...
    @staticmethod
    def timestamp_greater_than(variable: _Path, value: str) -> Condition: ...
    @staticmethod
    def timestamp_greater_than_json_path(variable: _Path, path: _Path) -> Condition: ...
    @staticmethod
    def timestamp_less_than_equals(variable: _Path, value: str) -> Condition: ...
    @staticmethod
    def timestamp_less_than_equals_json_path(variable: _Path, path: _Path) -> Condition: ...
    @staticmethod
    def timestamp_greater_than_equals(variable: _Path, value: str) -> Condition: ...
    @staticmethod
    def timestamp_greater_than_equals_json_path(variable: _Path, path: _Path) -> Condition: ...
    @staticmethod
    def is_present(variable: _Path) -> Condition: ...
    @staticmethod
    def is_not_present(variable: _Path) -> Condition: ...
    @staticmethod
    def is_null(variable: _Path) -> Condition: ...
    @staticmethod
    def is_not_null(variable: _Path) -> Condition: ...
    @staticmethod
    def is_string(variable: _Path) -> Condition: ...
    @staticmethod
    def is_not_string(variable: _Path) -> Condition: ...
    @staticmethod
    def is_numeric(variable: _Path) -> Condition: ...
    @staticmethod
    def is_not_numeric(variable: _Path) -> Condition: ...
    @staticmethod
    def is_boolean(variable: _Path) -> Condition: ...
    @staticmethod
    def is_not_boolean(variable: _Path) -> Condition: ...
    @staticmethod
    def is_timestamp(variable: _Path) -> Condition: ...
    @staticmethod
    def is_not_timestamp(variable: _Path) -> Condition: ...
    @staticmethod
    def and_(*conditions: Condition) -> Condition: ...
    @staticmethod
    def or_(*conditions: Condition) -> Condition: ...
    @staticmethod
    def not_(condition: Condition) -> Condition: ...
    @staticmethod
    def jsonata(expression: str) -> Condition: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def __eq__(self, other: object, /) -> bool: ...
# END GENERATED: condition

_ErrorNames: TypeAlias = Union[str, Sequence[str]]

class State:
    """The base class of the eight state classes (not constructed directly)."""

    @property
    def name(self) -> str: ...
    @name.setter
    def name(self, value: str) -> None: ...

# BEGIN GENERATED: states (`cargo run -p xtask -- gen`, from the tables in core/src/builder/; do not edit)
class Pass(State):
    """A `Pass` state: passes its input on, optionally injecting `result`."""

    def __new__(
        cls,
        name: str,
        *,
        comment: str = ...,
        query_language: _QueryLanguageName = ...,
        input_path: Optional[_Path] = ...,
        parameters: _Payload = ...,
        result: _JsonValue = ...,
        result_path: Optional[_Path] = ...,
        output_path: Optional[_Path] = ...,
        output: _Payload = ...,
        assign: _Payload = ...,
    ) -> Self: ...
    def next(self, next: _Chainable) -> Chain: ...

class Task(State):
    """A `Task` state: calls `resource` (a Lambda function, an activity or a service integration)."""

    def __new__(
        cls,
        name: str,
        *,
        comment: str = ...,
        query_language: _QueryLanguageName = ...,
        resource: str = ...,
        credentials: _Payload = ...,
        input_path: Optional[_Path] = ...,
        parameters: _Payload = ...,
        arguments: _Payload = ...,
        result_selector: _Payload = ...,
        result_path: Optional[_Path] = ...,
        output_path: Optional[_Path] = ...,
        output: _Payload = ...,
        assign: _Payload = ...,
        timeout_seconds: Union[int, str] = ...,
        timeout_seconds_path: _Path = ...,
        heartbeat_seconds: Union[int, str] = ...,
        heartbeat_seconds_path: _Path = ...,
    ) -> Self: ...
    def next(self, next: _Chainable) -> Chain: ...
    def add_retry(
        self,
        *,
        errors: Optional[_ErrorNames] = None,
        interval_seconds: Optional[int] = None,
        max_attempts: Optional[int] = None,
        backoff_rate: Optional[float] = None,
        max_delay_seconds: Optional[int] = None,
        jitter_strategy: Optional[Literal["FULL", "NONE"]] = None,
        comment: Optional[str] = None,
    ) -> Self: ...
    def add_catch(
        self,
        handler: _Chainable,
        *,
        errors: Optional[_ErrorNames] = None,
        result_path: Optional[_Path] = ...,
        output: _Payload = None,
        assign: _Payload = None,
        comment: Optional[str] = None,
    ) -> Self: ...

class Choice(State):
    """A `Choice` state: `when(condition, next)` rules, `otherwise(next)`, and `afterwards()` to go on after its branches."""

    def __new__(
        cls,
        name: str,
        *,
        comment: str = ...,
        query_language: _QueryLanguageName = ...,
        input_path: Optional[_Path] = ...,
        output_path: Optional[_Path] = ...,
        output: _Payload = ...,
        assign: _Payload = ...,
    ) -> Self: ...
    def when(
        self,
        condition: Condition,
        next: _Chainable,
        *,
        comment: Optional[str] = None,
        assign: _Payload = None,
        output: _Payload = None,
    ) -> Self: ...
    def otherwise(self, next: _Chainable) -> Self: ...
    def afterwards(
        self,
        *,
        include_otherwise: bool = False,
    ) -> Chain: ...
    def next(self, next: _Chainable) -> NoReturn:
        """Raises ChainError (INVALID_CHAIN): a Choice goes on through when/otherwise, or afterwards()."""

class Wait(State):
    """A `Wait` state: waits `seconds`, or until `timestamp` (or the path forms)."""

    def __new__(
        cls,
        name: str,
        *,
        comment: str = ...,
        query_language: _QueryLanguageName = ...,
        seconds: Union[int, str] = ...,
        seconds_path: _Path = ...,
        timestamp: str = ...,
        timestamp_path: _Path = ...,
        input_path: Optional[_Path] = ...,
        output_path: Optional[_Path] = ...,
        output: _Payload = ...,
        assign: _Payload = ...,
    ) -> Self: ...
    def next(self, next: _Chainable) -> Chain: ...

class Succeed(State):
    """A `Succeed` state: ends the execution (or branch) successfully."""

    def __new__(
        cls,
        name: str,
        *,
        comment: str = ...,
        query_language: _QueryLanguageName = ...,
        input_path: Optional[_Path] = ...,
        output_path: Optional[_Path] = ...,
        output: _Payload = ...,
    ) -> Self: ...
    def next(self, next: _Chainable) -> NoReturn:
        """Raises ChainError (INVALID_CHAIN): nothing follows a Succeed state."""

class Fail(State):
    """A `Fail` state: ends the execution (or branch) with `error` and `cause`."""

    def __new__(
        cls,
        name: str,
        *,
        comment: str = ...,
        query_language: _QueryLanguageName = ...,
        error: str = ...,
        error_path: _Path = ...,
        cause: str = ...,
        cause_path: _Path = ...,
    ) -> Self: ...
    def next(self, next: _Chainable) -> NoReturn:
        """Raises ChainError (INVALID_CHAIN): nothing follows a Fail state."""

class Parallel(State):
    """A `Parallel` state: runs every `branch` on the same input."""

    def __new__(
        cls,
        name: str,
        *,
        comment: str = ...,
        query_language: _QueryLanguageName = ...,
        input_path: Optional[_Path] = ...,
        parameters: _Payload = ...,
        arguments: _Payload = ...,
        result_selector: _Payload = ...,
        result_path: Optional[_Path] = ...,
        output_path: Optional[_Path] = ...,
        output: _Payload = ...,
        assign: _Payload = ...,
    ) -> Self: ...
    def next(self, next: _Chainable) -> Chain: ...
    def branch(self, *branches: _Chainable) -> Self: ...
    def add_retry(
        self,
        *,
        errors: Optional[_ErrorNames] = None,
        interval_seconds: Optional[int] = None,
        max_attempts: Optional[int] = None,
        backoff_rate: Optional[float] = None,
        max_delay_seconds: Optional[int] = None,
        jitter_strategy: Optional[Literal["FULL", "NONE"]] = None,
        comment: Optional[str] = None,
    ) -> Self: ...
    def add_catch(
        self,
        handler: _Chainable,
        *,
        errors: Optional[_ErrorNames] = None,
        result_path: Optional[_Path] = ...,
        output: _Payload = None,
        assign: _Payload = None,
        comment: Optional[str] = None,
    ) -> Self: ...

class Map(State):
    """A `Map` state: runs its item processor for each item, inline or distributed."""

    def __new__(
        cls,
        name: str,
        *,
        comment: str = ...,
        query_language: _QueryLanguageName = ...,
        items_path: _Path = ...,
        items: _Payload = ...,
        item_reader: _Payload = ...,
        item_selector: _Payload = ...,
        item_batcher: _Payload = ...,
        max_concurrency: Union[int, str] = ...,
        max_concurrency_path: _Path = ...,
        tolerated_failure_count: Union[int, str] = ...,
        tolerated_failure_count_path: _Path = ...,
        tolerated_failure_percentage: Union[float, str] = ...,
        tolerated_failure_percentage_path: _Path = ...,
        label: str = ...,
        result_writer: _Payload = ...,
        input_path: Optional[_Path] = ...,
        result_selector: _Payload = ...,
        result_path: Optional[_Path] = ...,
        output_path: Optional[_Path] = ...,
        output: _Payload = ...,
        assign: _Payload = ...,
    ) -> Self: ...
    def next(self, next: _Chainable) -> Chain: ...
    def item_processor(
        self,
        processor: _Chainable,
        *,
        mode: Optional[Literal["INLINE", "DISTRIBUTED"]] = None,
        execution_type: Optional[Literal["STANDARD", "EXPRESS"]] = None,
    ) -> Self: ...
    def add_retry(
        self,
        *,
        errors: Optional[_ErrorNames] = None,
        interval_seconds: Optional[int] = None,
        max_attempts: Optional[int] = None,
        backoff_rate: Optional[float] = None,
        max_delay_seconds: Optional[int] = None,
        jitter_strategy: Optional[Literal["FULL", "NONE"]] = None,
        comment: Optional[str] = None,
    ) -> Self: ...
    def add_catch(
        self,
        handler: _Chainable,
        *,
        errors: Optional[_ErrorNames] = None,
        result_path: Optional[_Path] = ...,
        output: _Payload = None,
        assign: _Payload = None,
        comment: Optional[str] = None,
    ) -> Self: ...
# END GENERATED: states

@final
class Chain:
    """States linked one after another, from a start state to its end states."""

    @staticmethod
    def start(chainable: _Chainable) -> Chain: ...
    @staticmethod
    def sequence(*chainables: _Chainable) -> Chain: ...
    def next(self, next: _Chainable) -> Chain: ...
    @property
    def start_state(self) -> State: ...
    @property
    def end_states(self) -> List[Union[State, Chain]]:
        """The state of each end; a Choice's missing ``otherwise`` end (from
        ``afterwards(include_otherwise=True)``) is a one-end ``Chain``."""

@final
class Fragment:
    """A reusable piece of a state machine: a start state, end states and the states between."""

    def __new__(cls, start: _Chainable, ends: Optional[Sequence[_Chainable]] = None) -> Self: ...
    def prefix_states(self, prefix: str) -> Self: ...
    def next(self, next: _Chainable) -> Chain: ...
    @property
    def start_state(self) -> State: ...
    @property
    def end_states(self) -> List[Union[State, Chain]]: ...
    @property
    def states(self) -> List[State]: ...

@final
class StateMachine:
    """A whole state machine, starting with ``definition``'s start state."""

    # BEGIN GENERATED: state machine (`cargo run -p xtask -- gen`, from the tables in core/src/builder/; do not edit)
    def __new__(
        cls,
        definition: _Chainable,
        *,
        timeout_seconds: Optional[int] = None,
        comment: Optional[str] = None,
        query_language: Optional[_QueryLanguageName] = None,
    ) -> Self: ...
    # END GENERATED: state machine
    def to_json(self) -> str: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def validate(self) -> List[Problem]: ...

# ---------------------------------------------------------------------------
# Fragments (issue 14): the semaphore, its cleanup, the DynamoDB-list Map and
# the phased job. A job is stepforge states or ASL JSON (a dict or its text).
# ---------------------------------------------------------------------------

__all__ += [
    "DynamoDbListMap",
    "PhasedJob",
    "Semaphore",
    "Semaphores",
    "cleanup_event_pattern",
    "cleanup_iam",
    "cleanup_machine",
    "map_over_dynamodb",
]

_Job = Union[_Chainable, Dict[str, Any], str]

@final
class Semaphore:
    """At most ``limit`` executions run a job at once, counted in item ``lock_name`` of table ``table``."""

    def __new__(
        cls,
        lock_name: str,
        limit: int,
        table: str,
        *,
        reuse_lock: bool = ...,
        comments: bool = ...,
        lease_seconds: int = ...,
        timeout_seconds: int = ...,
        wait_seconds: int = ...,
        initial_wait_seconds: int = ...,
        max_wait_seconds: int = ...,
        retry_interval_seconds: int = ...,
        retry_max_attempts: int = ...,
        retry_backoff_rate: float = ...,
        retry_max_delay_seconds: int = ...,
        query_language: _QueryLanguageName = ...,
    ) -> Self: ...
    @property
    def lock_name(self) -> str: ...
    @property
    def limit(self) -> int: ...
    @property
    def table_name(self) -> str: ...
    @property
    def lease(self) -> int: ...
    def wrap(self, job: _Job) -> Fragment: ...
    def state_machine(self, job: _Job) -> StateMachine: ...
    def iam(self, table_arn: str) -> List[Dict[str, Any]]: ...

@final
class Semaphores:
    """The semaphores of one state machine (several locks, one lock reused)."""

    def __new__(cls) -> Self: ...
    def wrap(self, semaphore: Semaphore, job: _Job) -> Fragment: ...
    def uses(self, lock_name: str) -> int: ...
    @property
    def locks(self) -> List[Tuple[str, str]]: ...
    def cleanup_machine(self) -> StateMachine: ...
    def iam(self, table_arn: str) -> List[Dict[str, Any]]: ...

def cleanup_machine(locks: Sequence[Tuple[str, str]]) -> StateMachine: ...
def cleanup_event_pattern(state_machine_arns: Sequence[str]) -> Dict[str, Any]: ...
def cleanup_iam(table_arn: str) -> List[Dict[str, Any]]: ...

@final
class DynamoDbListMap:
    """Seed 004's machine, from ``config.json`` (a dict or its text)."""

    def __new__(
        cls, config: Union[Dict[str, Any], str], *, function: Optional[str] = None, task: Optional[_Job] = None
    ) -> Self: ...
    @property
    def config(self) -> Dict[str, Any]: ...
    def fragment(self) -> Fragment: ...
    def state_machine(self) -> StateMachine: ...
    def iam(self, table_arn: str) -> List[Dict[str, Any]]: ...

def map_over_dynamodb(
    config: Union[Dict[str, Any], str], *, function: Optional[str] = None, task: Optional[_Job] = None
) -> StateMachine: ...

@final
class PhasedJob:
    """Seed 002's phased job graph compiled into states."""

    def __new__(cls, graph: Union[Dict[str, Any], str], *, resources: Optional[Dict[str, str]] = None) -> Self: ...
    @property
    def current_phase(self) -> str: ...
    @property
    def phases(self) -> List[str]: ...
    @property
    def jobs(self) -> List[str]: ...
    def fragment(self) -> Fragment: ...
    def state_machine(self) -> StateMachine: ...
    def iam(self) -> List[Dict[str, Any]]: ...
# --- The local executor (issue 13; src/exec.rs) ------------------------------

from typing import Awaitable, Callable, Coroutine, Tuple

__all__ += [
    "World",
    "TaskCall",
    "TaskResult",
    "TaskFailed",
    "ExecutionError",
    "Execution",
    "Idle",
    "Peak",
    "test_state",
    "diagram",
]

_Definition: TypeAlias = Union[str, Mapping[str, _JsonValue], StateMachine]
_Status = Literal["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]
_KeySpec: TypeAlias = Union[str, Tuple[str, Literal["S", "N", "B"]]]

class TaskFailed(Exception):
    """Raise it in a task handler to fail the task with a named error (``ErrorEquals`` matches it)."""

    error: str
    cause: str
    def __init__(self, error: str, cause: str = "") -> None: ...

class ExecutionError(Exception):
    """A call the executor refused; ``code`` is AWS's exception name (``ExecutionDoesNotExist``…)."""

    code: str
    def __init__(self, code: str, message: str) -> None: ...

@final
class TaskCall:
    """One call of a task handler."""

    @property
    def resource(self) -> str: ...
    @property
    def input(self) -> Any: ...
    @property
    def token(self) -> Optional[str]: ...
    @property
    def execution_arn(self) -> str: ...
    @property
    def state_name(self) -> str: ...
    @property
    def retry_count(self) -> int: ...
    @property
    def random(self) -> int:
        """A number from the world's seeded generator (0 <= random < 2**64)."""
    @property
    def now_millis(self) -> int: ...

@final
class TaskResult:
    """A handler's result that takes virtual time."""

    def __new__(cls, output: _JsonValue = None, *, after_seconds: float = 0.0) -> Self: ...
    @property
    def output(self) -> Any: ...
    @property
    def after_seconds(self) -> float: ...

_Handler: TypeAlias = Callable[[TaskCall], Union[_JsonValue, TaskResult, Awaitable[Any]]]

@final
class Idle:
    """Why a run returned."""

    @property
    def steps(self) -> int: ...
    @property
    def running(self) -> int: ...
    @property
    def host_pending(self) -> int: ...

@final
class Peak:
    """The most executions inside a set of states at once, and when (virtual ms)."""

    @property
    def count(self) -> int: ...
    @property
    def at_millis(self) -> Optional[int]: ...

@final
class Execution:
    """An execution as it was when read."""

    @property
    def arn(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def state_machine_arn(self) -> str: ...
    @property
    def status(self) -> _Status: ...
    @property
    def input(self) -> Any: ...
    @property
    def output(self) -> Any: ...
    @property
    def error(self) -> Optional[str]: ...
    @property
    def cause(self) -> Optional[str]: ...
    @property
    def start_millis(self) -> int: ...
    @property
    def stop_millis(self) -> Optional[int]: ...
    def history(self) -> List[Dict[str, Any]]: ...
    def history_json(self) -> str: ...
    def describe(self) -> Dict[str, Any]: ...

@final
class World:
    """A local Step Functions: state machines, executions on a virtual clock,
    an in-memory DynamoDB and task handlers written in Python."""

    def __new__(
        cls,
        seed: int = 0,
        *,
        time_scale: Optional[float] = None,
        transition_limit: Optional[int] = None,
        handler_timeout: float = 60.0,
    ) -> Self: ...
    @property
    def time_scale(self) -> Optional[float]: ...
    @property
    def handler_timeout(self) -> float: ...
    @property
    def now_millis(self) -> int: ...
    def register(self, name: str, definition: _Definition) -> str: ...
    def handle(self, resource: str, handler: _Handler) -> None: ...
    def on_status_change(
        self, target: str, *, source: Optional[str] = None, statuses: Optional[Sequence[_Status]] = None
    ) -> None:
        """``statuses`` defaults to FAILED, TIMED_OUT and ABORTED."""
    def create_table(self, name: str, partition_key: _KeySpec, sort_key: Optional[_KeySpec] = None) -> None: ...
    def put_item(self, table: str, item: Mapping[str, Any], *, dynamodb_json: bool = False) -> None: ...
    def get_item(self, table: str, key: Mapping[str, Any], *, dynamodb_json: bool = False) -> Optional[Dict[str, Any]]: ...
    def items(self, table: str, *, dynamodb_json: bool = False) -> List[Dict[str, Any]]: ...
    def dynamodb_call(self, action: str, request: Mapping[str, Any]) -> Dict[str, Any]: ...
    def load_dynamodb(self, tables: Mapping[str, Any]) -> None: ...
    def dump_dynamodb(self) -> Dict[str, Any]: ...
    def put_object(self, bucket: str, key: str, body: str) -> None: ...
    def mount_bucket(self, bucket: str, directory: Union[str, os.PathLike[str]]) -> None: ...
    def use_mocks(self, state_machine: str, config: Union[str, Mapping[str, Any]], test_case: str) -> None: ...
    def start_execution(self, state_machine: str, input: _JsonValue = None, *, name: Optional[str] = None) -> str: ...
    def run_until_idle(self) -> Idle: ...
    def run(self) -> Idle: ...
    def run_async(self) -> Coroutine[Any, Any, Idle]: ...
    def send_task_success(self, token: str, output: _JsonValue) -> None: ...
    def send_task_failure(self, token: str, error: str = "", cause: str = "") -> None: ...
    def send_task_heartbeat(self, token: str) -> None: ...
    def stop_execution(self, execution_arn: str, *, error: Optional[str] = None, cause: Optional[str] = None) -> None: ...
    def execution(self, arn: str) -> Execution: ...
    def executions(self) -> List[Execution]: ...
    def waiting_tasks(self) -> List[Tuple[str, str, str]]: ...
    def peak_occupancy(self, states: Union[str, Sequence[str]]) -> Peak: ...
    def stays(self) -> List[Tuple[str, str, int, Optional[int]]]: ...
    def explore(
        self,
        *,
        invariants: Optional[Iterable[Union[Invariant, _InvariantCheck]]] = None,
        faults: Union[Faults, Mapping[_FaultName, float], None] = None,
        fault_targets: Optional[Sequence[str]] = None,
        watch_states: Optional[Sequence[str]] = None,
        probe: Optional[Probe] = None,
        horizon_seconds: float = 3600.0,
        max_steps: int = 100_000,
        threads: int = 1,
        histories: bool = False,
        shrink_runs: int = 2000,
    ) -> Explorer:
        """``Explorer(self, ...)``: explores this world's schedules as it is now."""

def test_state(request: Mapping[str, Any]) -> Dict[str, Any]: ...
def diagram(definition: _Definition, format: Literal["mermaid", "dot"] = "mermaid", highlight: Optional[Execution] = None) -> str: ...

# Map Runs of distributed Maps (bindings-python/src/map_run.rs).

__all__ += ["describe_map_run", "list_map_runs", "list_map_run_executions"]

def describe_map_run(world: World, map_run_arn: str) -> Dict[str, Any]:
    """The Map Run as ``DescribeMapRun`` returns it; ``ExecutionError`` (``ResourceNotFound``) if none has that ARN."""

def list_map_runs(world: World, execution_arn: str) -> Dict[str, Any]:
    """``{"mapRuns": [...]}``: the Map Runs an execution started, as ``ListMapRuns`` lists them."""

def list_map_run_executions(world: World, map_run_arn: str, status_filter: Optional[_Status] = None) -> Dict[str, Any]:
    """``{"executions": [...]}``: a Map Run's child executions, as ``ListExecutions`` with ``mapRunArn`` lists them."""
# The problem codes (bindings-python/src/codes.rs), from the core's declaration.

__all__ += ["CodeInfo", "codes"]

@final
class CodeInfo:
    """One problem code: ``code`` (what ``Problem.code`` holds), ``summary`` (what is
    wrong, one sentence) and ``doc`` (why it matters, then an example)."""

    @property
    def code(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def doc(self) -> str: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

def codes() -> List[CodeInfo]:
    """Every problem code stepforge reports, in a stable order, with its documentation."""
# --- Exploration (issue 15; src/explore.rs) -----------------------------------

__all__ += [
    "Counterexample",
    "ExecutionView",
    "ExploreReport",
    "Explorer",
    "Faults",
    "Invariant",
    "Probe",
    "Replay",
    "Violation",
    "WorldView",
    "semaphore_invariants",
]

_FaultName = Literal[
    "throttle",
    "error_before_write",
    "error_after_write",
    "late_write",
    "job_fail",
    "job_timeout",
    "abort",
    "timeout",
    "late_delivery",
    "duplicate_delivery",
]

@final
class Faults:
    """Which faults to inject and how often (rates 0-1)."""

    def __new__(
        cls,
        rates: Optional[Mapping[_FaultName, float]] = None,
        *,
        max_per_schedule: Optional[int] = None,
        late_delivery_seconds: float = 30.0,
        late_write_seconds: float = 1.0,
    ) -> Self: ...
    @staticmethod
    def all(rate: float, *, max_per_schedule: Optional[int] = None) -> Faults: ...
    @staticmethod
    def none() -> Faults: ...
    @staticmethod
    def names() -> List[str]: ...
    def rate(self, name: _FaultName) -> float: ...
    @property
    def max_per_schedule(self) -> Optional[int]: ...

@final
class ExecutionView:
    """An execution as an invariant sees it."""

    @property
    def arn(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def state_machine_arn(self) -> str: ...
    @property
    def status(self) -> _Status: ...
    @property
    def states(self) -> List[str]: ...
    @property
    def input(self) -> Any: ...
    @property
    def output(self) -> Any: ...
    @property
    def error(self) -> Optional[str]: ...
    @property
    def cause(self) -> Optional[str]: ...

@final
class WorldView:
    """The world after a step, read-only, valid during the invariant's call."""

    def items(self, table: str, *, dynamodb_json: bool = False) -> List[Dict[str, Any]]: ...
    def get_item(self, table: str, key: Mapping[str, Any], *, dynamodb_json: bool = False) -> Optional[Dict[str, Any]]: ...
    def table_names(self) -> List[str]: ...
    def executions(self) -> List[ExecutionView]: ...
    def executions_in(self, states: Sequence[str]) -> List[str]: ...
    @property
    def now_millis(self) -> int: ...
    @property
    def at_end(self) -> bool: ...
    @property
    def step(self) -> Optional[Dict[str, Any]]:
        """``execution``, ``state``, ``entered``, ``write`` (``table``, ``key``, ``before``, ``after``), ``fault``."""

_InvariantCheck: TypeAlias = Callable[[WorldView], Union[None, bool, str]]

@final
class Invariant:
    """A named predicate over the world, checked after every step or at the end."""

    def __new__(cls, name: str, check: _InvariantCheck, *, at: Literal["every_step", "end"] = "every_step") -> Self: ...
    @property
    def name(self) -> str: ...
    @property
    def at(self) -> Literal["every_step", "end"]: ...

def semaphore_invariants(table: str, lock: str, limit: int, job_states: Sequence[str]) -> List[Invariant]: ...

@final
class Probe:
    """Executions started after each schedule, past a lease."""

    def __new__(cls, machine: str, executions: int, *, after_seconds: float, input: _JsonValue = None) -> Self: ...

@final
class Violation:
    """A broken invariant."""

    @property
    def invariant(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def step(self) -> int: ...

@final
class Counterexample:
    """A failing schedule, shrunk, with its timeline and Mermaid diagram."""

    @property
    def violation(self) -> Violation: ...
    @property
    def schedule(self) -> str: ...
    @property
    def found(self) -> str: ...
    @property
    def steps(self) -> int: ...
    @property
    def timeline(self) -> str: ...
    @property
    def mermaid(self) -> str: ...
    def describe(self) -> str: ...

@final
class ExploreReport:
    """What an exploration did."""

    @property
    def mode(self) -> Literal["random", "exhaustive"]: ...
    @property
    def schedules(self) -> int: ...
    @property
    def states(self) -> int: ...
    @property
    def pruned(self) -> int: ...
    @property
    def transitions(self) -> int: ...
    @property
    def elapsed_seconds(self) -> float: ...
    @property
    def complete(self) -> bool: ...
    @property
    def schedules_per_second(self) -> float: ...
    @property
    def transitions_per_second(self) -> float: ...
    @property
    def counterexample(self) -> Optional[Counterexample]: ...
    def summary(self) -> str: ...

@final
class Replay:
    """One schedule replayed."""

    @property
    def violation(self) -> Optional[Violation]: ...
    @property
    def timeline(self) -> str: ...
    @property
    def mermaid(self) -> str: ...
    def executions(self) -> List[Execution]: ...

@final
class Explorer:
    """Explores the schedules of a world: random, exhaustive, or one replayed."""

    def __new__(
        cls,
        world: World,
        *,
        invariants: Optional[Iterable[Union[Invariant, _InvariantCheck]]] = None,
        faults: Union[Faults, Mapping[_FaultName, float], None] = None,
        fault_targets: Optional[Sequence[str]] = None,
        watch_states: Optional[Sequence[str]] = None,
        probe: Optional[Probe] = None,
        horizon_seconds: float = 3600.0,
        max_steps: int = 100_000,
        threads: int = 1,
        histories: bool = False,
        shrink_runs: int = 2000,
    ) -> Self: ...
    @property
    def invariants(self) -> List[Invariant]: ...
    def random(self, schedules: int, seed: int = 0) -> ExploreReport: ...
    def exhaustive(
        self, *, max_states: int = 2_000_000, max_faults: int = 1, seed: int = 0, partial_order_reduction: bool = True
    ) -> ExploreReport: ...
    def replay(self, schedule: str) -> Replay: ...
