"""Data files of an Iceberg table: written by us as plain Parquet, described to Iceberg by pyiceberg.

Files are written without Iceberg field ids; each table carries a name mapping, so pyiceberg,
DuckDB and Athena read them by column name. Every file is new (copy-on-write): a change never
rewrites a file in place, it writes new files and the commit swaps them in.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pyiceberg.catalog import Catalog
from pyiceberg.io.pyarrow import parquet_file_to_data_file
from pyiceberg.manifest import DataFile
from pyiceberg.partitioning import UNPARTITIONED_PARTITION_SPEC, PartitionField, PartitionSpec
from pyiceberg.schema import Schema, assign_fresh_schema_ids
from pyiceberg.table import Table
from pyiceberg.transforms import MonthTransform

ROWS_PER_FILE = 2_000_000
PARTITION_FIELD_ID = 1000
ROW_GROUP_ROWS = 256 * 1024
COMPRESSION = "zstd"


def new_data_path(location: str, prefix: str = "") -> str:
    """A fresh, unique data file path under a table location's data/ folder."""
    return f"{location}/data/{prefix}{uuid.uuid4().hex}.parquet"


def iceberg_schema(schema: pa.Schema) -> Schema:
    """The Iceberg schema of an Arrow schema, with fresh field ids (as a new table gets them)."""
    return assign_fresh_schema_ids(Catalog._convert_schema_if_needed(schema))


def month_spec(schema: Schema, column: str | None) -> PartitionSpec:
    """Partitioned by the month of a timestamp column, or unpartitioned for None."""
    if column is None:
        return UNPARTITIONED_PARTITION_SPEC
    source_id = schema.find_field(column).field_id
    month = PartitionField(source_id, PARTITION_FIELD_ID, MonthTransform(), f"{column}_month")
    return PartitionSpec(month)


def write_data_files(
    table: Table, schema: pa.Schema, batches: Iterable[pa.RecordBatch], prefix: str = ""
) -> list[str]:
    """Write the batches as new Parquet files: one file per partition (month) the rows fall in, and
    at most ROWS_PER_FILE rows a file. Returns their paths; no file is written for no rows. Memory
    is bounded by one record batch and each open file's row group."""
    files = _PartitionedFiles(table, schema, prefix)
    try:
        for batch in batches:
            if batch.num_rows:
                files.write(batch.cast(schema))
    finally:
        files.close()
    return files.paths


class _PartitionedFiles:
    """Open Parquet files by partition value (a month number, or None when unpartitioned)."""

    def __init__(self, table: Table, schema: pa.Schema, prefix: str) -> None:
        self.table, self.schema, self.prefix = table, schema, prefix
        fields = table.spec().fields
        self.column = table.schema().find_column_name(fields[0].source_id) if fields else None
        self.open: dict[int | None, tuple[pq.ParquetWriter, object, int]] = {}
        self.paths: list[str] = []

    def write(self, batch: pa.RecordBatch) -> None:
        if self.column is None:
            self._write(None, batch)
            return
        stamps = batch.column(self.column)
        months = pc.add(pc.multiply(pc.year(stamps), 12), pc.month(stamps)).to_numpy(
            zero_copy_only=False
        )
        for month in np.unique(months):
            self._write(int(month), batch.filter(pa.array(months == month)))

    def _write(self, key: int | None, batch: pa.RecordBatch) -> None:
        writer, stream, rows = self.open.get(key, (None, None, 0))
        if writer is None or rows >= ROWS_PER_FILE:
            _close(writer, stream)
            self.paths.append(new_data_path(self.table.location(), self.prefix))
            stream = self.table.io.new_output(self.paths[-1]).create(overwrite=True)
            writer = pq.ParquetWriter(stream, self.schema, compression=COMPRESSION)
            rows = 0
        writer.write_batch(batch, row_group_size=ROW_GROUP_ROWS)
        self.open[key] = (writer, stream, rows + batch.num_rows)

    def close(self) -> None:
        for writer, stream, _ in self.open.values():
            _close(writer, stream)
        self.open.clear()


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
