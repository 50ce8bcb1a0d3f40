"""The shape of the summary :func:`stepforge.load_ddb` returns, for annotations."""

from __future__ import annotations

from typing import Optional, TypedDict

__all__ = ["LoadSummary", "RetryCounts"]


class RetryCounts(TypedDict):
    """What a load retried."""

    #: Items resent after DynamoDB returned them unprocessed.
    unprocessed_items: int
    #: Requests retried after throttling.
    throttled_requests: int
    #: Requests retried after other errors (5xx, dropped connections).
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
    #: Items that shared a key with an earlier item (the later one wins).
    duplicates: int
    #: Items done by an earlier run and skipped on resume.
    skipped: int
    #: ``BatchWriteItem`` requests sent.
    requests: int
    retried: RetryCounts
    #: Wall time.
    seconds: float
    items_per_second: float
    #: Nothing was written.
    dry_run: bool
    #: Stopped before the end (the checkpoint says where).
    interrupted: bool
    #: Every item of the input is in the table (or would be, in a dry run).
    succeeded: bool
    #: The reject file, if items went there.
    reject_file: Optional[str]
    #: The checkpoint to resume from, if the load did not finish.
    checkpoint: Optional[str]


for _cls in (RetryCounts, LoadSummary):
    _cls.__module__ = "stepforge"
del _cls
