"""Where a clean table's ledger lives: an immutable JSON file beside the table's metadata, named by
the table property `olist.ledger` and the snapshot summary of the commit that wrote it.

The file is written before the commit and never changed; the commit swaps the property, so a table
and its ledger change together, every snapshot names the whole ledger it was committed with (a
rollback restores it), and expiring snapshots loses nothing. Without pyiceberg's multi-table
transactions this is how the ledger stays inside the table's own atomic commit.
"""

from __future__ import annotations

import uuid

from pyiceberg.table import Table
from pyiceberg.table.snapshots import Snapshot

from olist_assets.core.ledger import Ledger

LEDGER_PROPERTY = "olist.ledger"
LEDGER_FILE_PREFIX = "olist-ledger-"


def write_ledger(table: Table, ledger: Ledger) -> str:
    """Write a new ledger file for the table; returns its path (for the property and summary)."""
    path = f"{table.location()}/metadata/{LEDGER_FILE_PREFIX}{uuid.uuid4().hex}.json"
    with table.io.new_output(path).create(overwrite=True) as stream:
        stream.write(ledger.to_json())
    return path


def read_ledger(table: Table, name: str, path: str | None = None) -> Ledger:
    """The ledger at `path`, or the table's current one (an empty ledger before the first commit)."""
    path = path or table.properties.get(LEDGER_PROPERTY)
    if not path:
        return Ledger(name)
    with table.io.new_input(path).open() as stream:
        return Ledger.from_json(stream.read())


def snapshot_ledger_path(snapshot: Snapshot) -> str | None:
    """The ledger a snapshot was committed with (None for snapshots not written by this project)."""
    return snapshot.summary.additional_properties.get(LEDGER_PROPERTY) if snapshot.summary else None
