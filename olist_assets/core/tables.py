"""The table port: what the core asks of a table format, and the change it hands over to commit.

The core computes batches and rows (which batches land, which rows each contributes, which rows
leave); an adapter (`olist_assets.stores.iceberg`) turns a `TableChange` into data files and commits
it as one atomic snapshot together with the new ledger. Optimistic concurrency: a commit against a
table that changed since `TableState.snapshot_id` raises `ConcurrentCommitError`, and the caller
recomputes its change from the new state and tries again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pyarrow as pa
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from olist_assets.core.contracts import TableContract
from olist_assets.core.ledger import Ledger

CLEAN = "clean"
QUARANTINE = "quarantine"
BUSINESS = "business"
NAMESPACES = (CLEAN, QUARANTINE, BUSINESS)
BATCH_COLUMN = "_batch"


class ConcurrentCommitError(RuntimeError):
    """Another writer committed to the table first: reload its state, recompute, try again."""


def optimistic_commits(attempts: int) -> Retrying:
    """The retry policy of a commit that lost the race to another writer: try again up to
    `attempts` times after a random wait (full jitter, growing from 20 ms to at most 1 s), so
    writers that collided do not collide again; other errors are raised at once."""
    return Retrying(
        retry=retry_if_exception_type(ConcurrentCommitError),
        stop=stop_after_attempt(attempts),
        wait=wait_random_exponential(multiplier=0.02, max=1),
        reraise=True,
    )


class MissingTableError(LookupError):
    """A table that has not been created yet (nothing landed into it)."""


class MovedTableError(LookupError):
    """A table the lake's catalog places outside the lake: the lake folder was copied or moved
    (Iceberg metadata holds absolute paths), so reading or writing it would touch another lake."""


@dataclass(frozen=True)
class TableState:
    """A table as one writer saw it: its current snapshot (None when empty) and its ledger."""

    snapshot_id: int | None
    ledger: Ledger


@dataclass(frozen=True)
class Insert:
    """Rows of one staged batch to add: those whose key fingerprint is in `keep` (None: all)."""

    batch: str
    sha256: str
    keep: np.ndarray | None = None


@dataclass(frozen=True)
class TableChange:
    """One refresh of a clean table: rows that leave, rows that enter, and the ledger after it."""

    ledger: Ledger
    drop_batches: frozenset[str] = frozenset()
    drop_keys: dict[str, np.ndarray] = field(default_factory=dict)
    inserts: tuple[Insert, ...] = ()
    summary: dict[str, str] = field(default_factory=dict)

    @property
    def touches_rows(self) -> bool:
        """Whether any row enters or leaves (else only the ledger changes: no new snapshot)."""
        return bool(
            self.drop_batches
            or any(len(keys) for keys in self.drop_keys.values())
            or any(insert.keep is None or len(insert.keep) for insert in self.inserts)
        )


class Tables(Protocol):
    """The lake's tables, as the core reads and changes them."""

    def state(self, contract: TableContract) -> TableState:
        """The clean table's current snapshot and ledger (empty ledger when it does not exist)."""
        ...

    def commit(self, contract: TableContract, base: TableState, change: TableChange) -> TableState:
        """Apply the change and the new ledger in one commit; ConcurrentCommitError if `base` is stale."""
        ...

    def converge(self, contract: TableContract) -> None:
        """Finish what an interrupted refresh left undone (the quarantine table follows the
        ledger); does nothing when the table is consistent."""
        ...

    def scan(
        self,
        namespace: str,
        table: str,
        columns: Sequence[str] | None = None,
        snapshot_id: int | None = None,
    ) -> pa.RecordBatchReader:
        """The rows of a table's current (or given) snapshot, a record batch at a time.

        Raises MissingTableError when the table does not exist.
        """
        ...
