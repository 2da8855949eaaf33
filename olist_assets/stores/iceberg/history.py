"""Time travel for users: a table's snapshots, and making an earlier one current again."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.ledger import rolled_back
from olist_assets.core.tables import BUSINESS, CLEAN, MissingTableError
from olist_assets.stores.iceberg.commits import commit_metadata
from olist_assets.stores.iceberg.ledgers import (
    LEDGER_PROPERTY,
    read_ledger,
    snapshot_ledger_path,
    write_ledger,
)
from olist_assets.stores.iceberg.tables import IcebergTables

ROLLBACK_NAMESPACES = (CLEAN, BUSINESS)


@dataclass(frozen=True)
class SnapshotLine:
    """One snapshot as `olist-lakehouse history` shows it."""

    snapshot_id: int
    committed_at: datetime
    operation: str
    batches: str
    rows: int
    current: bool


class RollbackRefused(ValueError):
    """A rollback this table cannot take: not a clean or quarantine table, or no such snapshot."""


def snapshot_history(tables: IcebergTables, namespace: str, name: str) -> list[SnapshotLine]:
    """Every snapshot of a table, oldest first; raises MissingTableError for an unknown table."""
    table = tables.load(namespace, name)
    if table is None:
        raise MissingTableError(f"{namespace}.{name} does not exist in {tables.config.lake_url}")
    current = table.current_snapshot()
    lines = []
    for snapshot in sorted(table.snapshots(), key=lambda s: s.timestamp_ms):
        extra = snapshot.summary.additional_properties if snapshot.summary else {}
        lines.append(
            SnapshotLine(
                snapshot_id=snapshot.snapshot_id,
                committed_at=datetime.fromtimestamp(snapshot.timestamp_ms / 1000, tz=UTC),
                operation=extra.get("olist.operation") or str(snapshot.summary.operation.value),
                batches=_batches(extra),
                rows=int(extra.get("total-records", 0)),
                current=current is not None and snapshot.snapshot_id == current.snapshot_id,
            )
        )
    return lines


def rollback(tables: IcebergTables, namespace: str, name: str, snapshot_id: int) -> list[str]:
    """Make an earlier snapshot current. For a clean table, the batches it undoes are excluded in
    the ledger (the next run does not land them again) and the quarantine table follows; returns
    the batches undone. Raises ValueError for a namespace or snapshot that cannot be rolled back."""
    if namespace not in ROLLBACK_NAMESPACES:
        raise RollbackRefused(f"only {' and '.join(ROLLBACK_NAMESPACES)} tables can be rolled back")
    table = tables.load(namespace, name)
    if table is None:
        raise MissingTableError(f"{namespace}.{name} does not exist in {tables.config.lake_url}")
    target = table.snapshot_by_id(snapshot_id)
    if target is None:
        known = ", ".join(str(s.snapshot_id) for s in table.snapshots())
        raise RollbackRefused(f"{namespace}.{name} has no snapshot {snapshot_id} (it has: {known})")
    properties, undone = {}, []
    if namespace == CLEAN:
        ledger, undone = rolled_back(
            read_ledger(table, name), read_ledger(table, name, snapshot_ledger_path(target))
        )
        properties[LEDGER_PROPERTY] = write_ledger(table, ledger)
    commit_metadata(table, snapshot_id, properties)
    if namespace == CLEAN:
        tables.reconcile_quarantine(CONTRACTS[name])
    return undone


def _batches(extra: dict[str, str]) -> str:
    landed = json.loads(extra.get("olist.batches-landed", "[]"))
    removed = json.loads(extra.get("olist.batches-removed", "[]"))
    parts = [*landed, *(f"-{key}" for key in removed)]
    return ", ".join(parts)
