"""The Python half of the executor binding (``stepforge._exec``), loaded by
``src/exec.rs``: what has to be Python (an exception class users raise, the
asyncio loop that awaits handlers' coroutines). The executor itself is the
Rust core; this file only waits for host work and reports how it settled.
"""

import asyncio
import concurrent.futures
import json
import traceback

from stepforge._errors import StepforgeError


class TaskFailed(Exception):
    """Raise it in a task handler to fail the task with a named error:
    ``raise TaskFailed("Payment.Declined", "card expired")``. Any other
    exception fails the task too, with its class name as the error."""

    def __init__(self, error, cause=""):
        super().__init__(error, cause)
        self.error = str(error)
        self.cause = str(cause)

    def __str__(self):
        return f"{self.error}: {self.cause}" if self.cause else self.error


class ExecutionError(StepforgeError, ValueError):
    """A call on a ``World`` that the executor refused. ``code`` is the name
    of the exception AWS gives for the same call (``StateMachineDoesNotExist``,
    ``ExecutionDoesNotExist``, ``ExecutionAlreadyExists``, ``TaskDoesNotExist``,
    ``ExecutionNotRunning``, ``InvalidDefinition``, ``ValidationException``,
    ``HandlerTimeout``…)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code

    def __reduce__(self):
        return (type(self), (self.code, str(self)))


def failure(exc, tb=None):
    """(error, cause) for an exception raised by a handler. The cause has the
    shape AWS Lambda gives a Python function's error, so the type and the
    traceback survive into the execution's history."""
    if isinstance(exc, TaskFailed):
        return exc.error, exc.cause
    name = type(exc).__name__
    cause = {
        "errorMessage": str(exc),
        "errorType": name,
        "stackTrace": traceback.format_tb(tb or exc.__traceback__),
    }
    return name, json.dumps(cause)


def is_awaitable(value):
    """Work that settles later: a coroutine, an asyncio future or task, any
    object with ``__await__``, or a ``concurrent.futures.Future``."""
    return hasattr(value, "__await__") or isinstance(value, concurrent.futures.Future)


def _future(value):
    if isinstance(value, concurrent.futures.Future):
        return asyncio.wrap_future(value)
    return asyncio.ensure_future(value)


def _report(world, token, task):
    """Answers the world for one settled handler."""
    if task.cancelled():
        world._settle_failure(token, "States.Timeout", "the handler's work was cancelled")
        return
    exc = task.exception()
    if exc is not None:
        if not isinstance(exc, Exception):
            raise exc  # KeyboardInterrupt, SystemExit: not a task failure
        error, cause = failure(exc)
        world._settle_failure(token, error, cause)
    else:
        world._settle(token, task.result())


async def run_async(world):
    """Runs ``world`` until nothing is left to do: the core runs every event it
    can; then the handlers' pending work is awaited and answered, and again.

    On the virtual clock the pending work is awaited all together and answered
    in the order the tasks were called, so a seed still gives one history. In
    real time (``time_scale``) each answer goes in as it comes, and when the
    next timer is due first it fires (a Task's ``TimeoutSeconds``). Work that
    has not settled after ``handler_timeout`` seconds of real time fails its
    task with ``States.Timeout``."""
    loop = asyncio.get_running_loop()
    inflight = {}  # token -> (future, started, where)
    order = []
    while True:
        idle = world._advance()
        for token, awaitable, where in world._take_pending():
            inflight[token] = (_future(awaitable), loop.time(), where)
            order.append(token)
        # Forget work whose task ended meanwhile (its timeout fired, the execution stopped).
        for token in [t for t in order if not world._is_waiting(t)]:
            inflight.pop(token)[0].cancel()
            order.remove(token)
        if not order:
            return idle
        limit = world.handler_timeout
        oldest = min(inflight[t][1] for t in order)
        wait = max(0.0, oldest + limit - loop.time())
        realtime = world.time_scale is not None
        due = world._next_due_seconds() if realtime else None
        if due is not None:
            wait = min(wait, due * world.time_scale)
        futures = [inflight[t][0] for t in order]
        when = asyncio.FIRST_COMPLETED if realtime else asyncio.ALL_COMPLETED
        done, _ = await asyncio.wait(futures, timeout=wait, return_when=when)
        for token in list(order):
            future, started, where = inflight[token]
            if future in done:
                _report(world, token, future)
            elif loop.time() - started >= limit:
                future.cancel()
                world._settle_failure(
                    token,
                    "States.Timeout",
                    f"the handler of {where} did not settle within {limit:g} s of real time (handler_timeout)",
                )
            else:
                continue
            del inflight[token]
            order.remove(token)
        if realtime and not done and due is not None and order:
            world._step()  # the next timer is due: let it fire while the work goes on


def run(world):
    """The synchronous form of :func:`run_async`: an event loop is made only
    when a handler returned a coroutine."""
    idle = world._advance()
    if not world._has_pending():
        return idle
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(run_async(world))
    raise ExecutionError(
        "EventLoopRunning",
        "a handler returned a coroutine while an asyncio event loop is running: use `await world.run_async()`",
    )
