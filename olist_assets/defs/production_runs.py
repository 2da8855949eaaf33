"""Production runs in the same lineage: the landing and build Lambdas' run records as asset events."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import dagster as dg

from olist_assets.core import runs
from olist_assets.core.storage import ObjectInfo, Store
from olist_assets.defs.business import business_key
from olist_assets.defs.clean import clean_key
from olist_assets.defs.raw import raw_key
from olist_assets.defs.resources import LakeResource
from olist_assets.settings import PRODUCTION_RUNS

INTERVAL_SECONDS = 30
LOOKBACK = timedelta(minutes=15)
EPOCH = "1970-01-01T00:00:00+00:00"
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
MATERIALIZED = "cleaned"
REMOVED = "removed"  # a raw object deleted: its batch left the clean table (a new snapshot)
RECORDED = (runs.LANDING, runs.BUSINESS)
RUNTIME = "production (AWS Lambda)"


def production_runs_enabled(environ: Mapping[str, str]) -> bool:
    """Whether OLIST_PRODUCTION_RUNS asks for the sensor to be running from the start."""
    return environ.get(PRODUCTION_RUNS, "").strip().lower() in TRUE_WORDS


def new_records(store: Store, cursor: Mapping[str, Any]) -> tuple[dict[str, Any], list[ObjectInfo]]:
    """Landing and business build records not reported yet (oldest first), and the cursor once they are.

    Record keys are not ordered in time, so the cursor is not a last key: it is a watermark on the
    last-modified time plus the ETags of the records within LOOKBACK of it, so a record that becomes
    visible late, or is rewritten, is still reported exactly once.
    """
    watermark = datetime.fromisoformat(cursor.get("watermark", EPOCH))
    reported: dict[str, str] = dict(cursor.get("recent", {}))
    listed = [
        info for prefix in RECORDED for info in store.list(prefix) if info.key.endswith(".json")
    ]
    fresh = [
        info
        for info in listed
        if info.modified > watermark - LOOKBACK and reported.get(info.key) != info.etag
    ]
    fresh.sort(key=lambda info: (info.modified, info.key))
    latest = max([watermark, *(info.modified for info in fresh)])
    reported.update({info.key: info.etag for info in fresh})
    recent = {
        info.key: info.etag
        for info in listed
        if info.modified > latest - LOOKBACK and info.key in reported
    }
    return {"watermark": latest.isoformat(), "recent": recent}, fresh


def record_events(
    record: Mapping[str, Any], record_uri: str
) -> list[dg.AssetMaterialization | dg.AssetObservation]:
    """A cleaned file: raw/<table> and clean/<table> materializations; a removed batch: a
    clean/<table> materialization; any other outcome: an observation."""
    table = record.get("table")
    if not table:
        return []
    source = f"s3://{record.get('bucket')}/{record.get('key')}"
    common = {
        "source_key": source,
        "etag": record.get("etag") or "",
        "version_id": record.get("version_id") or "",
        "code_version": record.get("code_version") or "",
        "started_at": record.get("started_at") or "",
        "run_record": dg.MetadataValue.path(record_uri),
        "runtime": RUNTIME,
    }
    if record.get("status") == REMOVED:
        return [_removal_event(table, record, common)]
    if record.get("status") != MATERIALIZED:
        return [
            dg.AssetObservation(
                asset_key=clean_key(table),
                description=f"production landing: {record.get('status')}",
                metadata={**common, "status": record.get("status"), "reason": _reason(record)},
            )
        ]
    return [
        dg.AssetMaterialization(
            asset_key=raw_key(table),
            description=f"landed in production: {record.get('key')}",
            metadata=common,
        ),
        dg.AssetMaterialization(
            asset_key=clean_key(table),
            description=f"cleaned in production from {record.get('key')}",
            metadata={
                **common,
                "dagster/row_count": int(record.get("table_rows", 0)),
                "rows_read": int(record.get("rows_read", 0)),
                "rows_clean": int(record.get("rows_clean", 0)),
                "rows_quarantined": int(record.get("rows_quarantined", 0)),
                "rows_deduplicated": int(record.get("rows_duplicate", 0)),
                "rows_superseded": int(record.get("rows_superseded", 0)),
                "snapshot_id": str(record.get("snapshot_id") or ""),
                "concurrent_commits_retried": int(record.get("commit_conflicts", 0)),
                "duration_seconds": float(record.get("duration_s", 0.0)),
                "outputs": dg.MetadataValue.json(list(record.get("outputs", []))),
            },
        ),
    ]


def _removal_event(
    table: str, record: Mapping[str, Any], common: dict[str, Any]
) -> dg.AssetMaterialization:
    """The clean table's new snapshot without the batch of a deleted raw object."""
    return dg.AssetMaterialization(
        asset_key=clean_key(table),
        description=f"batch removed in production: {record.get('key')} was deleted",
        metadata={
            **common,
            "status": REMOVED,
            "dagster/row_count": int(record.get("table_rows", 0)),
            "snapshot_id": str(record.get("snapshot_id") or ""),
            "concurrent_commits_retried": int(record.get("commit_conflicts", 0)),
            "outputs": dg.MetadataValue.json(list(record.get("outputs", []))),
        },
    )


def build_events(record: Mapping[str, Any], record_uri: str) -> list[dg.AssetMaterialization]:
    """A business table built by the production refresh: a business/<table> materialization."""
    return [
        dg.AssetMaterialization(
            asset_key=business_key(record["table"]),
            description=f"built in production by execution {record.get('execution') or '(none)'}",
            metadata={
                "dagster/row_count": int(record["rows"]),
                "build_seconds": float(record.get("duration_seconds", 0.0)),
                "location": dg.MetadataValue.path(record["location"]),
                "execution": record.get("execution") or "",
                "snapshot_id": str(record.get("snapshot_id") or ""),
                "input_snapshots": dg.MetadataValue.json(
                    {name: str(snapshot) for name, snapshot in (record.get("inputs") or {}).items()}
                ),
                "code_version": record.get("code_version") or "",
                "finished_at": record.get("finished_at") or "",
                "run_record": dg.MetadataValue.path(record_uri),
                "runtime": RUNTIME,
            },
        )
    ]


def _reason(record: Mapping[str, Any]) -> str:
    return str(record.get("reason") or record.get("first_status") or "")


def build_production_runs_sensor(enabled: bool) -> dg.SensorDefinition:
    """The run-records sensor: running from the start when `enabled`, else off until switched on."""

    @dg.sensor(
        name="production_runs_sensor",
        description="Reports the run records the production landing and build_table Lambdas "
        f"write under {runs.LANDING}/ and {runs.BUSINESS}/ in the lake as materializations of "
        "the same raw, clean and business assets, without re-running anything. "
        f"Off unless {PRODUCTION_RUNS}=1 or switched on here.",
        minimum_interval_seconds=INTERVAL_SECONDS,
        default_status=dg.DefaultSensorStatus.RUNNING
        if enabled
        else dg.DefaultSensorStatus.STOPPED,
    )
    def production_runs_sensor(
        context: dg.SensorEvaluationContext, lake: LakeResource
    ) -> dg.SensorResult:
        store = lake.store()
        cursor, fresh = new_records(store, json.loads(context.cursor) if context.cursor else {})
        events = []
        for info in fresh:
            record = json.loads(store.read_bytes(info.key))
            uri = store.uri(info.key)
            context.log.info(f"{uri}: {record.get('status', 'built')} {record.get('table')}")
            is_build = info.key.startswith(f"{runs.BUSINESS}/")
            events.extend(build_events(record, uri) if is_build else record_events(record, uri))
        encoded = json.dumps(cursor, sort_keys=True, separators=(",", ":"))
        if not events:
            return dg.SensorResult(skip_reason=f"no new run records in {store.url}", cursor=encoded)
        return dg.SensorResult(asset_events=events, cursor=encoded)

    return production_runs_sensor
