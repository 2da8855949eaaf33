"""Land one object: guard against duplicates and stale events, clean it, catalog it, record it.

This is what the landing Lambda does per S3 record, with the very `refresh_table` the Dagster
clean asset runs. Permanent problems (a key outside raw/, an unknown file name, a file that
cannot be read as its table) become a rejected run record plus a failure record, and the lake is
left as it was; anything else raises so the runtime retries it.
"""

from __future__ import annotations

import logging
import posixpath
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

from olist_assets.aws import glue as catalog
from olist_assets.aws.events import ObjectCreated
from olist_assets.core import lake, runs
from olist_assets.core.cleaning import refresh_table
from olist_assets.core.contracts import TableContract, UnknownFileError, contract_for_file
from olist_assets.core.parsing import SourceFileError
from olist_assets.core.storage import Store

log = logging.getLogger("olist.landing")
LOGGED_FIELDS = (
    "status", "table", "key", "version_id", "etag", "rows_read", "rows_clean", "rows_quarantined",
    "rows_duplicate", "duration_s", "reason", "run_record",
)  # fmt: skip


class RejectedObject(ValueError):
    """An object the pipeline will never be able to clean as it is: recorded, not retried."""


@dataclass
class Landing:
    """What landing needs: the lake, the AWS clients it calls, and the deployment's settings."""

    store: Store
    glue: Any
    clean_database: str
    code_version: str
    clock: Callable[[], datetime] = lambda: datetime.now(tz=UTC)


def land_object(landing: Landing, event: ObjectCreated) -> dict[str, Any]:
    """Process one created object once; returns its run record (status and counts)."""
    started = time.perf_counter()
    store = landing.store
    raw_key = _lake_key(store.url, event.bucket, event.key)
    record_key = runs.landing_record_key(raw_key or event.key, event.version_token)
    previous = runs.read_record(store, record_key)
    if previous is not None:
        return _logged({**previous, "status": "duplicate", "first_status": previous["status"]})
    record: dict[str, Any] = {
        "raw_key": raw_key,
        "bucket": event.bucket,
        "key": event.key,
        "etag": event.etag,
        "version_id": event.version_id,
        "sequencer": event.sequencer,
        "code_version": landing.code_version,
        "started_at": landing.clock().isoformat(),
    }
    try:
        contract = _contract(raw_key, event.key)
        record["table"] = contract.name
        record |= _process(landing, contract, raw_key, event)
    except (RejectedObject, UnknownFileError, SourceFileError) as error:
        record |= {"status": "rejected", "reason": str(error), "error_type": type(error).__name__}
        record["failure_record"] = _record_failure(landing, record)
    record["duration_s"] = round(time.perf_counter() - started, 3)
    runs.write_record(store, record_key, record)
    return _logged({**record, "run_record": record_key})


def _logged(record: dict[str, Any]) -> dict[str, Any]:
    """Log the outcome as one JSON line (an error when the object was rejected)."""
    level = logging.ERROR if record["status"] == "rejected" else logging.INFO
    fields = {name: record[name] for name in LOGGED_FIELDS if record.get(name) is not None}
    log.log(level, f"landing {record['status']}: {record['key']}", extra={"fields": fields})
    return record


def _process(
    landing: Landing, contract: TableContract, raw_key: str, event: ObjectCreated
) -> dict[str, Any]:
    """Clean the object unless a newer upload replaced it since the event was sent."""
    stale = _stale_reason(landing.store, raw_key, event)
    if stale:
        return {"status": "superseded", "reason": stale}
    result = refresh_table(landing.store, contract, raw_keys=[raw_key])
    batch = result.manifest.batches[lake.batch_name(raw_key)]
    outputs = [lake.clean_key(contract.name, batch.batch)]
    if batch.rows_quarantined:
        outputs.append(lake.quarantine_key(contract.name, batch.batch))
    location = landing.store.uri(lake.table_prefix(lake.CLEAN, contract.name))
    outcome = {
        "status": "cleaned" if result.changed else "unchanged",
        "rows_read": batch.rows_read,
        "rows_clean": batch.rows_clean,
        "rows_quarantined": batch.rows_quarantined,
        "rows_duplicate": batch.rows_duplicate,
        "table_rows": result.manifest.rows,
        "outputs": outputs,
        "catalog": catalog.ensure_clean_table(
            landing.glue, landing.clean_database, contract, location
        ),
    }
    return outcome


def _stale_reason(store: Store, raw_key: str, event: ObjectCreated) -> str | None:
    """Why the event no longer describes the object at its key (S3 delivers out of order)."""
    current = store.info(raw_key)
    if current is None:
        return "the object was deleted after this event"
    if current.etag.strip('"') != event.etag:
        return f"a newer upload replaced it (now ETag {current.etag})"
    return None


def _contract(raw_key: str | None, key: str) -> TableContract:
    """The table of a raw key: `raw/<file>` or `raw/<table>/<file>`, the folder agreeing."""
    if raw_key is None or not raw_key.startswith(f"{lake.RAW}/"):
        raise RejectedObject(f"{key!r} is not under the lake's {lake.RAW}/ prefix")
    folder, file_name = posixpath.split(raw_key.removeprefix(f"{lake.RAW}/"))
    contract = contract_for_file(file_name)
    if folder not in ("", contract.name):
        raise RejectedObject(
            f"{file_name!r} is a {contract.name} file but was put in {lake.RAW}/{folder}/ "
            f"(expected {lake.RAW}/ or {lake.raw_key(contract.name, '')})"
        )
    return contract


def _lake_key(store_url: str, bucket: str, key: str) -> str | None:
    """The key relative to the lake root, or None when the object is outside the lake."""
    parsed = urlparse(store_url)
    prefix = parsed.path.lstrip("/")
    if parsed.netloc != bucket or not key.startswith(prefix):
        return None
    return key[len(prefix) :]


def _record_failure(landing: Landing, record: dict[str, Any]) -> str:
    key = runs.failure_record_key("landing", landing.clock())
    runs.write_record(landing.store, key, {"source": "landing", **record})
    return key
