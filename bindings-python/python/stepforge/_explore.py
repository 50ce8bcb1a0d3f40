"""The exceptions of exploration (``World.explore`` / ``Explorer``), in
Python so they can derive from both ``StepforgeError`` and the built-in
classes users already catch."""

from __future__ import annotations

from ._errors import StepforgeError

__all__ = ["ExploreError", "InvariantError", "InvariantViolation"]


class InvariantViolation(AssertionError):
    """Raise it in an invariant to report a violation with a message:
    ``raise InvariantViolation("two owners hold the lock")``. A failed
    ``assert`` counts the same, and so does returning the message (or
    ``False``)."""


class InvariantError(StepforgeError):
    """An invariant could not be checked: it raised an exception other than a
    violation (``AssertionError``/``InvariantViolation``), or returned
    something that is not ``None``, a bool or a message. ``invariant`` names
    it; the exception it raised is ``__cause__``."""

    def __init__(self, invariant: str, message: str) -> None:
        super().__init__(message)
        self.invariant = invariant

    def __reduce__(self) -> tuple[type[InvariantError], tuple[str, str]]:
        return (type(self), (self.invariant, str(self)))


class ExploreError(StepforgeError, ValueError):
    """An exploration that could not run: a bad option, or exhaustive mode
    reaching its bound of distinct states (``code`` is ``"TooLarge"``, else
    ``"Config"``). A definition that does not validate raises
    ``ValidationError`` with the validator's problems instead."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code

    def __reduce__(self) -> tuple[type[ExploreError], tuple[str, str]]:
        return (type(self), (self.code, str(self)))
