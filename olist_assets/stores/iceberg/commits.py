"""One atomic Iceberg commit: data files out, data files in, table properties, exactly one snapshot.

Every commit makes a snapshot, even one that moves no file (a ledger-only change such as a
rejection): the snapshot is what makes the catalog refuse a writer whose view is stale, since the
commit requires the branch head it started from (a properties-only update carries no such check).

Tables are created with `commit.retry.num-retries = 0`: pyiceberg's own retry rebases a stale
append onto the new snapshot, which would be wrong here (which rows a batch contributes depends on
the batches already in the table), so a conflict surfaces as `ConcurrentCommitError` and the caller
recomputes its change from the new snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable

from pyiceberg.exceptions import CommitFailedException
from pyiceberg.exceptions import ValidationException as IcebergValidationException
from pyiceberg.manifest import DataFile
from pyiceberg.table import Table
from pyiceberg.table.update.snapshot import ManageSnapshots

from olist_assets.core.tables import ConcurrentCommitError

NO_PYICEBERG_RETRIES = {"commit.retry.num-retries": "0"}


def commit_files(
    table: Table,
    base_snapshot: int | None,
    removed: Iterable[DataFile],
    added_paths: Iterable[str],
    properties: dict[str, str],
    summary: dict[str, str],
) -> Table:
    """Swap `removed` for the files at `added_paths` and set `properties`, in one commit.

    Raises ConcurrentCommitError when the table's current snapshot is no longer `base_snapshot` or
    the catalog refuses the swap (the commit did not land).
    """
    from olist_assets.stores.iceberg.datafiles import describe

    removed, added_paths = list(removed), list(added_paths)
    current = table.current_snapshot()
    if (current.snapshot_id if current else None) != base_snapshot:
        raise ConcurrentCommitError(f"{_name(table)} changed since snapshot {base_snapshot}")
    try:
        with table.transaction() as transaction:
            if properties:
                transaction.set_properties(properties)
            update = transaction.update_snapshot(snapshot_properties=summary)
            producer = update.overwrite() if removed else update.fast_append()
            with producer as files:
                for data_file in removed:
                    files.delete_data_file(data_file)
                for data_file in describe(table, added_paths):
                    files.append_data_file(data_file)
    except (CommitFailedException, IcebergValidationException) as error:
        raise ConcurrentCommitError(f"{_name(table)}: {error}") from error
    return table


def _name(table: Table) -> str:
    return ".".join(table.name())


def commit_metadata(table: Table, current_snapshot: int, properties: dict[str, str]) -> Table:
    """Make `current_snapshot` the branch head and set `properties`, in one commit.

    The head change requires the head the table was loaded with, so a stale rollback is refused
    with ConcurrentCommitError.
    """
    try:
        with table.transaction() as transaction:
            with ManageSnapshots(transaction) as snapshots:
                snapshots.set_current_snapshot(snapshot_id=current_snapshot)
            if properties:
                transaction.set_properties(properties)
    except (CommitFailedException, IcebergValidationException) as error:
        raise ConcurrentCommitError(f"{_name(table)}: {error}") from error
    return table
