"""The exceptions stepforge raises. Every one derives from :class:`StepforgeError`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Optional, Tuple

if TYPE_CHECKING:
    from ._native import Problem
    from ._types import LoadSummary

__all__ = ["StepforgeError", "ValidationError", "ChainError", "InternalError", "MarshalError", "LoadError"]


class StepforgeError(Exception):
    """The base class of every exception stepforge raises."""


class ValidationError(StepforgeError, ValueError):
    """A definition (text, data, or a state machine being built) has problems.

    ``problems`` lists all of them, each with a ``code``, a JSON ``pointer``
    and a ``message``; ``str(error)`` is the same list as text.
    """

    problems: list[Problem]

    def __init__(self, message: str, problems: Iterable[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)

    def __reduce__(self) -> Tuple[Any, ...]:  # keep `problems` through pickling (multiprocessing)
        return (type(self), (str(self), self.problems))


class ChainError(ValidationError):
    """States were linked in a way that cannot work (code ``INVALID_CHAIN``):
    ``next`` on a state that already has a next state, a second ``otherwise``,
    ``next`` after a chain that ends in Succeed or Fail.

    Raised by the linking call itself; a :class:`ValidationError`, so
    ``except ValidationError`` catches it too.
    """


class InternalError(StepforgeError):
    """A bug in stepforge (a panic in the native core), reported instead of crashing.
    Please report it with the input that caused it."""


class MarshalError(StepforgeError, ValueError):
    """A value that cannot be a DynamoDB attribute value (or DynamoDB JSON that
    is not well formed): a float NaN, a number with more than 38 significant
    digits, an empty or mixed set, a dict key that is not a str, a type
    DynamoDB has no place for, lists and dicts nested more than 32 deep.

    ``pointer`` is the JSON pointer to the value inside what was given
    (``"/orders/3/price"``; ``""`` is the whole value) and ``message`` says
    what is wrong; ``str(error)`` is ``"at /orders/3/price: ..."``.
    """

    pointer: str
    message: str

    def __init__(self, pointer: str, message: str) -> None:
        super().__init__(f"at {pointer}: {message}" if pointer else message)
        self.pointer = pointer
        self.message = message

    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), (self.pointer, self.message))


class LoadError(StepforgeError):
    """A load that could not go on at all: no such table, no credentials or
    region, an unreadable input, a checkpoint in the way, an error DynamoDB
    kept returning. (Items DynamoDB refuses one by one do not raise: they are
    counted as rejected in the summary that :func:`load_ddb` returns.)

    ``message`` says why; ``summary`` is what was done before it stopped (the
    same dict :func:`load_ddb` returns), or ``None`` when nothing started.
    """

    message: str
    summary: Optional[LoadSummary]

    def __init__(self, message: str, summary: Optional[LoadSummary] = None) -> None:
        super().__init__(message)
        self.message = message
        self.summary = summary

    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), (self.message, self.summary))


# Shown (and pickled) as `stepforge.X`, where users import them from.
for _cls in (StepforgeError, ValidationError, ChainError, InternalError, MarshalError, LoadError):
    _cls.__module__ = "stepforge"
del _cls
