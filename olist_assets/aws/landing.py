"""Land one object, or remove one: guard against duplicates, commit it to its table, record it.

This is what the landing Lambda does per S3 record, with the very `refresh_table` the Dagster
clean asset runs (one Iceberg commit; concurrent landings of one table retry, none is lost). Which
table an object belongs to is the rule every runtime shares (`olist_assets.core.batches`). Objects
that are not data (folder markers, hidden paths) are recorded as ignored. Permanent problems (a key
outside raw/, a name that is no table's file, a collision with another batch, a file that cannot be
read as its table) become a rejected run record plus a failure record, and the table keeps what it
held; anything else raises so the runtime retries it.

A removal event removes the object's batch from its table (the rows it superseded come back, in the
same commit) only if the key is absent when it is handled: content is the truth, so a delete
overtaken by a re-upload, or by an earlier version made current again, lands what the key holds
now instead. Each side checks the key again after its commit, so a delete and a re-upload racing
each other still end with the table holding what the key holds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from olist_assets.aws.deliveries import event_fields, lake_key_of
from olist_assets.aws.events import ObjectEvent
from olist_assets.core import lake, runs
from olist_assets.core.batches import Batch, Verdict, batch_for_raw_key, resolve_key
from olist_assets.core.cleaning import refresh_table
from olist_assets.core.contracts import CONTRACTS, TableContract
from olist_assets.core.parsing import SourceFileError
from olist_assets.core.runs import LandingStatus as Status
from olist_assets.core.storage import Store
from olist_assets.core.tables import Tables

log = logging.getLogger("olist.landing")
LOGGED_FIELDS = (
    "status", "table", "key", "version_id", "etag", "rows_read", "rows_clean", "rows_quarantined",
    "rows_duplicate", "rows_superseded", "snapshot_id", "commit_conflicts", "duration_s", "reason",
    "run_record",
)  # fmt: skip


class RejectedObject(ValueError):
    """An object the pipeline will never be able to clean as it is: recorded, not retried."""

    def __init__(self, reason: str, table: str | None = None, error_type: str = "") -> None:
        super().__init__(reason)
        self.table = table
        self.error_type = error_type or type(self).__name__


class IgnoredObject(ValueError):
    """An object that is not data (a folder marker, a hidden file): recorded as ignored, no failure."""


@dataclass
class Landing:
    """What landing needs: the lake, its tables and the deployment's code version."""

    store: Store
    tables: Tables
    code_version: str
    clock: Callable[[], datetime] = lambda: datetime.now(tz=UTC)


def land_object(landing: Landing, event: ObjectEvent) -> dict[str, Any]:
    """Process one created or removed object once; returns its run record (status and counts)."""
    started = time.perf_counter()
    store = landing.store
    raw_key = lake_key_of(store.url, event)
    record_key = runs.landing_record_key(raw_key or event.key, event.version_token)
    previous = runs.read_record(store, record_key)
    if previous is not None:
        return _logged({**previous, "status": Status.DUPLICATE, "first_status": previous["status"]})
    record = event_fields(raw_key, event, landing.code_version, landing.clock())
    try:
        batch = _batch(raw_key, event.key, event.removed)
        record["table"] = batch.table
        contract = CONTRACTS[batch.table]
        if event.removed:
            record |= _remove(landing, contract, raw_key, batch)
        else:
            record |= _process(landing, contract, raw_key)
    except IgnoredObject as note:
        record |= {"status": Status.IGNORED, "reason": str(note)}
    except (RejectedObject, SourceFileError) as error:
        record |= _rejected(error)
        record["failure_record"] = _record_failure(landing, record)
    record["duration_s"] = round(time.perf_counter() - started, 3)
    runs.write_record(store, record_key, runs.LandingRun(**record).to_json())
    return _logged({**record, "run_record": record_key})


def _rejected(error: RejectedObject | SourceFileError) -> dict[str, Any]:
    """The record fields of a rejection: the reason without the key (the record names it)."""
    fields = {"status": Status.REJECTED, "error_type": getattr(error, "error_type", "")}
    if isinstance(error, SourceFileError):
        return fields | {"reason": error.detail, "error_type": type(error).__name__}
    return fields | {"reason": str(error), "table": error.table}


def _logged(record: dict[str, Any]) -> dict[str, Any]:
    """Log the outcome as one JSON line (an error when the object was rejected)."""
    level = logging.ERROR if record["status"] == Status.REJECTED else logging.INFO
    fields = {name: record[name] for name in LOGGED_FIELDS if record.get(name) is not None}
    log.log(level, f"landing {record['status']}: {record['key']}", extra={"fields": fields})
    return record


def _process(landing: Landing, contract: TableContract, raw_key: str) -> dict[str, Any]:
    """Commit the object's current content to its table (content is the version: an event
    older than the object's last upload lands that upload, whose own event then finds it unchanged);
    an object deleted since the event is superseded, its removal being the deletion event's (and,
    when the deletion was handled while this content was being committed, this landing's)."""
    try:
        result = refresh_table(
            landing.store, landing.tables, contract, raw_keys=[raw_key], clock=landing.clock
        )
    except FileNotFoundError:
        return {"status": Status.SUPERSEDED, "reason": "the object was deleted after this event"}
    if result.changed and landing.store.info(raw_key) is None:
        removal = _forget(landing, contract, batch_for_raw_key(raw_key))
        return removal | {"reason": "the object was deleted while its content was committed"}
    rejection = next((r for r in result.rejected if r.key == raw_key), None)
    if rejection is not None:
        raise RejectedObject(rejection.reason, contract.name, rejection.error_type)
    entry = result.ledger.batches[batch_for_raw_key(raw_key).key]
    outcome = {
        "status": Status.CLEANED if result.changed else Status.UNCHANGED,
        "rows_read": entry.rows_read,
        "rows_blank": entry.rows_blank,
        "rows_clean": entry.rows_clean,
        "rows_quarantined": entry.rows_quarantined,
        "rows_duplicate": entry.rows_duplicate,
        "rows_superseded": entry.rows_superseded,
        "table_rows": result.ledger.rows,
        "snapshot_id": result.snapshot_id,
        "commit_conflicts": result.conflicts,
        "outputs": [f"{lake.CLEAN}.{contract.name}@{result.snapshot_id}"],
    }
    return outcome


EXISTS_AGAIN = "the object exists again: the batch holds its current content"


def _remove(
    landing: Landing, contract: TableContract, raw_key: str, batch: Batch
) -> dict[str, Any]:
    """Remove the batch of a deleted object from its table, if the key is still absent; a key that
    holds an object again (re-uploaded, or an earlier version made current) lands its content."""
    if landing.store.info(raw_key) is not None:
        return _process(landing, contract, raw_key) | {"reason": EXISTS_AGAIN}
    outcome = _forget(landing, contract, batch)
    if landing.store.info(raw_key) is not None:  # re-uploaded while the removal was committed
        return _process(landing, contract, raw_key) | {"reason": EXISTS_AGAIN}
    return outcome


def _forget(landing: Landing, contract: TableContract, batch: Batch) -> dict[str, Any]:
    """Remove a batch from its table in one commit (the rows it superseded come back); the outcome
    is "removed", or "unchanged" when the table did not hold it."""
    result = refresh_table(
        landing.store,
        landing.tables,
        contract,
        raw_keys=[],
        clock=landing.clock,
        forget_batches=[batch.key],
    )
    return {
        "status": Status.REMOVED if result.removed else Status.UNCHANGED,
        "table_rows": result.ledger.rows,
        "snapshot_id": result.snapshot_id,
        "commit_conflicts": result.conflicts,
        "outputs": [f"{lake.CLEAN}.{contract.name}@{result.snapshot_id}"],
    }


def _batch(raw_key: str | None, key: str, removed: bool = False) -> Batch:
    """The batch an object is, by the rule every runtime shares (`core.batches`): its key under raw/
    resolved (whether the table admits it, against the batches its ledger holds, is the refresh's
    to say). Raises IgnoredObject (folder markers, hidden paths, and a removed object that was no
    table's file: nothing to remove) or RejectedObject, with the reason."""
    if raw_key is None or not raw_key.startswith(f"{lake.RAW}/"):
        raise RejectedObject(f"{key!r} is not under the lake's {lake.RAW}/ prefix")
    relative = raw_key.removeprefix(f"{lake.RAW}/")
    resolution = resolve_key(relative)
    if resolution.verdict is Verdict.IGNORED:
        raise IgnoredObject(resolution.reason)
    if resolution.batch is None:
        if removed:
            raise IgnoredObject(f"{resolution.reason}; it was no table's batch")
        raise RejectedObject(resolution.reason, resolution.table)
    return resolution.batch


def _record_failure(landing: Landing, record: dict[str, Any]) -> str:
    key = runs.failure_record_key("landing", landing.clock())
    runs.write_record(landing.store, key, {"source": "landing", **record})
    return key
