"""Raw file -> staged batch: every record read, typed, deduplicated within the file, or quarantined.

A staged batch is the whole, immutable result of reading one version (sha256) of one raw file: its
clean rows with their key fingerprints, its quarantined records with the reason, and the counts that
reconcile them (rows read = clean + quarantined + duplicates). Publishing it into a table is the
table port's job (`olist_assets.core.tables`); staging never changes a table.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

import pyarrow as pa
import pyarrow.parquet as pq

from olist_assets.core.batches import Batch
from olist_assets.core.contracts import TableContract
from olist_assets.core.dedup import Deduplicator
from olist_assets.core.fingerprints import ARROW_FINGERPRINT, fingerprints, to_arrow
from olist_assets.core.hashing import HashingReader
from olist_assets.core.parsing import DEFAULT_CHUNK_ROWS, Reject, read_chunks

KEY_COLUMN = "_key"

QUARANTINE_SCHEMA = pa.schema(
    [
        pa.field("source_file", pa.string(), nullable=False),
        pa.field("line", pa.int64(), nullable=False),
        pa.field("column_name", pa.string()),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("raw_record", pa.string(), nullable=False),
    ]
)


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
    key fingerprint `_key`) and `quarantine` (QUARANTINE_SCHEMA)."""

    batch: Batch
    sha256: str
    size: int
    counts: BatchCounts
    rows: Path
    quarantine: Path


def staged_schema(contract: TableContract) -> pa.Schema:
    """The staged rows' schema: the contract's columns, then the 16-byte key fingerprint."""
    return contract.arrow_schema.append(pa.field(KEY_COLUMN, ARROW_FINGERPRINT, nullable=False))


def stage_batch(
    stream: IO[bytes],
    contract: TableContract,
    batch: Batch,
    folder: Path,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> StagedBatch:
    """Read one raw file into `folder`/rows.parquet and quarantine.parquet, hashing its bytes.

    Raises SourceFileError (naming the file) when the file cannot be read as this table at all.
    """
    file_name = batch.raw_key
    rows_path, quarantine_path = folder / "rows.parquet", folder / "quarantine.parquet"
    hashed = HashingReader(stream)
    dedup = Deduplicator(contract)
    counts = {"read": 0, "clean": 0, "quarantined": 0, "duplicate": 0}
    with (
        pq.ParquetWriter(rows_path, staged_schema(contract)) as rows_out,
        pq.ParquetWriter(quarantine_path, QUARANTINE_SCHEMA) as quarantine_out,
    ):
        for chunk in read_chunks(hashed, contract, file_name, chunk_rows):
            rows, duplicates, conflicts = dedup.apply(chunk)
            rejects = sorted(chunk.rejects + conflicts, key=lambda reject: reject.line)
            if rows.num_rows:
                keys = to_arrow(fingerprints(rows, contract.key_columns))
                rows_out.write_table(rows.append_column(rows_out.schema.field(KEY_COLUMN), keys))
            if rejects:
                quarantine_out.write_table(quarantine_rows(file_name, rejects))
            counts["read"] += chunk.records
            counts["clean"] += rows.num_rows
            counts["quarantined"] += len(rejects)
            counts["duplicate"] += duplicates
    return StagedBatch(
        batch, hashed.hexdigest(), hashed.size, BatchCounts(**counts), rows_path, quarantine_path
    )


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
