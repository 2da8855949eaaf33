"""The table ledger: every batch a clean table holds, the content it holds, and where every row went.

A ledger is committed with the table (the Iceberg table port writes it with each snapshot), so a
table and its ledger never disagree. Per batch, rows read = clean + quarantined + duplicate, and the
batch's rows in the table = clean - superseded (rows a batch later in the precedence order replaced).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any

from olist_assets.core import lake
from olist_assets.core.batches import Arrival, Batch, in_precedence_order


@dataclass(frozen=True)
class BatchEntry:
    """One batch as the table holds it: which raw content (sha256), as seen when landed, and its rows.

    `etag` and `modified` are how the raw object looked when it was read (they let a later run skip
    re-hashing an unchanged file; they never decide what changed: the sha256 does). `source_key` is
    the raw object's key under raw/ as stored (the batch key is its NFC spelling); `admitted_at` when
    the batch first took its place in the table (a new version keeps it: `core/batches.admit`).
    """

    key: str
    table: str
    date: str
    sha256: str
    size: int
    etag: str
    modified: str
    landed_at: str
    rows_read: int
    rows_blank: int
    rows_clean: int
    rows_quarantined: int
    rows_duplicate: int
    rows_superseded: int = 0
    source_key: str = ""
    admitted_at: str = ""

    @property
    def batch(self) -> Batch:
        return Batch(self.table, self.key, self.date)

    @property
    def raw_key(self) -> str:
        """The lake key of the raw object the batch's content came from."""
        return f"{lake.RAW}/{self.source_key or self.key}"

    @property
    def arrival(self) -> Arrival:
        """The batch as it arrived (its key as stored, and when it took its place)."""
        at = datetime.fromisoformat(self.admitted_at or self.landed_at)
        return Arrival(self.batch, self.source_key or self.key, at)

    @property
    def rows_in_table(self) -> int:
        """Rows of this batch in the table: its clean rows less those a later batch superseded."""
        return self.rows_clean - self.rows_superseded

    @property
    def balanced(self) -> bool:
        """Rows read = clean + quarantined + duplicates."""
        return self.rows_read == self.rows_clean + self.rows_quarantined + self.rows_duplicate


@dataclass(frozen=True)
class Rejection:
    """A file refused as a whole: reported on every run until it changes or is forgotten, while its
    table keeps its accepted batches.

    `key` is the file's key (`raw/<path>` in the lake, or its path in the landing folder); `reason`
    one line saying why and what is expected; `table` the table it was meant for when recognisable;
    `first_seen` when the refused content arrived (ISO 8601); `sha256` of the refused content when it
    was read; `conflicts_with` the key of the batch that keeps the place a refused collision wanted;
    `error_type` the reader's error class (`HeaderMismatchError`, `EmptyFileError`, ...).
    """

    key: str
    reason: str
    table: str | None = None
    first_seen: str = ""
    sha256: str | None = None
    conflicts_with: str | None = None
    error_type: str = ""

    @property
    def message(self) -> str:
        return f"{self.key}: {self.reason}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Ledger:
    """All batches, rejections and exclusions of one clean table; immutable, replaced by each commit.

    `exclusions` maps a batch key to a content (sha256) a rollback undid: while the raw file holds
    that content it is not landed again; any other content lands as usual.
    """

    table: str
    batches: dict[str, BatchEntry] = field(default_factory=dict)
    rejections: dict[str, Rejection] = field(default_factory=dict)
    exclusions: dict[str, str] = field(default_factory=dict)

    @property
    def active(self) -> list[BatchEntry]:
        """The batches whose rows are in the table, lowest precedence first."""
        by_batch = {entry.batch: entry for entry in self.batches.values()}
        return [by_batch[batch] for batch in in_precedence_order(by_batch)]

    @property
    def rows(self) -> int:
        """Rows the table holds according to the ledger."""
        return sum(entry.rows_in_table for entry in self.batches.values())

    def total(self, name: str) -> int:
        """Sum of one row count (`rows_read`, `rows_clean`, ...) over every batch."""
        return sum(getattr(entry, name) for entry in self.batches.values())

    def with_batches(self, entries: dict[str, BatchEntry]) -> Ledger:
        return replace(self, batches=dict(sorted(entries.items())))

    def with_rejections(self, rejections: dict[str, Rejection]) -> Ledger:
        return replace(self, rejections=dict(sorted(rejections.items())))

    def with_exclusions(self, exclusions: dict[str, str]) -> Ledger:
        return replace(self, exclusions=dict(sorted(exclusions.items())))

    def to_json(self) -> bytes:
        body = {
            "table": self.table,
            "batches": [asdict(entry) for _, entry in sorted(self.batches.items())],
            "rejections": [asdict(entry) for _, entry in sorted(self.rejections.items())],
            "exclusions": dict(sorted(self.exclusions.items())),
        }
        return json.dumps(body, indent=1, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Ledger:
        body = json.loads(data)
        batches = {entry["key"]: BatchEntry(**entry) for entry in body["batches"]}
        rejections = {entry["key"]: Rejection(**entry) for entry in body["rejections"]}
        return cls(body["table"], batches, rejections, dict(body.get("exclusions", {})))


def rolled_back(current: Ledger, target: Ledger) -> tuple[Ledger, list[str]]:
    """The ledger after making an earlier snapshot (committed with `target`) current again.

    Every batch whose content changed since (landed, replaced) is excluded at its current content,
    so the next run does not land it again; returns that ledger and the batches undone.
    """
    undone = sorted(
        key
        for key, entry in current.batches.items()
        if key not in target.batches or target.batches[key].sha256 != entry.sha256
    )
    exclusions = {**target.exclusions, **current.exclusions}
    exclusions |= {key: current.batches[key].sha256 for key in undone}
    after = replace(target, rejections=current.rejections).with_exclusions(exclusions)
    return after, undone
