"""Data files of an Iceberg table: written by us as plain Parquet, described to Iceberg by pyiceberg.

Files are written without Iceberg field ids; each table carries a name mapping, so pyiceberg,
DuckDB and Athena read them by column name. Every file is new (copy-on-write): a change never
rewrites a file in place, it writes new files and the commit swaps them in.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator

import pyarrow as pa
import pyarrow.parquet as pq
from pyiceberg.io.pyarrow import parquet_file_to_data_file
from pyiceberg.manifest import DataFile
from pyiceberg.table import Table

ROWS_PER_FILE = 2_000_000
ROW_GROUP_ROWS = 256 * 1024
COMPRESSION = "zstd"


def new_data_path(location: str, prefix: str = "") -> str:
    """A fresh, unique data file path under a table location's data/ folder."""
    return f"{location}/data/{prefix}{uuid.uuid4().hex}.parquet"


def write_data_files(
    table: Table, schema: pa.Schema, batches: Iterable[pa.RecordBatch], prefix: str = ""
) -> list[str]:
    """Write the batches as one or more new Parquet files (at most ROWS_PER_FILE rows each).

    Returns their paths; no file is written for no rows. Memory is bounded by one record batch.
    """
    paths: list[str] = []
    writer, stream, rows = None, None, 0
    try:
        for batch in batches:
            if not batch.num_rows:
                continue
            if writer is None or rows >= ROWS_PER_FILE:
                _close(writer, stream)
                paths.append(new_data_path(table.location(), prefix))
                stream = table.io.new_output(paths[-1]).create(overwrite=True)
                writer = pq.ParquetWriter(stream, schema, compression=COMPRESSION)
                rows = 0
            writer.write_batch(batch.cast(schema), row_group_size=ROW_GROUP_ROWS)
            rows += batch.num_rows
    finally:
        _close(writer, stream)
    return paths


def _close(writer: pq.ParquetWriter | None, stream) -> None:
    if writer is not None:
        writer.close()
    if stream is not None:
        stream.close()


def describe(table: Table, paths: Iterable[str]) -> list[DataFile]:
    """Iceberg DataFile entries (stats from the Parquet footers) for files written for this table."""
    metadata = table.metadata
    return [parquet_file_to_data_file(table.io, metadata, path) for path in paths]


def current_files(table: Table, snapshot_id: int | None) -> list[DataFile]:
    """The data files of a snapshot (none for an empty table). Copy-on-write: no delete files."""
    if snapshot_id is None:
        return []
    return [task.file for task in table.scan(snapshot_id=snapshot_id).plan_files()]


def read_file(
    table: Table, path: str, columns: list[str] | None = None
) -> Iterator[pa.RecordBatch]:
    """The record batches of one data file, by column name."""
    with table.io.new_input(path).open() as stream:
        parquet = pq.ParquetFile(stream)
        yield from parquet.iter_batches(columns=columns)
