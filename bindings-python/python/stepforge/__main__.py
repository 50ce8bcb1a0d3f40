"""``python -m stepforge`` and the ``stepforge`` command: the core's command line.
Also the entry point of the ``load-ddb`` command (not reachable with ``-m``)."""

from __future__ import annotations

import signal
import sys

from ._native import run_cli, run_load_ddb


def main() -> int:
    """Runs ``stepforge`` with this process's arguments; returns the exit code."""
    return run_cli(["stepforge", *sys.argv[1:]])


def load_ddb_main() -> int:
    """Runs ``load-ddb`` with this process's arguments; returns the exit code
    (0 every item written, 1 some were not, 2 usage error or a load that could
    not run).

    For the ``load-ddb`` console script, which owns its process: Ctrl-C goes to
    the loader, which stops cleanly and saves its checkpoint (``--resume``
    continues), as the native ``load-ddb`` does. To load from a program, call
    :func:`stepforge.load_ddb`, which installs no signal handler.
    """
    # Python's own SIGINT handler would only set a flag nobody reads while the
    # load runs; with the default action the loader's handler is the only one.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    return run_load_ddb(["load-ddb", *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
