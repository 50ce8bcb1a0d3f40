"""Type stubs of ``stepforge._native``, the Rust extension. Import from ``stepforge``."""

import os
from typing import Any, ClassVar, Dict, Iterable, List, Literal, Mapping, NoReturn, Optional, Protocol, Sequence, Union, final

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
