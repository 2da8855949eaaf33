"""The table port over Apache Iceberg: clean tables with their ledger, quarantine tables beside them.

`IcebergTables` is what the core's `refresh_table` commits through (`core/tables.py`). Each clean
table commit is one snapshot carrying the new ledger; the table's quarantine table is then brought
to match that ledger (a second table cannot share the commit: pyiceberg has no multi-table
transactions), and every refresh starts by finishing that step if a crash interrupted it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq
from pyiceberg.exceptions import CommitFailedException, NoSuchTableError, TableAlreadyExistsError
from pyiceberg.io import FileIO, load_file_io
from pyiceberg.table import Table

from olist_assets.core import lake
from olist_assets.core.contracts import TableContract
from olist_assets.core.ledger import Ledger
from olist_assets.core.storage import Store
from olist_assets.core.tables import (
    BATCH_COLUMN,
    CLEAN,
    QUARANTINE,
    ConcurrentCommitError,
    MissingTableError,
    MovedTableError,
    TableChange,
    TableState,
    optimistic_commits,
)
from olist_assets.stores.iceberg.catalogs import CatalogConfig, open_catalog
from olist_assets.stores.iceberg.commits import NO_PYICEBERG_RETRIES, commit_files
from olist_assets.stores.iceberg.datafiles import iceberg_schema, month_spec, write_data_files
from olist_assets.stores.iceberg.ledgers import LEDGER_PROPERTY, read_ledger, write_ledger
from olist_assets.stores.iceberg.rewrite import plan_files, table_schema, without_batches

if TYPE_CHECKING:
    import boto3

QUARANTINE_CONTENT = "olist.quarantine-content"
QUARANTINE_TABLE_SCHEMA = pa.schema(
    [
        pa.field(BATCH_COLUMN, pa.string(), nullable=False),
        pa.field("source_file", pa.string(), nullable=False),
        pa.field("line", pa.int64(), nullable=False),
        pa.field("column_name", pa.string()),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("raw_record", pa.string(), nullable=False),
    ]
)
TABLE_PROPERTIES = {
    **NO_PYICEBERG_RETRIES,
    "format-version": "2",
    f"write.metadata.metrics.column.{BATCH_COLUMN}": "full",
    "write.parquet.compression-codec": "zstd",
    "write.metadata.delete-after-commit.enabled": "true",
    "write.metadata.previous-versions-max": "20",
}
QUARANTINE_RETRIES = 8


class IcebergTables:
    """The lake's Iceberg tables in one catalog; staged batches are read from the lake's store."""

    def __init__(self, config: CatalogConfig, store: Store) -> None:
        self.config = config
        self.store = store
        self._catalog = None

    @property
    def catalog(self):
        if self._catalog is None:
            self._catalog = open_catalog(self.config)
        return self._catalog

    def file_io(self, location: str) -> FileIO:
        """pyiceberg's file access for a lake location (local or S3), configured like the catalog."""
        return load_file_io(self.catalog.properties, location)

    def location(self, namespace: str, name: str) -> str:
        """Where a table's data/ and metadata/ live, whether or not it exists yet."""
        return self.config.location(namespace, name)

    def load(self, namespace: str, name: str) -> Table | None:
        """The table, or None when it has not been created yet. Raises MovedTableError when the
        catalog places it outside this lake (a copied or moved lake folder)."""
        try:
            table = self.catalog.load_table(self.config.identifier(namespace, name))
        except NoSuchTableError:
            return None
        expected = self.location(namespace, name)
        if table.location().rstrip("/") != expected:
            raise MovedTableError(
                f"{namespace}.{name} is catalogued at {table.location()}, outside this lake "
                f"({self.config.warehouse}): the lake folder was copied or moved, and Iceberg "
                "metadata keeps absolute paths. Move it back, or rebuild this copy from its raw/ "
                "files: delete catalog.db and the clean/, quarantine/, business/ and staging/ "
                "folders, then olist-lakehouse run"
            )
        return table

    def create(
        self,
        namespace: str,
        name: str,
        schema: pa.Schema,
        description: str = "",
        partition_month: str | None = None,
    ) -> Table:
        """Load the table, creating it (schema, location, properties, name mapping, partitioned by
        the month of `partition_month` when given) if missing."""
        identifier = self.config.identifier(namespace, name)
        table = self.load(namespace, name)
        if table is None:
            schema = iceberg_schema(schema)
            try:
                table = self.catalog.create_table(
                    identifier,
                    schema=schema,
                    location=self.config.location(namespace, name),
                    partition_spec=month_spec(schema, partition_month),
                    properties=TABLE_PROPERTIES
                    | ({"Description": description} if description else {}),
                )
            except TableAlreadyExistsError:
                table = self.catalog.load_table(identifier)
        if "schema.name-mapping.default" not in table.properties:
            mapping = table.schema().name_mapping.model_dump_json()
            try:
                with table.transaction() as transaction:
                    transaction.set_properties({"schema.name-mapping.default": mapping})
            except CommitFailedException:  # another creator set it first
                table = self.catalog.load_table(identifier)
        return table

    # The port (core/tables.py)

    def state(self, contract: TableContract) -> TableState:
        table = self.load(CLEAN, contract.name)
        if table is None:
            return TableState(None, Ledger(contract.name))
        snapshot = table.current_snapshot()
        return TableState(
            snapshot.snapshot_id if snapshot else None, read_ledger(table, contract.name)
        )

    def commit(self, contract: TableContract, base: TableState, change: TableChange) -> TableState:
        table = self.create(
            CLEAN,
            contract.name,
            table_schema(contract),
            contract.description,
            contract.partition_month,
        )
        current = table.current_snapshot()
        if (current.snapshot_id if current else None) != base.snapshot_id:
            raise ConcurrentCommitError(f"clean.{contract.name} changed since {base.snapshot_id}")
        files = plan_files(table, contract, base.snapshot_id, change, self._staged_rows(contract))
        ledger_path = write_ledger(table, change.ledger)
        try:
            commit_files(
                table,
                base.snapshot_id,
                files.removed,
                files.added,
                {LEDGER_PROPERTY: ledger_path},
                change.summary | files.summary() | {LEDGER_PROPERTY: ledger_path},
            )
        except ConcurrentCommitError:
            for path in [*files.added, ledger_path]:
                table.io.delete(path)
            raise
        snapshot = table.current_snapshot()
        self.reconcile_quarantine(contract)
        return TableState(snapshot.snapshot_id if snapshot else None, change.ledger)

    def converge(self, contract: TableContract) -> None:
        if self.load(CLEAN, contract.name) is not None:
            self.reconcile_quarantine(contract)

    def scan(
        self,
        namespace: str,
        table: str,
        columns: Sequence[str] | None = None,
        snapshot_id: int | None = None,
    ) -> pa.RecordBatchReader:
        loaded = self.load(namespace, table)
        if loaded is None:
            raise MissingTableError(f"{namespace}.{table} does not exist in {self.config.lake_url}")
        scan = loaded.scan(
            selected_fields=tuple(columns) if columns else ("*",), snapshot_id=snapshot_id
        )
        return scan.to_arrow_batch_reader()

    # The quarantine tables follow the clean tables' ledgers

    def reconcile_quarantine(self, contract: TableContract) -> None:
        """Make quarantine.<table> hold exactly the quarantined records of the clean ledger's batches."""
        for attempt in optimistic_commits(QUARANTINE_RETRIES):
            with attempt:
                self._reconcile_quarantine(contract)

    def _reconcile_quarantine(self, contract: TableContract) -> None:
        clean = self.load(CLEAN, contract.name)
        ledger = read_ledger(clean, contract.name) if clean else Ledger(contract.name)
        wanted = {
            entry.key: entry.sha256 for entry in ledger.batches.values() if entry.rows_quarantined
        }
        table = self.create(QUARANTINE, contract.name, QUARANTINE_TABLE_SCHEMA)
        snapshot = table.current_snapshot()
        held = json.loads(table.properties.get(QUARANTINE_CONTENT, "{}"))
        if held == wanted:
            return
        leaving = {batch for batch, sha in held.items() if wanted.get(batch) != sha}
        entering = {batch: sha for batch, sha in wanted.items() if held.get(batch) != sha}
        base = snapshot.snapshot_id if snapshot else None
        changes = without_batches(table, QUARANTINE_TABLE_SCHEMA, leaving)
        removed, added = changes.removed, changes.added
        for batch, sha in sorted(entering.items()):
            rows = self._quarantine_rows(contract, batch, sha)
            added += write_data_files(table, QUARANTINE_TABLE_SCHEMA, rows)
        try:
            commit_files(
                table,
                base,
                removed,
                added,
                {QUARANTINE_CONTENT: json.dumps(wanted, sort_keys=True)},
                {"olist.operation": "quarantine", "olist.batches": json.dumps(sorted(entering))},
            )
        except ConcurrentCommitError:
            for path in added:
                table.io.delete(path)
            raise

    def _quarantine_rows(
        self, contract: TableContract, batch: str, sha256: str
    ) -> Iterator[pa.RecordBatch]:
        """One batch's staged quarantine rows, naming the batch and its raw key."""
        raw_key = f"{lake.RAW}/{batch}"
        for rows in self._read_staged(lake.staged_quarantine_key(contract.name, sha256)):
            rows = rows.set_column(0, "source_file", pa.array([raw_key] * rows.num_rows))
            yield rows.add_column(0, BATCH_COLUMN, pa.array([batch] * rows.num_rows))

    def _staged_rows(self, contract: TableContract):
        return lambda sha: self._read_staged(lake.staged_rows_key(contract.name, sha))

    def _read_staged(self, key: str) -> Iterator[pa.RecordBatch]:
        filesystem, root = self.store.arrow_filesystem()
        with filesystem.open_input_file(f"{root}/{key}") as stream:
            yield from pq.ParquetFile(stream).iter_batches()


def open_tables(
    lake_url: str, environ: Mapping[str, str], session: boto3.Session | None = None
) -> IcebergTables:
    """A lake's tables from configuration: the store for its URL and the catalog the environment
    names (OLIST_CATALOG, OLIST_CATALOG_URI, Glue databases, AWS endpoint and region)."""
    from olist_assets import settings
    from olist_assets.stores.locations import open_store

    store = open_store(lake_url, session=session)
    return IcebergTables(settings.catalog_config(store.url, environ), store)
