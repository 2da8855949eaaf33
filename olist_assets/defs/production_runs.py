"""Production runs in the same lineage: the landing and build Lambdas' run records as asset events."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import dagster as dg

from olist_assets.core import runs
from olist_assets.core.runs import LandingStatus
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
    run: runs.LandingRun, record_uri: str
) -> list[dg.AssetMaterialization | dg.AssetObservation]:
    """A cleaned file: raw/<table> and clean/<table> materializations; a removed batch: a
    clean/<table> materialization; any other outcome: an observation."""
    if not run.table:
        return []
    common = {
        "source_key": f"s3://{run.bucket}/{run.key}",
        "etag": run.etag or "",
        "version_id": run.version_id or "",
        "code_version": run.code_version,
        "started_at": run.started_at,
        "run_record": dg.MetadataValue.path(record_uri),
        "runtime": RUNTIME,
    }
    if run.status is LandingStatus.REMOVED:
        return [_removal_event(run, common)]
    if run.status is not LandingStatus.CLEANED:
        return [
            dg.AssetObservation(
                asset_key=clean_key(run.table),
                description=f"production landing: {run.status}",
                metadata={**common, "status": str(run.status), "reason": _reason(run)},
            )
        ]
    return [
        dg.AssetMaterialization(
            asset_key=raw_key(run.table),
            description=f"landed in production: {run.key}",
            metadata=common,
        ),
        dg.AssetMaterialization(
            asset_key=clean_key(run.table),
            description=f"cleaned in production from {run.key}",
            metadata={
                **common,
                "dagster/row_count": run.table_rows or 0,
                "rows_read": run.rows_read or 0,
                "rows_clean": run.rows_clean or 0,
                "rows_quarantined": run.rows_quarantined or 0,
                "rows_deduplicated": run.rows_duplicate or 0,
                "rows_superseded": run.rows_superseded or 0,
                "snapshot_id": str(run.snapshot_id or ""),
                "concurrent_commits_retried": run.commit_conflicts or 0,
                "duration_seconds": float(run.duration_s or 0.0),
                "outputs": dg.MetadataValue.json(list(run.outputs)),
            },
        ),
    ]


def _removal_event(run: runs.LandingRun, common: dict[str, Any]) -> dg.AssetMaterialization:
    """The clean table's new snapshot without the batch of a deleted raw object."""
    return dg.AssetMaterialization(
        asset_key=clean_key(run.table),
        description=f"batch removed in production: {run.key} was deleted",
        metadata={
            **common,
            "status": str(run.status),
            "dagster/row_count": run.table_rows or 0,
            "snapshot_id": str(run.snapshot_id or ""),
            "concurrent_commits_retried": run.commit_conflicts or 0,
            "outputs": dg.MetadataValue.json(list(run.outputs)),
        },
    )


def build_events(run: runs.BuildRun, record_uri: str) -> list[dg.AssetMaterialization]:
    """A business table built by the production refresh: a business/<table> materialization."""
    return [
        dg.AssetMaterialization(
            asset_key=business_key(run.table),
            description=(
                f"built in production by execution {run.execution or '(none)'}"
                if run.rebuilt
                else f"unchanged in production execution {run.execution or '(none)'}: already "
                "built from these input snapshots"
            ),
            metadata={
                "dagster/row_count": run.rows,
                "build_seconds": float(run.duration_seconds),
                "rebuilt": run.rebuilt,
                "location": dg.MetadataValue.path(run.location),
                "execution": run.execution or "",
                "snapshot_id": str(run.snapshot_id or ""),
                "input_snapshots": dg.MetadataValue.json(
                    {name: str(snapshot) for name, snapshot in run.inputs.items()}
                ),
                "code_version": run.code_version,
                "finished_at": run.finished_at,
                "run_record": dg.MetadataValue.path(record_uri),
                "runtime": RUNTIME,
            },
        )
    ]


def _events(
    key: str, document: dict, uri: str
) -> list[dg.AssetMaterialization | dg.AssetObservation]:
    """The asset events of one run record, by its kind (business build or landing)."""
    if key.startswith(f"{runs.BUSINESS}/"):
        return build_events(runs.BuildRun.from_json(document), uri)
    return record_events(runs.LandingRun.from_json(document), uri)


def _reason(run: runs.LandingRun) -> str:
    return run.reason or (str(run.first_status) if run.first_status else "")


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
            uri = store.uri(info.key)
            try:
                events.extend(_events(info.key, json.loads(store.read_bytes(info.key)), uri))
            except (ValueError, TypeError) as error:  # a record this version cannot read
                context.log.warning(f"{uri}: skipped, not a run record this version reads: {error}")
        encoded = json.dumps(cursor, sort_keys=True, separators=(",", ":"))
        if not events:
            return dg.SensorResult(skip_reason=f"no new run records in {store.url}", cursor=encoded)
        return dg.SensorResult(asset_events=events, cursor=encoded)

    return production_runs_sensor
