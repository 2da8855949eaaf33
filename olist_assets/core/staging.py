"""Raw file -> staged batch: every record read, typed, deduplicated within the file, or quarantined.

A staged batch is the whole, immutable result of reading one version (sha256) of one raw file: its
clean rows with their key fingerprints, its quarantined records with the reason, and the counts that
reconcile them (rows read = clean + quarantined + duplicates; blank lines counted apart). Publishing
it into a table is the table port's job; staging never changes a table.

Two passes, memory bounded by the reader's block and the duplicate judgement (dedup.py), not the
file:
1. the reader's typed blocks go to a temporary Arrow IPC file with their key fingerprint (`_key`)
   and physical line (`_line`), their fingerprints to the duplicate finder (on disk), their
   rejects to a second temporary file;
2. once the finder has judged every row with one sort, the temporary file is streamed into
   `rows.parquet` less the duplicates and key conflicts, and `quarantine.parquet` gets the rejects
   and the conflicts ("first seen on line N") merged in line order. Arrow IPC keeps the first
   pass at memory-copy speed: the rows are encoded as Parquet once, after their fate is known.
"""

from __future__ import annotations

import csv
import heapq
import io
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from olist_assets.core.batches import Batch
from olist_assets.core.contracts import TableContract
from olist_assets.core.dedup import CONFLICT, KEEP, DuplicateFinder, Verdicts
from olist_assets.core.fingerprints import ARROW_FINGERPRINT, key_and_row_fingerprints, to_arrow
from olist_assets.core.hashing import HashingReader
from olist_assets.core.parsing import BLOCK_BYTES, DEFAULT_CHUNK_ROWS, Chunk, Reject, read_chunks
from olist_assets.core.prefetch import prefetched

KEY_COLUMN = "_key"
LINE_COLUMN = "_line"
QUARANTINE_BATCH_ROWS = 65_536

QUARANTINE_SCHEMA = pa.schema(
    [
        pa.field("source_file", pa.string(), nullable=False),
        pa.field("line", pa.int64(), nullable=False),
        pa.field("column_name", pa.string()),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("raw_record", pa.string(), nullable=False),
    ]
)
_REJECT_SCHEMA = pa.schema([f for f in QUARANTINE_SCHEMA if f.name != "source_file"])


@dataclass(frozen=True)
class BatchCounts:
    """Where every record of one raw file went: read = clean + quarantined + duplicate.

    Blank lines are not records: counted apart, never quarantined.
    """

    read: int = 0
    blank: int = 0
    clean: int = 0
    quarantined: int = 0
    duplicate: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class StagedBatch:
    """One raw file version read into local Parquet files: `rows` (the contract's columns and the
    key fingerprint `_key`) and `quarantine` (QUARANTINE_SCHEMA). `seconds` times each step
    (read: reading, typing and fingerprinting; judge: the duplicate sort; write: the second pass)."""

    batch: Batch
    sha256: str
    size: int
    counts: BatchCounts
    rows: Path
    quarantine: Path
    seconds: dict[str, float] = field(default_factory=dict)


def staged_schema(contract: TableContract) -> pa.Schema:
    """The staged rows' schema: the contract's columns, then the 16-byte key fingerprint."""
    return contract.arrow_schema.append(pa.field(KEY_COLUMN, ARROW_FINGERPRINT, nullable=False))


def stage_batch(
    stream: IO[bytes],
    contract: TableContract,
    batch: Batch,
    folder: Path,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    block_bytes: int = BLOCK_BYTES,
    threads: bool = True,
) -> StagedBatch:
    """Read one raw file into `folder`/rows.parquet and quarantine.parquet, hashing its bytes.

    With `threads`, the file is read and typed in a background thread while this one fingerprints
    and writes (two cores). Raises SourceFileError (naming the file and line) when the file cannot be read as this table
    at all; the files written so far in `folder` are then incomplete and must be discarded.
    """
    started = time.perf_counter()
    hashed = HashingReader(stream)
    first_pass = _FirstPass(contract, folder)
    with first_pass:
        for chunk in read_chunks(hashed, contract, batch.raw_key, chunk_rows, block_bytes, threads):
            first_pass.add(chunk)
    read = time.perf_counter()
    pa.default_memory_pool().release_unused()
    verdicts = first_pass.finder.verdicts()
    judged = time.perf_counter()
    rows_path, quarantine_path = folder / "rows.parquet", folder / "quarantine.parquet"
    clean, conflicts = _write_rows(first_pass, verdicts, contract, rows_path)
    rejects = heapq.merge(
        _read_rejects(first_pass.rejects_path), conflicts, key=lambda reject: reject.line
    )
    quarantined = _write_quarantine(batch.key, rejects, quarantine_path)
    first_pass.remove()
    counts = BatchCounts(
        read=first_pass.records,
        blank=first_pass.blank,
        clean=clean,
        quarantined=quarantined,
        duplicate=verdicts.duplicates,
    )
    seconds = {
        "read": read - started,
        "judge": judged - read,
        "write": time.perf_counter() - judged,
    }
    return StagedBatch(
        batch, hashed.hexdigest(), hashed.size, counts, rows_path, quarantine_path, seconds
    )


class _FirstPass:
    """Typed rows with their key and line to a temporary IPC file; fingerprints to the finder."""

    def __init__(self, contract: TableContract, folder: Path) -> None:
        self.contract = contract
        self.keyed = bool(contract.primary_key)
        self.finder = DuplicateFinder(folder, self.keyed)
        self.rows_path = folder / "first-pass-rows.arrow"
        self.rejects_path = folder / "first-pass-rejects.arrow"
        self.schema = staged_schema(contract).append(pa.field(LINE_COLUMN, pa.int64(), False))
        self.records = self.blank = 0

    def __enter__(self) -> _FirstPass:
        self._sinks = [pa.OSFile(str(path), "wb") for path in (self.rows_path, self.rejects_path)]
        self._rows = pa.ipc.new_file(self._sinks[0], self.schema)
        self._rejects = pa.ipc.new_file(self._sinks[1], _REJECT_SCHEMA)
        return self

    def __exit__(self, *exc) -> None:
        for writer in (self._rows, self._rejects, *self._sinks):
            writer.close()

    def add(self, chunk: Chunk) -> None:
        self.records += chunk.records
        self.blank += chunk.blank
        if chunk.rows.num_rows:
            keys, rows = key_and_row_fingerprints(chunk.rows, self.contract.key_columns)
            self.finder.add(keys, rows if self.keyed else None)
            columns = [*chunk.rows.columns, to_arrow(keys), pa.array(chunk.lines, pa.int64())]
            self._rows.write_table(pa.Table.from_arrays(columns, schema=self.schema))
        if chunk.rejects:
            self._rejects.write_table(_reject_table(chunk.rejects))

    def remove(self) -> None:
        self.finder.remove()
        self.rows_path.unlink(missing_ok=True)
        self.rejects_path.unlink(missing_ok=True)


def _write_rows(
    first_pass: _FirstPass, verdicts: Verdicts, contract: TableContract, path: Path
) -> tuple[int, list[Reject]]:
    """Stream the first pass into the staged Parquet, less the rows the verdicts drop; the next
    batch is read and filtered in a background thread while this one is encoded."""
    schema, clean, conflicts = staged_schema(contract), 0, []
    with pa.ipc.open_file(pa.OSFile(str(first_pass.rows_path))) as source:
        sample = source.get_batch(0) if source.num_record_batches else None
        with pq.ParquetWriter(
            path,
            schema,
            use_dictionary=_dictionary_columns(schema, sample),
            compression={name: "NONE" if name == KEY_COLUMN else "SNAPPY" for name in schema.names},
            write_statistics=[name for name in schema.names if name != KEY_COLUMN],
        ) as out:
            for kept in prefetched(_kept_batches(source, verdicts, contract, conflicts)):
                out.write_table(pa.Table.from_batches([kept]).select(schema.names))
                clean += kept.num_rows
            if not clean:
                out.write_table(schema.empty_table())
    return clean, conflicts


def _kept_batches(
    source: pa.ipc.RecordBatchFileReader,
    verdicts: Verdicts,
    contract: TableContract,
    conflicts: list[Reject],
) -> Iterator[pa.RecordBatch]:
    """Each first-pass batch less its duplicates and conflicts; the conflicts, with the line of
    the row that first held their key, are appended to `conflicts` in line order."""
    holders = np.unique(verdicts.first_holders)
    holder_lines = np.zeros(len(holders), np.int64)
    offset = 0
    for index in range(source.num_record_batches):
        rows = source.get_batch(index)
        status = verdicts.status[offset : offset + rows.num_rows]
        lines = rows.column(LINE_COLUMN).to_numpy()
        inside = (holders >= offset) & (holders < offset + rows.num_rows)
        holder_lines[inside] = lines[holders[inside] - offset]
        for i in np.flatnonzero(status == CONFLICT):
            holder = verdicts.first_holders[np.searchsorted(verdicts.conflicts, offset + i)]
            first_line = int(holder_lines[np.searchsorted(holders, holder)])
            conflicts.append(_conflict(contract, rows, int(i), int(lines[i]), first_line))
        keep = status == KEEP
        yield rows if keep.all() else rows.filter(pa.array(keep))
        offset += rows.num_rows


def _dictionary_columns(schema: pa.Schema, first: pa.RecordBatch | None) -> list[str]:
    """Dictionary-encode the text columns that repeat (in the first block, at most one distinct
    value in two rows): for ids, numbers, timestamps and fingerprints, building a dictionary that
    Parquet then abandons costs up to a third of the write."""
    if first is None or not first.num_rows:
        return []
    return [
        field.name
        for field in schema
        if pa.types.is_string(field.type)
        and 2 * pc.count_distinct(first.column(field.name)).as_py() <= first.num_rows
    ]


def _conflict(contract, rows: pa.RecordBatch, i: int, line: int, first_line: int) -> Reject:
    """A key conflict as a quarantined record: its values as CSV text, the key and first line."""
    values = {name: rows.column(name)[i].as_py() for name in contract.column_names}
    key_label = ", ".join(contract.key_columns)
    key = ", ".join(str(values[name]) for name in contract.key_columns)
    reason = f"duplicate primary key ({key_label})=({key}), first seen on line {first_line}"
    return Reject(line, _as_csv(values.values()), reason, key_label)


def _as_csv(values: Iterable) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow("" if v is None else v for v in values)
    return buffer.getvalue()


def _reject_table(rejects: list[Reject]) -> pa.Table:
    return pa.Table.from_pydict(
        {
            "line": [r.line for r in rejects],
            "column_name": [r.column for r in rejects],
            "reason": [r.reason for r in rejects],
            "raw_record": [r.raw_record for r in rejects],
        },
        schema=_REJECT_SCHEMA,
    )


def _read_rejects(path: Path) -> Iterator[Reject]:
    with pa.ipc.open_file(pa.OSFile(str(path))) as source:
        for index in range(source.num_record_batches):
            for row in source.get_batch(index).to_pylist():
                yield Reject(row["line"], row["raw_record"], row["reason"], row["column_name"])


def _write_quarantine(file_name: str, rejects: Iterable[Reject], path: Path) -> int:
    """Write rejects (in line order) to the quarantine Parquet, a bounded batch at a time."""
    written, pending = 0, []
    with pq.ParquetWriter(path, QUARANTINE_SCHEMA) as out:
        for reject in rejects:
            pending.append(reject)
            if len(pending) == QUARANTINE_BATCH_ROWS:
                out.write_table(quarantine_rows(file_name, pending))
                written, pending = written + len(pending), []
        out.write_table(quarantine_rows(file_name, pending))
    return written + len(pending)


def quarantine_rows(file_name: str, rejects: list[Reject]) -> pa.Table:
    """Rejected records as quarantine rows: source file, physical line, column, reason, raw text."""
    return pa.Table.from_pydict(
        {
            "source_file": [file_name] * len(rejects),
            "line": [r.line for r in rejects],
            "column_name": [r.column for r in rejects],
            "reason": [r.reason for r in rejects],
            "raw_record": [r.raw_record for r in rejects],
        },
        schema=QUARANTINE_SCHEMA,
    )
