"""Each batch (one file drop) of a table as one row: what a run did with it and where its rows went.

These rows are how a user follows drops as units: the `batches` table of every raw/<table> and
clean/<table> materialization in Dagster, and one event per drop a refresh landed or removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from olist_assets.core import lake
from olist_assets.core.cleaning import RefreshResult
from olist_assets.core.landing import TableLanding


class BatchState(StrEnum):
    """What a run did with one batch."""

    LANDED = "landed"  # new or replaced content, in this run
    UNCHANGED = "unchanged"  # the lake held this content already
    REFUSED = "refused"  # refused as a whole (its reason says why); its table keeps the others
    REMOVED = "removed"  # forgotten, or its raw file is gone: its rows left the table


@dataclass(frozen=True)
class LandedBatch:
    """One file of a table in the landing folder, as a landing left it."""

    batch: str
    state: BatchState
    records: int | None
    bytes: int | None
    sha256: str
    reason: str = ""


@dataclass(frozen=True)
class TableBatch:
    """One batch of a clean table after a refresh: rows read = clean + quarantined + duplicate, and
    rows in the table = clean - superseded (by a batch later in the precedence order)."""

    batch: str
    date: str
    state: BatchState
    rows_read: int = 0
    rows_clean: int = 0
    rows_quarantined: int = 0
    rows_duplicate: int = 0
    rows_superseded: int = 0
    rows_in_table: int = 0
    sha256: str = ""
    landed_at: str = ""
    reason: str = ""

    @property
    def summary(self) -> str:
        """One line for an event: the batch, what happened and where its rows went."""
        if self.state == BatchState.REMOVED:
            return f"{self.batch}: removed from the table"
        return (
            f"{self.batch}: {self.state}, {self.rows_read:,} rows read, {self.rows_clean:,} clean, "
            f"{self.rows_quarantined:,} quarantined, {self.rows_duplicate:,} duplicate, "
            f"{self.rows_superseded:,} superseded by later drops"
        )


def landing_batches(landing: TableLanding) -> list[LandedBatch]:
    """The table's files in this landing: landed or unchanged, then refused (with the reason)."""
    rows = [
        LandedBatch(
            f.source_key,
            BatchState.LANDED if f.changed else BatchState.UNCHANGED,
            f.records,
            f.size,
            f.sha256,
        )
        for f in landing.landed
    ]
    return rows + [
        LandedBatch(r.key, BatchState.REFUSED, None, None, r.sha256 or "", r.reason)
        for r in landing.rejected
    ]


def table_batches(result: RefreshResult) -> list[TableBatch]:
    """Every batch of the table after a refresh, lowest precedence first, then the batches it
    removed and the files it holds refused."""
    landed = {entry.key for entry in result.landed}
    rows = [
        TableBatch(
            batch=entry.key,
            date=entry.date,
            state=BatchState.LANDED if entry.key in landed else BatchState.UNCHANGED,
            rows_read=entry.rows_read,
            rows_clean=entry.rows_clean,
            rows_quarantined=entry.rows_quarantined,
            rows_duplicate=entry.rows_duplicate,
            rows_superseded=entry.rows_superseded,
            rows_in_table=entry.rows_in_table,
            sha256=entry.sha256,
            landed_at=entry.landed_at,
        )
        for entry in result.ledger.active
    ]
    rows += [TableBatch(key, "", BatchState.REMOVED) for key in result.removed]
    return rows + [
        TableBatch(
            _batch_key(r.key), "", BatchState.REFUSED, sha256=r.sha256 or "", reason=r.reason
        )
        for r in result.ledger.rejections.values()
    ]


def changed_batches(rows: list[TableBatch]) -> list[TableBatch]:
    """The batches a refresh landed or removed: the drops that changed the table."""
    return [row for row in rows if row.state in (BatchState.LANDED, BatchState.REMOVED)]


def _batch_key(raw_key: str) -> str:
    return raw_key.removeprefix(f"{lake.RAW}/")
