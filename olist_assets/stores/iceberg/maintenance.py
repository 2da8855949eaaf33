"""Table maintenance: compact small files, expire old snapshots, delete what nothing references.

pyiceberg 0.12 expires snapshots only in the metadata (it deletes no file) and has no compaction or
orphan-file removal, so this module does those with its metadata API: compaction is one overwrite
commit (same rows, fewer files), expiry removes snapshots older than the retention (never the
current one), and a file under a table's location, or a staged batch, that no remaining snapshot,
metadata file or ledger references is deleted once it is older than the retention (younger files
may belong to a commit in flight).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyarrow as pa
from pyiceberg.table import Table

from olist_assets.core import lake
from olist_assets.core.business.builds import BUILD_PROPERTIES, CONTENT_OF_PROPERTY, content_of
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.storage import ObjectInfo
from olist_assets.core.tables import (
    BUSINESS,
    CLEAN,
    NAMESPACES,
    QUARANTINE,
    ConcurrentCommitError,
    optimistic_commits,
)
from olist_assets.stores.iceberg.commits import commit_files
from olist_assets.stores.iceberg.datafiles import current_files, read_file, write_data_files
from olist_assets.stores.iceberg.ledgers import LEDGER_PROPERTY, read_ledger, snapshot_ledger_path
from olist_assets.stores.iceberg.tables import IcebergTables

SMALL_FILE_BYTES = 32 * 1024 * 1024
COMPACT_ATTEMPTS = 5


@dataclass(frozen=True)
class MaintenanceResult:
    """What maintenance did to one table: files merged, snapshots expired, files deleted, bytes."""

    table: str
    files_compacted: int
    files_written: int
    snapshots_expired: int
    files_deleted: int
    bytes_before: int
    bytes_after: int


def maintain_lake(
    tables: IcebergTables, retention: timedelta, now: datetime
) -> list[MaintenanceResult]:
    """Maintain every table of the lake, then delete staged batches no ledger names any more."""
    results = [
        maintain_table(tables, namespace, name, retention, now)
        for namespace, names in _all_tables().items()
        for name in names
        if tables.load(namespace, name) is not None
    ]
    delete_unreferenced_staging(tables, now - retention)
    return results


def maintain_table(
    tables: IcebergTables, namespace: str, name: str, retention: timedelta, now: datetime
) -> MaintenanceResult:
    """Compact, expire snapshots older than `now - retention`, delete orphan files."""
    prefix = f"{namespace}/{name}/"
    before = _bytes(tables.store.list(prefix))
    merged, written = compact(tables, namespace, name)
    expired = expire_snapshots(tables.load(namespace, name), now - retention)
    deleted = delete_orphan_files(tables, namespace, name, now - retention)
    after = _bytes(tables.store.list(prefix))
    return MaintenanceResult(
        f"{namespace}.{name}", merged, written, expired, deleted, before, after
    )


def compact(tables: IcebergTables, namespace: str, name: str) -> tuple[int, int]:
    """Merge the table's small data files, partition by partition, into as few files as the row
    limit allows, in one commit that changes no row; returns (files merged, files written)."""
    for attempt in optimistic_commits(COMPACT_ATTEMPTS):
        with attempt:
            table = tables.load(namespace, name)
            snapshot = table.current_snapshot()
            if _rolled_back_across_a_schema_change(table):
                return 0, 0
            base = snapshot.snapshot_id if snapshot else None
            small = _small_files_sharing_a_partition(current_files(table, base))
            if not small:
                return 0, 0
            schema = table.schema().as_arrow()
            written = write_data_files(table, schema, _rows(table, small), prefix="compact-")
            properties, summary = _carried(table)
            try:
                commit_files(table, base, small, written, properties, summary)
            except ConcurrentCommitError:
                for path in written:
                    table.io.delete(path)
                raise
    return len(small), len(written)


def _rolled_back_across_a_schema_change(table: Table) -> bool:
    """Whether the current snapshot was written with another schema than the table's current one
    (a business table rolled back past a column change): its files are left as they are, for the
    next build to replace, rather than rewritten into a schema they were not written with."""
    snapshot = table.current_snapshot()
    return bool(snapshot and snapshot.schema_id not in (None, table.schema().schema_id))


def _small_files_sharing_a_partition(files: list) -> list:
    """The small files of every partition that has more than one of them (merging a partition's
    only file would rewrite it for nothing)."""
    groups: dict[tuple, list] = {}
    for data_file in files:
        if data_file.file_size_in_bytes < SMALL_FILE_BYTES:
            key = (data_file.spec_id, tuple(data_file.partition or ()))
            groups.setdefault(key, []).append(data_file)
    return [f for group in groups.values() if len(group) > 1 for f in group]


def expire_snapshots(table: Table, cutoff: datetime) -> int:
    """Remove snapshots committed before `cutoff` from the metadata, never the current one."""
    current = table.current_snapshot()
    old = [
        s.snapshot_id
        for s in table.snapshots()
        if s.timestamp_ms < cutoff.timestamp() * 1000
        and (current is None or s.snapshot_id != current.snapshot_id)
    ]
    if old:
        table.maintenance.expire_snapshots().by_ids(old).commit()
    return len(old)


def delete_orphan_files(tables: IcebergTables, namespace: str, name: str, cutoff: datetime) -> int:
    """Delete files under the table's location that nothing references and that predate `cutoff`."""
    table = tables.load(namespace, name)
    referenced = _referenced_files(table)
    deleted = 0
    for info in tables.store.list(f"{namespace}/{name}/"):
        path = f"{tables.config.warehouse}/{info.key}"
        if path not in referenced and info.modified < cutoff:
            tables.store.delete(info.key)
            deleted += 1
    return deleted


def delete_unreferenced_staging(tables: IcebergTables, cutoff: datetime) -> int:
    """Delete staged batches that no ledger of any remaining clean snapshot names."""
    deleted = 0
    for contract in CONTRACTS.values():
        table = tables.load(CLEAN, contract.name)
        wanted = _staged_contents(table, contract.name) if table else set()
        for info in tables.store.list(f"{lake.STAGING}/{contract.name}/"):
            sha = info.key.split("/")[2]
            if sha not in wanted and info.modified < cutoff:
                tables.store.delete(info.key)
                deleted += 1
    return deleted


def _referenced_files(table: Table) -> set[str]:
    """Every file a remaining snapshot or the current metadata needs: metadata, manifest lists,
    manifests, data files, and the ledgers named by the table and its snapshots."""
    files = {table.metadata_location}
    files |= {entry.metadata_file for entry in table.metadata.metadata_log}
    if path := table.properties.get(LEDGER_PROPERTY):
        files.add(path)
    for snapshot in table.snapshots():
        files.add(snapshot.manifest_list)
        if path := snapshot_ledger_path(snapshot):
            files.add(path)
        for manifest in snapshot.manifests(table.io):
            files.add(manifest.manifest_path)
            files |= {e.data_file.file_path for e in manifest.fetch_manifest_entry(table.io)}
    return files


def _staged_contents(table: Table, name: str) -> set[str]:
    """The contents (sha256) any ledger of the table still names: batches and exclusions."""
    paths = {snapshot_ledger_path(s) for s in table.snapshots()} | {
        table.properties.get(LEDGER_PROPERTY)
    }
    contents = set()
    for path in filter(None, paths):
        ledger = read_ledger(table, name, path)
        contents |= {entry.sha256 for entry in ledger.batches.values()}
        contents |= set(ledger.exclusions.values())
    return contents


def _carried(table: Table) -> tuple[dict[str, str], dict[str, str]]:
    """A compaction changes no row, and says so: its snapshot names the content it holds (the
    snapshot that first held these rows, so nothing built from them is built again) and keeps what
    the current snapshot records: a clean table's ledger, a business table's build."""
    current = table.current_snapshot()
    recorded = current.summary.additional_properties if current.summary else {}
    summary = {
        "olist.operation": "compact",
        CONTENT_OF_PROPERTY: content_of(current.snapshot_id, recorded),
    }
    if path := table.properties.get(LEDGER_PROPERTY):
        summary[LEDGER_PROPERTY] = path
    summary |= {key: recorded[key] for key in BUILD_PROPERTIES if key in recorded}
    return {}, summary


def _rows(table: Table, files) -> Iterator[pa.RecordBatch]:
    for data_file in files:
        yield from read_file(table, data_file.file_path)


def _bytes(listed: list[ObjectInfo]) -> int:
    return sum(info.size for info in listed)


def _all_tables() -> dict[str, list[str]]:
    from olist_assets.core.business.tables import BUSINESS_TABLES

    names = {CLEAN: list(CONTRACTS), QUARANTINE: list(CONTRACTS), BUSINESS: list(BUSINESS_TABLES)}
    return {namespace: names[namespace] for namespace in NAMESPACES}
