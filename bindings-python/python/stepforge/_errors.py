"""The exceptions stepforge raises. Every one derives from :class:`StepforgeError`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Tuple

if TYPE_CHECKING:
    from ._native import Problem

__all__ = ["StepforgeError", "ValidationError", "ChainError", "InternalError"]


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


# Shown (and pickled) as `stepforge.X`, where users import them from.
for _cls in (StepforgeError, ValidationError, ChainError, InternalError):
    _cls.__module__ = "stepforge"
del _cls
