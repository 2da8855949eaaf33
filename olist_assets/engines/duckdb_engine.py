"""DuckDB adapter of the SQL engine port: the business SQL over the lake's Iceberg tables.

Schemas `clean`, `business` and `quarantine` hold one view per table, over exactly the data files of
a pinned snapshot (pyiceberg plans the files, DuckDB reads them: no Iceberg extension to download).
A local lake is read by DuckDB's own Parquet reader; an S3 lake through pyarrow datasets on the
store's filesystem. A build writes the result to Parquet and commits it as one Iceberg snapshot
that records the snapshots it read (`stores/iceberg/business.py`).
"""

from __future__ import annotations

import re
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from olist_assets.core.business.engine import BuildResult
from olist_assets.core.business.tables import BUSINESS_TABLES, sql_for
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.tables import BUSINESS, CLEAN, QUARANTINE
from olist_assets.stores.iceberg.business import current_build, input_contents, publish_build
from olist_assets.stores.iceberg.datafiles import current_files, new_data_path
from olist_assets.stores.iceberg.tables import IcebergTables


class MissingInputError(LookupError):
    """A business table's SQL reads a lake table that has not been built yet."""


class DuckDBEngine:
    """Runs the business SQL in an in-process DuckDB over the lake's Iceberg tables.

    Snapshots are pinned when first read: every query of this engine sees the tables as they were
    then. A build re-pins its inputs at their current snapshots first, and a table it builds is
    re-pinned to the new build.
    """

    def __init__(self, tables: IcebergTables) -> None:
        self.tables = tables
        self.store = tables.store
        self.pinned: dict[str, int | None] = {}
        self._connection: duckdb.DuckDBPyConnection | None = None

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection, with a view for every table of the lake pinned."""
        for namespace, names in _TABLES.items():
            for name in names:
                self._ensure(namespace, name)
        return self._connection

    def _ensure(self, namespace: str, name: str) -> duckdb.DuckDBPyConnection:
        """The connection, with the view `<namespace>.<name>` pinned (once) if it was not yet."""
        if f"{namespace}.{name}" not in self.pinned:
            self._attach(namespace, name)
        return self._connection

    def build_table(self, name: str, rebuild: bool = False) -> BuildResult:
        """Run the table's SQL, write its Parquet and commit it as the table's new snapshot; a table
        already built from what its inputs hold now is left as it is (rebuilt=False) unless
        `rebuild` (after an engine upgrade, say)."""
        started = time.perf_counter()
        sql = sql_for(name)
        inputs = self._pin_inputs(name)
        contents = input_contents(self.tables, inputs)
        standing = None if rebuild else current_build(self.tables, name, inputs, contents)
        if standing is not None:
            self._attach(BUSINESS, name)
            return replace(standing, seconds=time.perf_counter() - started)
        connection = self._connection
        location = self.tables.location(BUSINESS, name)
        with tempfile.TemporaryDirectory(prefix="olist-business-") as folder:
            path = Path(folder) / f"{name}.parquet"
            connection.execute(
                f"COPY ({sql}) TO {_literal(path.as_posix())} (FORMAT parquet, COMPRESSION zstd)"
            )
            rows = pq.ParquetFile(path).metadata.num_rows
            target = new_data_path(location)
            with self.tables.file_io(target).new_output(target).create() as out:
                out.write(path.read_bytes())
        snapshot = publish_build(
            self.tables,
            name,
            [target],
            inputs,
            contents,
            {"olist.engine": "duckdb", "olist.rows": str(rows)},
        )
        self._attach(BUSINESS, name)
        seconds = time.perf_counter() - started
        return BuildResult(name, rows, location, seconds, snapshot, inputs)

    def query(self, sql: str) -> pa.Table:
        """Run a query; the tables it names (`clean.<t>`, `business.<t>`, `quarantine.<t>`) are
        pinned at their current snapshot the first time this engine reads them."""
        for namespace, name in referenced_tables(sql):
            self._ensure(namespace, name)
        return self._ensure(CLEAN, "orders").sql(sql).to_arrow_table()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
            self.pinned.clear()

    def _pin_inputs(self, name: str) -> dict[str, int | None]:
        """Re-pin the tables the SQL reads at their current snapshots (an engine may live for a
        whole run, in which its inputs were refreshed) and return them; MissingInputError names
        any that is absent."""
        table = BUSINESS_TABLES[name]
        wanted = [(CLEAN, t) for t in table.reads] + [(BUSINESS, t) for t in table.depends_on]
        for namespace, input_name in wanted:
            self._attach(namespace, input_name)
        qualified_names = [f"{namespace}.{t}" for namespace, t in wanted]
        missing = [qualified for qualified in qualified_names if self.pinned[qualified] is None]
        if missing:
            raise MissingInputError(
                f"business.{name} reads {', '.join(missing)}, not found in {self.store.url}"
            )
        return {qualified: self.pinned[qualified] for qualified in qualified_names}

    def _attach(self, namespace: str, name: str) -> None:
        """(Re)create the view `<namespace>.<name>` over the table's current snapshot's files."""
        if self._connection is None:
            self._connection = duckdb.connect()
            for schema in _TABLES:
                self._connection.execute(f"CREATE SCHEMA {schema}")
        connection = self._connection
        table = self.tables.load(namespace, name)
        snapshot = table.current_snapshot() if table else None
        view = f'{namespace}."{name}"'
        self.pinned[f"{namespace}.{name}"] = snapshot.snapshot_id if snapshot else None
        if table is None:
            connection.execute(f"DROP VIEW IF EXISTS {view}")
            return
        paths = [f.file_path for f in current_files(table, self.pinned[f"{namespace}.{name}"])]
        schema = table.schema().as_arrow()
        filesystem, _ = self.store.arrow_filesystem()
        source = f"{namespace}__{name}__files"
        if paths and isinstance(filesystem, pafs.LocalFileSystem):
            files = ", ".join(_literal(_local_path(p)) for p in paths)
            connection.execute(
                f"CREATE OR REPLACE VIEW {view} AS SELECT * FROM read_parquet([{files}])"
            )
            return
        stripped = [p.removeprefix("s3://") for p in paths]
        dataset = pads.dataset(stripped, schema=schema, filesystem=filesystem, format="parquet")
        connection.register(source, dataset)
        connection.execute(f"CREATE OR REPLACE VIEW {view} AS SELECT * FROM {source}")


TABLE_NAME = re.compile(r'(?<![\w."])(clean|business|quarantine)\."?(\w+)"?')


def referenced_tables(sql: str) -> list[tuple[str, str]]:
    """The lake tables a query names, as (namespace, table), in order of first mention."""
    found = []
    for namespace, name in TABLE_NAME.findall(sql):
        if name in _TABLES[namespace] and (namespace, name) not in found:
            found.append((namespace, name))
    return found


_TABLES = {
    CLEAN: list(CONTRACTS),
    QUARANTINE: list(CONTRACTS),
    BUSINESS: list(BUSINESS_TABLES),
}


def _local_path(uri: str) -> str:
    return uri.removeprefix("file://")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
