"""Refresh a clean table from its raw files: stage what changed, then commit one change to the table.

`refresh_table` is the one entry point both runtimes call: the Dagster clean asset for a whole table,
the landing Lambda for the one file it was told about. Content decides what changed (sha256); the
ledger's size and ETag/modification time only let an unchanged file skip being read. Staged batches
are immutable and named by their content, so a retry, a concurrent writer or a restored version
reuses them instead of parsing again.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from olist_assets.core import lake
from olist_assets.core.batches import Arrival, Batch, batch_for_raw_key
from olist_assets.core.contracts import TableContract
from olist_assets.core.fingerprints import from_arrow
from olist_assets.core.hashing import file_sha256
from olist_assets.core.landing import survey
from olist_assets.core.ledger import BatchEntry, Ledger, Rejection
from olist_assets.core.parsing import DEFAULT_CHUNK_ROWS, SourceFileError
from olist_assets.core.precedence import plan_change
from olist_assets.core.staging import KEY_COLUMN, BatchCounts, stage_batch
from olist_assets.core.storage import ObjectInfo, Store
from olist_assets.core.tables import Tables, optimistic_commits

COMMIT_ATTEMPTS = 30
Clock = Callable[[], datetime]


@dataclass
class RefreshResult:
    """What one refresh did to a clean table, and the table's ledger after it."""

    table: str
    ledger: Ledger
    snapshot_id: int | None
    landed: list[BatchEntry] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    """Files refused in this refresh (their rejection may have been recorded before)."""
    ignored: list[str] = field(default_factory=list)
    conflicts: int = 0

    @property
    def changed(self) -> bool:
        """Whether this refresh committed new rows or removed a batch."""
        return bool(self.landed or self.removed)


def refresh_table(
    store: Store,
    tables: Tables,
    contract: TableContract,
    raw_keys: list[str] | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    clock: Clock = lambda: datetime.now(tz=UTC),
    forget_batches: list[str] = (),
) -> RefreshResult:
    """Land the table's new or changed raw files (all under raw/ unless given) in one commit.

    With `raw_keys=None` the whole raw zone is the truth: batches whose raw file is gone are removed;
    `forget_batches` removes batches (and clears rejections) by batch key. Raises FileNotFoundError for a
    given key that is not in the lake.
    """
    tables.converge(contract)
    state = tables.state(contract)
    arrivals, rejected, ignored = raw_batches(store, contract, state.ledger, raw_keys)
    staged: list[BatchEntry] = []
    settled: list[str] = []
    for arrival in arrivals:
        outcome = _stage_if_changed(store, contract, state.ledger, arrival, chunk_rows, clock)
        if isinstance(outcome, Rejection):
            rejected.append(outcome)
        elif outcome is not None:
            staged.append(outcome)
        else:
            settled.append(f"{lake.RAW}/{arrival.key}")
    removed = set(forget_batches)
    if raw_keys is None:
        removed |= set(state.ledger.batches) - {a.batch.key for a in arrivals}
        listed = {f"{lake.RAW}/{a.key}" for a in arrivals} | {r.key for r in rejected}
        removed |= {k.removeprefix(f"{lake.RAW}/") for k in state.ledger.rejections} - {
            k.removeprefix(f"{lake.RAW}/") for k in listed
        }
    removed = sorted(removed)
    result = RefreshResult(contract.name, state.ledger, state.snapshot_id, ignored=ignored)
    keys_of = _keys_reader(store, contract)
    for attempt in optimistic_commits(COMMIT_ATTEMPTS):
        with attempt:
            result.conflicts = attempt.retry_state.attempt_number - 1
            _commit(tables, contract, staged, removed, rejected, settled, keys_of, result)
    return result


def forget(store: Store, tables: Tables, raw_key: str) -> RefreshResult:
    """Remove a raw file from the lake and its batch from its table (rows it superseded come back);
    also clears the file's rejection. Raises UnknownFileError for a key that is no table's file, or
    that the lake holds nowhere (no raw file, no batch, no rejection): nothing to forget."""
    from olist_assets.core.contracts import CONTRACTS, UnknownFileError

    batch = batch_for_raw_key(raw_key)
    contract = CONTRACTS[batch.table]
    ledger = tables.state(contract).ledger
    if store.info(raw_key) is not None:
        store.delete(raw_key)
    elif batch.key not in ledger.batches and raw_key not in ledger.rejections:
        raise UnknownFileError(
            f"{raw_key}: not in {store.url} (no raw file, no {batch.table} batch, no refused "
            "file): nothing to forget"
        )
    return refresh_table(store, tables, contract, raw_keys=[], forget_batches=[batch.key])


def raw_batches(
    store: Store, contract: TableContract, ledger: Ledger, raw_keys: list[str] | None = None
) -> tuple[list[Arrival], list[Rejection], list[str]]:
    """This table's batches among the raw keys (all of raw/ unless given), admitted by the rule
    every runtime shares (`core/batches`): the batches the ledger holds keep their places, a later
    file colliding with one is refused. Returns the batches, the refused files of this table, and
    the raw keys that are no table's file or not data (reported, never read).

    Raises FileNotFoundError for a given key that is not in the lake.
    """
    if raw_keys is None:
        listing = store.list(f"{lake.RAW}/")
    else:
        listing = [_info(store, key) for key in raw_keys]
    existing = [entry.arrival for entry in ledger.batches.values()]
    zone = survey(listing, existing, prefix=f"{lake.RAW}/")
    arrivals = [a for a in zone.admitted if a.batch.table == contract.name]
    rejected = [
        replace(r, key=f"{lake.RAW}/{r.key}") for r in zone.rejected if r.table == contract.name
    ]
    ignored = [f"{lake.RAW}/{r.key}" for r in zone.rejected if r.table is None]
    return arrivals, rejected, ignored


def _info(store: Store, raw_key: str) -> ObjectInfo:
    info = store.info(raw_key)
    if info is None:
        raise FileNotFoundError(f"{raw_key}: no such raw file in {store.url}")
    return info


def _commit(
    tables: Tables,
    contract: TableContract,
    staged: list[BatchEntry],
    removed: list[str],
    rejected: list[Rejection],
    settled: list[str],
    keys_of: Callable[[BatchEntry], np.ndarray],
    result: RefreshResult,
) -> None:
    """Recompute the change from the table as it is now and commit it (ConcurrentCommitError: stale)."""
    state = tables.state(contract)
    ledger = state.ledger
    landed = [e for e in staged if _differs(ledger.batches.get(e.key), e)]
    gone = [key for key in removed if key in ledger.batches]
    rejections = _rejections_after(ledger, landed, removed, rejected, settled)
    lifted = {e.key for e in landed} | set(gone)
    exclusions = {k: sha for k, sha in ledger.exclusions.items() if k not in lifted}
    result.ledger, result.snapshot_id = ledger, state.snapshot_id
    result.landed, result.removed = landed, gone
    result.rejected = rejected
    if (
        not landed
        and not gone
        and (rejections, exclusions)
        == (
            ledger.rejections,
            ledger.exclusions,
        )
    ):
        return
    summary = {
        "olist.operation": "refresh",
        "olist.batches-landed": json.dumps(sorted(e.key for e in landed)),
        "olist.batches-removed": json.dumps(gone),
        "olist.files-rejected": json.dumps(sorted(r.key for r in rejected)),
    }
    before = ledger.with_rejections(rejections).with_exclusions(exclusions)
    change = plan_change(before, landed, gone, keys_of, summary)
    after = tables.commit(contract, state, change)
    result.ledger, result.snapshot_id = after.ledger, after.snapshot_id


def _differs(current: BatchEntry | None, staged: BatchEntry) -> bool:
    """A staged content lands unless the batch already holds that very content."""
    return current is None or current.sha256 != staged.sha256


def _rejections_after(
    ledger: Ledger,
    landed: list[BatchEntry],
    removed: list[str],
    rejected: list[Rejection],
    settled: list[str],
) -> dict[str, Rejection]:
    """Rejections still standing: a file that landed, that was removed, or whose key holds its
    batch's content again (`settled`: a refused upload undone by the accepted one) is no longer
    refused."""
    cleared = {e.raw_key for e in landed} | {f"{lake.RAW}/{key}" for key in removed} | set(settled)
    standing = {k: r for k, r in ledger.rejections.items() if k not in cleared}
    for rejection in rejected:
        known = standing.get(rejection.key)
        standing[rejection.key] = known if known and known.sha256 == rejection.sha256 else rejection
    return standing


def _stage_if_changed(
    store: Store,
    contract: TableContract,
    ledger: Ledger,
    arrival: Arrival,
    chunk_rows: int,
    clock: Clock,
) -> BatchEntry | Rejection | None:
    """The staged entry of a raw file whose content the batch does not hold yet, its rejection, or
    None when it is unchanged (same size and ETag: not even read) or a rolled-back content."""
    batch, raw_key = arrival.batch, f"{lake.RAW}/{arrival.key}"
    info = _info(store, raw_key)
    current = ledger.batches.get(batch.key)
    if current and (current.size, current.etag) == (info.size, info.etag):
        return None
    with store.local_copy(raw_key) as path:
        with path.open("rb") as handle:
            sha256, size = file_sha256(handle)
        if (current and current.sha256 == sha256) or ledger.exclusions.get(batch.key) == sha256:
            return None
        known = ledger.rejections.get(raw_key)
        if known and known.sha256 == sha256:
            return known
        try:
            counts = _staged_counts(store, contract, batch, path, sha256, chunk_rows)
        except SourceFileError as error:
            return Rejection(
                raw_key,
                error.detail,
                contract.name,
                clock().isoformat(),
                sha256,
                error_type=type(error).__name__,
            )
    admitted_at = current.admitted_at if current else arrival.at.isoformat()
    return _entry(arrival, info, sha256, size, counts, clock, admitted_at)


def _staged_counts(
    store: Store, contract: TableContract, batch: Batch, path: Path, sha256: str, chunk_rows: int
) -> BatchCounts:
    """Stage a raw content once (reusing it when already staged); returns its counts."""
    counts_key = lake.staged_counts_key(contract.name, sha256)
    if store.info(counts_key) is not None:
        return BatchCounts(**json.loads(store.read_bytes(counts_key)))
    with tempfile.TemporaryDirectory(prefix="olist-stage-") as folder, path.open("rb") as stream:
        staged = stage_batch(stream, contract, batch, Path(folder), chunk_rows)
        store.put_file(lake.staged_rows_key(contract.name, sha256), staged.rows)
        store.put_file(lake.staged_quarantine_key(contract.name, sha256), staged.quarantine)
    store.write_bytes(counts_key, json.dumps(staged.counts.as_dict()).encode())
    return staged.counts


def _entry(
    arrival: Arrival,
    info: ObjectInfo,
    sha256: str,
    size: int,
    counts: BatchCounts,
    clock: Clock,
    admitted_at: str,
) -> BatchEntry:
    batch = arrival.batch
    return BatchEntry(
        key=batch.key,
        table=batch.table,
        date=batch.date,
        sha256=sha256,
        size=size,
        etag=info.etag,
        modified=info.modified.isoformat(),
        landed_at=clock().isoformat(),
        rows_read=counts.read,
        rows_blank=counts.blank,
        rows_clean=counts.clean,
        rows_quarantined=counts.quarantined,
        rows_duplicate=counts.duplicate,
        source_key=arrival.key,
        admitted_at=admitted_at,
    )


def _keys_reader(store: Store, contract: TableContract) -> Callable[[BatchEntry], np.ndarray]:
    """Key fingerprints of a batch's staged rows, read from the `_key` column only."""

    filesystem, root = store.arrow_filesystem()

    def keys_of(entry: BatchEntry) -> np.ndarray:
        key = lake.staged_rows_key(contract.name, entry.sha256)
        with filesystem.open_input_file(f"{root}/{key}") as stream:
            table = pq.ParquetFile(stream).read(columns=[KEY_COLUMN])
        return from_arrow(table.column(KEY_COLUMN))

    return keys_of
