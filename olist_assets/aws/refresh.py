"""Business refresh requests and their debounce: many landed files, one state machine execution.

Each landing writes the latest request (a marker in runs/) and starts an execution named for the
debounce window it falls in, so files landing in the same window share one execution
(`ExecutionAlreadyExists` is a no-op). The execution waits until no request arrived for a whole
debounce period; an execution whose request was overtaken by a newer one ends, superseded.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

from olist_assets.core import lake
from olist_assets.core.business.tables import BUSINESS_TABLES, build_stages
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.storage import Store
from olist_assets.core.tables import Tables

REQUEST_MARKER = f"{lake.RUNS}/refresh/latest_request.json"


def execution_name(now: datetime, debounce_seconds: int) -> str:
    """The execution for the debounce window `now` falls in, e.g. refresh-20240101T120000Z."""
    width = max(debounce_seconds, 1)
    window = int(now.timestamp()) // width * width
    return "refresh-" + datetime.fromtimestamp(window, tz=UTC).strftime("%Y%m%dT%H%M%SZ")


def request_refresh(
    store: Store, sfn, state_machine_arn: str, raw_key: str, now: datetime, debounce_seconds: int
) -> dict[str, Any]:
    """Record the request, then start (or join) the execution of its debounce window."""
    name = execution_name(now, debounce_seconds)
    marker = {"execution": name, "requested_at": now.isoformat(), "raw_key": raw_key}
    store.write_bytes(REQUEST_MARKER, json.dumps(marker, sort_keys=True).encode())
    try:
        sfn.start_execution(
            stateMachineArn=state_machine_arn,
            name=name,
            input=json.dumps({"debounce_seconds": debounce_seconds}),
        )
        joined = False
    except sfn.exceptions.ExecutionAlreadyExists:
        joined = True
    return {"execution": name, "joined_existing": joined}


def required_clean_tables() -> list[str]:
    """The clean tables the business SQL reads."""
    return sorted({table for t in BUSINESS_TABLES.values() for table in t.reads})


def refresh_readiness(
    store: Store, tables: Tables, execution: str, now: datetime, debounce_seconds: int
) -> dict[str, Any]:
    """Where this execution stands: superseded, waiting for quiet, missing inputs, or ready."""
    marker = _read_marker(store)
    if marker and not marker.get("claimed_by"):
        if marker["execution"] != execution:
            return {"state": "superseded", "by": marker["execution"]}
        quiet_for = (now - datetime.fromisoformat(marker["requested_at"])).total_seconds()
        if quiet_for < debounce_seconds:
            return {"state": "waiting", "wait_seconds": math.ceil(debounce_seconds - quiet_for)}
    missing = [t for t in required_clean_tables() if not tables.state(CONTRACTS[t]).ledger.rows]
    if missing:
        return {"state": "missing", "missing": missing, "cause": f"no clean data yet for {missing}"}
    if marker and not marker.get("claimed_by"):
        marker["claimed_by"] = execution
        store.write_bytes(REQUEST_MARKER, json.dumps(marker, sort_keys=True).encode())
    return {"state": "ready", "stages": build_stages()}


def _read_marker(store: Store) -> dict[str, Any] | None:
    if store.info(REQUEST_MARKER) is None:
        return None
    return json.loads(store.read_bytes(REQUEST_MARKER))
