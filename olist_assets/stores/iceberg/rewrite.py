"""Turn a planned table change into files: which data files leave, which new files enter.

A file whose `_batch` statistics show it holds none of the batches the change touches is kept as
is; a file of a batch that leaves is dropped whole; a file holding some rows that leave is rewritten
without them. Rows that enter are read from their staged batch and written as new files. So a monthly
drop rewrites only the files holding the keys it supersedes, never the whole table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyiceberg.conversions import from_bytes
from pyiceberg.manifest import DataFile
from pyiceberg.table import Table

from olist_assets.core.contracts import TableContract
from olist_assets.core.fingerprints import fingerprints, to_arrow
from olist_assets.core.staging import KEY_COLUMN
from olist_assets.core.tables import BATCH_COLUMN, Insert, TableChange
from olist_assets.stores.iceberg.datafiles import current_files, read_file, write_data_files

StagedRows = Callable[[str], Iterator[pa.RecordBatch]]
"""The staged rows (contract columns + `_key`) of one staged content, by its sha256."""


@dataclass
class FileChanges:
    """The files a change removes and adds, and what it cost in rows and bytes."""

    removed: list[DataFile] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    rows_removed: int = 0
    rows_added: int = 0
    bytes_rewritten: int = 0

    def summary(self) -> dict[str, str]:
        return {
            "olist.rows-removed": str(self.rows_removed),
            "olist.rows-added": str(self.rows_added),
            "olist.files-rewritten-bytes": str(self.bytes_rewritten),
        }


def table_schema(contract: TableContract) -> pa.Schema:
    """A clean table's Arrow schema: the contract's columns and the batch each row came from."""
    return contract.arrow_schema.append(pa.field(BATCH_COLUMN, pa.string(), nullable=False))


def plan_files(
    table: Table,
    contract: TableContract,
    base_snapshot: int | None,
    change: TableChange,
    staged_rows: StagedRows,
) -> FileChanges:
    """Write the new files a change needs and list the files it removes (nothing is committed)."""
    changes = FileChanges()
    touched = set(change.drop_batches) | {b for b, keys in change.drop_keys.items() if len(keys)}
    for data_file in current_files(table, base_snapshot):
        low, high = batch_bounds(table, data_file)
        if low is not None and low == high and low not in touched:
            continue
        if low is not None and low == high and low in change.drop_batches:
            changes.removed.append(data_file)
            changes.rows_removed += data_file.record_count
            continue
        if low is not None and high is not None and not any(low <= b <= high for b in touched):
            continue
        leaving = partial(_leaving, contract=contract, change=change)
        _rewrite(table, table_schema(contract), data_file, leaving, changes)
    inserts = _inserted_rows(change.inserts, staged_rows, changes)
    changes.added += write_data_files(table, table_schema(contract), inserts)
    return changes


def without_batches(table: Table, schema: pa.Schema, batches: set[str]) -> FileChanges:
    """The current files less every row of `batches` (files of other batches are kept as they are)."""
    changes = FileChanges()
    snapshot = table.current_snapshot()
    drop = pa.array(sorted(batches), pa.string())
    for data_file in current_files(table, snapshot.snapshot_id if snapshot else None):
        low, high = batch_bounds(table, data_file)
        if low is not None and low == high:
            if low in batches:
                changes.removed.append(data_file)
                changes.rows_removed += data_file.record_count
            continue
        if low is not None and high is not None and not any(low <= b <= high for b in batches):
            continue
        _rewrite(table, schema, data_file, partial(_of_batches, batches=drop), changes)
    return changes


def _rewrite(
    table: Table,
    schema: pa.Schema,
    data_file: DataFile,
    leaving: Callable[[pa.RecordBatch], np.ndarray],
    out: FileChanges,
) -> None:
    """Rewrite one file without the rows `leaving` marks; keep it when it loses none."""
    dropped = 0

    def kept() -> Iterator[pa.RecordBatch]:
        nonlocal dropped
        for batch in read_file(table, data_file.file_path):
            mask = leaving(batch)
            dropped += int(mask.sum())
            yield batch.filter(pa.array(~mask))

    written = write_data_files(table, schema, kept(), prefix="rewrite-")
    if not dropped:
        for path in written:
            table.io.delete(path)
        return
    out.removed.append(data_file)
    out.added += written
    out.rows_removed += dropped
    out.bytes_rewritten += sum(len(table.io.new_input(path)) for path in written)


def _of_batches(rows: pa.RecordBatch, batches: pa.Array) -> np.ndarray:
    """Which rows came from one of `batches`."""
    return _mask(pc.is_in(rows.column(BATCH_COLUMN), value_set=batches))


def _leaving(batch: pa.RecordBatch, contract: TableContract, change: TableChange) -> np.ndarray:
    """Which rows of a record batch leave: their batch leaves, or their key in it is superseded."""
    batches = batch.column(BATCH_COLUMN)
    leaving = _mask(pc.is_in(batches, value_set=pa.array(sorted(change.drop_batches), pa.string())))
    for name, keys in change.drop_keys.items():
        rows = np.flatnonzero(_mask(pc.equal(batches, name)))
        if not len(rows) or not len(keys):
            continue
        table = pa.Table.from_batches([batch]).take(pa.array(rows))
        found = fingerprints(table, contract.key_columns)
        leaving[rows[np.isin(found, keys)]] = True
    return leaving


def _inserted_rows(
    inserts: tuple[Insert, ...], staged_rows: StagedRows, out: FileChanges
) -> Iterator[pa.RecordBatch]:
    """The staged rows each insert keeps, without `_key` and with `_batch`."""
    for insert in inserts:
        keep = None if insert.keep is None else to_arrow(insert.keep)
        for batch in staged_rows(insert.sha256):
            if keep is not None:
                batch = batch.filter(pc.is_in(batch.column(KEY_COLUMN), value_set=keep))
            if not batch.num_rows:
                continue
            columns = batch.drop_columns([KEY_COLUMN])
            out.rows_added += batch.num_rows
            yield columns.append_column(BATCH_COLUMN, pa.array([insert.batch] * batch.num_rows))


def batch_bounds(table: Table, data_file: DataFile) -> tuple[str | None, str | None]:
    """The lowest and highest `_batch` in a data file, from its column statistics (None if absent)."""
    field_ = table.schema().find_field(BATCH_COLUMN)

    def bound(bounds: dict[int, bytes] | None) -> str | None:
        raw = (bounds or {}).get(field_.field_id)
        return None if raw is None else from_bytes(field_.field_type, raw)

    return bound(data_file.lower_bounds), bound(data_file.upper_bounds)


def _mask(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(array.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
