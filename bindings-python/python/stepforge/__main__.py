"""``python -m stepforge`` and the ``stepforge`` command: the core's command line."""

from __future__ import annotations

import sys

from ._native import run_cli


def main() -> int:
    """Runs ``stepforge`` with this process's arguments; returns the exit code."""
    return run_cli(["stepforge", *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
