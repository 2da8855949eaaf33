"""Run records: one JSON document per landed object version, business build and failure, under runs/.

A landing record is keyed by the raw key and the object's version (or ETag), so a second delivery
of the same S3 event finds it and does nothing. A business build record is new for every build.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from olist_assets.core import lake
from olist_assets.core.business.engine import BuildResult
from olist_assets.core.storage import Store

LANDING = f"{lake.RUNS}/landing"
BUSINESS = f"{lake.RUNS}/business"
FAILURES = f"{lake.RUNS}/failures"
CHECKS = f"{lake.RUNS}/checks"


def landing_record_key(raw_key: str, version_token: str) -> str:
    """Where the outcome of landing one version of one raw object is recorded (a `..` in the
    object's key is escaped, so a record never lands outside runs/landing/)."""
    path = "/".join("%2E%2E" if part == ".." else part for part in raw_key.split("/"))
    return f"{LANDING}/{path}/{version_token.replace('/', '_')}.json"


def business_record_key(table: str, at: datetime) -> str:
    """A new, unique key for one build of one business table, sorting in the order of the builds."""
    return f"{BUSINESS}/{table}/{at:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.json"


def record_business_build(
    store: Store,
    result: BuildResult,
    *,
    execution: str | None,
    code_version: str,
    finished_at: datetime,
) -> str:
    """Keep what one business table build produced (rows, location, duration); returns its key."""
    key = business_record_key(result.name, finished_at)
    record = {
        "table": result.name,
        "rows": result.rows,
        "location": result.location,
        "snapshot_id": result.snapshot_id,
        "inputs": result.inputs,
        "duration_seconds": round(result.seconds, 3),
        "execution": execution,
        "code_version": code_version,
        "finished_at": finished_at.isoformat(),
    }
    write_record(store, key, record)
    return key


def failure_record_key(source: str, at: datetime) -> str:
    """A new, unique key for one failure, by source (each role writes only its own) and day."""
    return f"{FAILURES}/{source}/{at:%Y-%m-%d}/{at:%H%M%S}-{uuid.uuid4().hex[:8]}.json"


def check_report_key(execution: str) -> str:
    return f"{CHECKS}/{execution}.json"


def write_record(store: Store, key: str, record: dict[str, Any]) -> None:
    store.write_bytes(key, json.dumps(record, indent=2, sort_keys=True, default=str).encode())


def read_record(store: Store, key: str) -> dict[str, Any] | None:
    if store.info(key) is None:
        return None
    return json.loads(store.read_bytes(key))
