"""The shape of the summary :func:`stepforge.load_ddb` returns, for annotations."""

from __future__ import annotations

from typing import Optional, TypedDict

__all__ = ["LoadSummary", "RetryCounts"]


# BEGIN GENERATED: load summary (`cargo run -p xtask -- gen`, from core/src/dynamo/load_surface.rs; do not edit)


class RetryCounts(TypedDict):
    """What a load retried."""

    #: Items resent after DynamoDB returned them unprocessed.
    unprocessed_items: int
    #: Requests retried after throttling.
    throttled_requests: int
    #: Requests retried after other errors.
    failed_requests: int


class LoadSummary(TypedDict):
    """What a load did: the dict :func:`stepforge.load_ddb` returns (and
    ``LoadError.summary``), the same as ``load-ddb --summary json`` prints."""

    #: Items read from the input in this run (not counting ``skipped``).
    read: int
    #: Items written.
    written: int
    #: Items that could not be written (in the reject file), this run.
    rejected: int
    #: Items rejected by an earlier run that this one resumed.
    rejected_before: int
    #: Items that shared a key with an earlier item still pending (the later one wins).
    duplicates: int
    #: Items done by an earlier run and skipped on resume.
    skipped: int
    #: ``BatchWriteItem`` requests sent.
    requests: int
    #: Retries, by cause.
    retried: RetryCounts
    #: Wall time, in seconds.
    seconds: float
    #: Items written (checked, in a dry run) per second.
    items_per_second: float
    #: Nothing was written (a dry run).
    dry_run: bool
    #: Stopped before the end (Ctrl-C, or a cancel from the host; the checkpoint says where).
    interrupted: bool
    #: Every item of the input is in the table (or would be, in a dry run).
    succeeded: bool
    #: The reject file, if any items went there.
    reject_file: Optional[str]
    #: The checkpoint to resume from, if the load did not finish.
    checkpoint: Optional[str]


# END GENERATED: load summary
for _cls in (RetryCounts, LoadSummary):
    _cls.__module__ = "stepforge"
del _cls
