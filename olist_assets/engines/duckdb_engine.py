"""DuckDB adapter of the SQL engine port: the business SQL over the lake's Parquet, local or S3.

Schemas `clean` and `business` hold one view per lake table. A local lake is read by DuckDB's own
Parquet reader; an S3 lake through pyarrow datasets on the store's filesystem (DuckDB cannot
download its httpfs extension here). Each table is written to a temporary Parquet file and then
published as the single object `business/<table>/<table>.parquet` (an atomic put), after which any
other object under the table's prefix is removed.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from olist_assets.core import lake
from olist_assets.core.business.engine import BuildResult
from olist_assets.core.business.tables import (
    BUSINESS_SCHEMA,
    BUSINESS_TABLES,
    CLEAN_SCHEMA,
    sql_for,
)
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.reading import parquet_keys
from olist_assets.core.storage import Store


class MissingInputError(LookupError):
    """A business table's SQL reads a lake table that has not been built yet."""


def published_key(name: str) -> str:
    """The one Parquet object a DuckDB build publishes for a business table."""
    return f"{lake.business_prefix(name)}{name}.parquet"


class DuckDBEngine:
    """Runs the business SQL in an in-process DuckDB over the lake behind a store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._connection: duckdb.DuckDBPyConnection | None = None
        self._attached: set[tuple[str, str]] = set()

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        if self._connection is None:
            self._connection = duckdb.connect()
            for schema in (CLEAN_SCHEMA, BUSINESS_SCHEMA):
                self._connection.execute(f"CREATE SCHEMA {schema}")
            for table in CONTRACTS:
                self._attach(self._connection, lake.CLEAN, table)
            for name in BUSINESS_TABLES:
                self._attach(self._connection, lake.BUSINESS, name)
        return self._connection

    def build_table(self, name: str) -> BuildResult:
        """Run the table's SQL, write its Parquet and publish it under business/<name>/."""
        started = time.perf_counter()
        sql = sql_for(name)
        connection = self.connection
        self._require_inputs(name)
        key = published_key(name)
        with tempfile.TemporaryDirectory(prefix="olist-business-") as folder:
            path = Path(folder) / f"{name}.parquet"
            connection.execute(
                f"COPY ({sql}) TO {_literal(path.as_posix())} (FORMAT parquet, COMPRESSION zstd)"
            )
            rows = pq.ParquetFile(path).metadata.num_rows
            self.store.put_file(key, path)
        for info in self.store.list(lake.business_prefix(name)):
            if info.key != key:
                self.store.delete(info.key)
        self._attach(connection, lake.BUSINESS, name)
        return BuildResult(name, rows, self.store.uri(key), time.perf_counter() - started)

    def query(self, sql: str) -> pa.Table:
        return self.connection.sql(sql).to_arrow_table()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
            self._attached.clear()

    def _require_inputs(self, name: str) -> None:
        """(Re)attach the tables the SQL reads, as they are now (a connection lives for a whole
        run, in which their inputs may have been refreshed), and fail naming any missing."""
        table = BUSINESS_TABLES[name]
        wanted = [(lake.CLEAN, t) for t in table.reads]
        wanted += [(lake.BUSINESS, t) for t in table.depends_on]
        for zone, input_table in wanted:
            self._attach(self.connection, zone, input_table)
        missing = [f"{zone}.{t}" for zone, t in wanted if (zone, t) not in self._attached]
        if missing:
            raise MissingInputError(
                f"business.{name} reads {', '.join(missing)}, not found in {self.store.url}"
            )

    def _attach(self, connection: duckdb.DuckDBPyConnection, zone: str, table: str) -> None:
        """(Re)create the view `<zone>.<table>` over the table's Parquet objects, if it has any."""
        keys = parquet_keys(self.store, lake.table_prefix(zone, table))
        view = f'{zone}."{table}"'
        if not keys:
            connection.execute(f"DROP VIEW IF EXISTS {view}")
            self._attached.discard((zone, table))
            return
        filesystem, root = self.store.arrow_filesystem()
        paths = [f"{root}/{key}" for key in keys]
        if isinstance(filesystem, pafs.LocalFileSystem):
            source = f"read_parquet([{', '.join(_literal(p) for p in paths)}])"
        else:
            schema = CONTRACTS[table].arrow_schema if zone == lake.CLEAN else None
            dataset = pads.dataset(paths, schema=schema, filesystem=filesystem, format="parquet")
            source = f"{zone}__{table}__dataset"
            connection.register(source, dataset)
        connection.execute(f"CREATE OR REPLACE VIEW {view} AS SELECT * FROM {source}")
        self._attached.add((zone, table))


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
