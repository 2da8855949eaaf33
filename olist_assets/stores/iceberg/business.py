"""Publish a business table build as one Iceberg snapshot that names the clean snapshots it read.

A table already built from the contents its inputs hold now, by the current SQL and documentation,
is not built again (`current_build`, the rule in `core/business/builds.py`).

Whichever engine computed the rows (DuckDB locally, an Athena CTAS in production), the files it
wrote replace the table's whole content in one commit: readers see the previous build or this one.
The schema follows the SQL (columns added or dropped evolve the table in the same commit), and the
table and column comments follow `sql/business/<name>.toml` (the Glue catalog shows them in Athena).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyarrow as pa
import pyarrow.parquet as pq
from pyiceberg.exceptions import CommitFailedException
from pyiceberg.schema import Schema
from pyiceberg.table import Table
from pyiceberg.table.snapshots import Snapshot

from olist_assets.core.business.builds import build_is_current, build_properties, content_of
from olist_assets.core.business.docs import table_doc
from olist_assets.core.business.engine import BuildResult
from olist_assets.core.business.tables import BUSINESS_TABLES, build_stages
from olist_assets.core.tables import BUSINESS, CLEAN, ConcurrentCommitError, optimistic_commits
from olist_assets.stores.iceberg.commits import commit_files
from olist_assets.stores.iceberg.datafiles import current_files
from olist_assets.stores.iceberg.tables import IcebergTables

PUBLISH_ATTEMPTS = 10


def current_build(
    tables: IcebergTables, name: str, inputs: dict[str, int | None], contents: Mapping[str, str]
) -> BuildResult | None:
    """business.<name> as it stands (rebuilt=False, 0 seconds) when there is nothing to build: its
    current snapshot was built from `contents` (what the `inputs` snapshots hold), by the current
    build version, and the table still shows that build's schema and documentation (a rollback
    leaves a later build's schema and comments on it); None when it must be built."""
    table = tables.load(BUSINESS, name)
    snapshot = table.current_snapshot() if table is not None else None
    summary = _summary(snapshot)
    if snapshot is None or not build_is_current(name, summary, contents):
        return None
    if not _shows_build(table, snapshot.schema_id, name):
        return None
    rows = int(summary.get("total-records", "0"))
    location = tables.location(BUSINESS, name)
    return BuildResult(name, rows, location, 0.0, snapshot.snapshot_id, inputs, rebuilt=False)


def stale_builds(tables: IcebergTables) -> list[str]:
    """The business tables the next build of the layer will build (in build order): those not
    built from what their inputs hold now by the current version (`current_build`), those whose
    input is missing, and everything built from a table that will be built."""
    stale: list[str] = []
    for name in [name for stage in build_stages() for name in stage]:
        table = BUSINESS_TABLES[name]
        if any(upstream in stale for upstream in table.depends_on):
            stale.append(name)
            continue
        wanted = [(CLEAN, t) for t in table.reads] + [(BUSINESS, t) for t in table.depends_on]
        loaded = {f"{namespace}.{t}": tables.load(namespace, t) for namespace, t in wanted}
        snapshots = {key: t.current_snapshot() for key, t in loaded.items() if t is not None}
        snapshots = {key: s for key, s in snapshots.items() if s is not None}
        inputs = {key: s.snapshot_id for key, s in snapshots.items()}
        contents = {key: content_of(s.snapshot_id, _summary(s)) for key, s in snapshots.items()}
        if len(inputs) < len(wanted) or current_build(tables, name, inputs, contents) is None:
            stale.append(name)
    return stale


def input_contents(tables: IcebergTables, inputs: Mapping[str, int | None]) -> dict[str, str]:
    """The content of each input snapshot (`core/business/builds.content_of`): `clean.<t>` or
    `business.<t>` -> the id of the snapshot that first held its rows."""
    contents = {}
    for qualified, snapshot_id in inputs.items():
        namespace, table_name = qualified.split(".", 1)
        table = tables.load(namespace, table_name)
        snapshot = table.snapshot_by_id(snapshot_id) if table and snapshot_id is not None else None
        contents[qualified] = content_of(snapshot_id, _summary(snapshot))
    return contents


def _summary(snapshot: Snapshot | None) -> dict[str, str]:
    """A snapshot's summary properties (none for no snapshot)."""
    return snapshot.summary.additional_properties if snapshot and snapshot.summary else {}


def _shows_build(table: Table, schema_id: int | None, name: str) -> bool:
    """Whether the table's current schema is the one its current snapshot was written with, and
    its description and column comments are the documented ones."""
    doc, schema = table_doc(name), table.schema()
    if schema_id is not None and schema_id != schema.schema_id:
        return False
    if table.properties.get("Description") != doc.description:
        return False
    return not _stale_docs(schema, set(schema.column_names), doc.columns)


def publish_build(
    tables: IcebergTables,
    name: str,
    paths: list[str],
    inputs: dict[str, int | None],
    contents: Mapping[str, str],
    summary: dict[str, str] | None = None,
) -> int:
    """Make the Parquet files at `paths` (under the table's location) the whole table; returns the
    new snapshot id. `inputs` maps `clean.<table>`/`business.<table>` to the snapshot ids read,
    `contents` to what they hold (`input_contents`)."""
    schema = _file_schema(tables, paths[0])
    doc = table_doc(name)
    table = tables.create(BUSINESS, name, schema, doc.description)
    properties = build_properties(name, inputs, contents)
    details = {"olist.operation": "build", **(summary or {}), **properties}
    if table.properties.get("Description") != doc.description:
        properties["Description"] = doc.description
    for attempt in optimistic_commits(PUBLISH_ATTEMPTS):
        with attempt:
            table.refresh()
            _evolve(table, schema, doc.columns)
            snapshot = table.current_snapshot()
            base = snapshot.snapshot_id if snapshot else None
            commit_files(table, base, current_files(table, base), paths, properties, details)
    return table.current_snapshot().snapshot_id


def iceberg_ready(tables: IcebergTables, prefix: str, schema: pa.Schema) -> list[str]:
    """The Parquet files under a lake prefix (an Athena CTAS's output) as Iceberg data file paths.

    Athena writes timestamps as INT96 (or milliseconds); Iceberg stores microseconds, so such a file
    is rewritten beside itself with microsecond timestamps. A CTAS of no rows writes no file: an
    empty file of `schema` stands in, so the build still replaces the table.
    """
    store = tables.store
    filesystem, root = store.arrow_filesystem()
    keys = [info.key for info in store.list(prefix) if info.size and not info.key.endswith("/")]
    if not keys:
        keys = [f"{prefix}empty.parquet"]
        pq.write_table(schema.empty_table(), f"{root}/{keys[0]}", filesystem=filesystem)
    ready = []
    for key in keys:
        file_schema = pq.read_schema(f"{root}/{key}", filesystem=filesystem)
        wanted = _microseconds(file_schema)
        if wanted != file_schema:
            rows = pq.read_table(f"{root}/{key}", filesystem=filesystem).cast(wanted)
            fixed = f"{key}-us.parquet"
            pq.write_table(rows, f"{root}/{fixed}", filesystem=filesystem, compression="zstd")
            store.delete(key)
            key = fixed
        ready.append(f"{tables.config.warehouse}/{key}")
    return ready


def _microseconds(schema: pa.Schema) -> pa.Schema:
    """The schema with every timestamp in microseconds (no time zone), as Iceberg stores them."""
    return pa.schema(
        [
            field.with_type(pa.timestamp("us")) if pa.types.is_timestamp(field.type) else field
            for field in schema
        ]
    )


def _file_schema(tables: IcebergTables, path: str) -> pa.Schema:
    """The Arrow schema of a built file, every column optional (engines do not promise non-null)."""
    with tables.file_io(path).new_input(path).open() as stream:
        schema = pq.read_schema(stream)
    return pa.schema([field.with_nullable(True) for field in schema]).remove_metadata()


def _evolve(table: Table, schema: pa.Schema, docs: Mapping[str, str]) -> None:
    """Bring the table's columns to the build's (add new ones, drop the SQL's removed ones) and
    their comments to the documented meanings. Raises ConcurrentCommitError when another writer
    changed the table first (two builds at once), so the publish reloads and tries again."""
    try:
        _update_schema(table, schema, docs)
    except CommitFailedException as error:
        raise ConcurrentCommitError(f"business.{table.name()[-1]}: {error}") from error


def _update_schema(table: Table, schema: pa.Schema, docs: Mapping[str, str]) -> None:
    current = table.schema()
    wanted = {field.name for field in schema}
    same_columns = [(f.name, f.type) for f in current.as_arrow()] == [
        (f.name, f.type) for f in schema
    ]
    stale_docs = _stale_docs(current, wanted, docs)
    if same_columns and not stale_docs:
        return
    with table.update_schema(allow_incompatible_changes=True) as update:
        if not same_columns:
            update.union_by_name(schema)
            for name in _gone(current.column_names, wanted):
                update.delete_column(name)
    if stale_docs:
        with table.update_schema() as update:
            for name, text in stale_docs.items():
                update.update_column(name, doc=text)


def _stale_docs(current: Schema, wanted: set[str], docs: Mapping[str, str]) -> dict[str, str]:
    """The documented meanings of the wanted columns that the schema lacks or words otherwise."""
    return {
        name: text
        for name, text in docs.items()
        if name in wanted
        and (name not in current.column_names or current.find_field(name).doc != text)
    }


def _gone(names: Iterable[str], wanted: set[str]) -> list[str]:
    return [name for name in names if name not in wanted]
