"""The landing sensor: materialize the raw assets of the files that are new or changed in landing.

Which files are batches, and which are refused or ignored, is the landing's own plan
(`olist_assets.core.landing.plan_landing`), so the sensor, the raw assets and the landing Lambda agree.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import dagster as dg

from olist_assets.core.hashing import file_sha256
from olist_assets.core.landing import Survey, plan_landing
from olist_assets.core.storage import ObjectInfo, OutsideStoreError, Store
from olist_assets.defs.raw import raw_key
from olist_assets.defs.resources import LakeResource, LandingResource

LANDING_INTERVAL_SECONDS = 5
SETTLE_SECONDS = 2


def changed_files(
    source: Store, seen: Mapping[str, list[str]], now: datetime
) -> tuple[dict[str, list[str]], list[ObjectInfo]]:
    """The landing files whose content is new since `seen` (key -> [etag, sha256]), and the new map.

    A file is hashed only when its ETag moved, so an idle landing folder costs one listing. Files
    still being written (modified in the last SETTLE_SECONDS) wait for the next evaluation; deleted
    files leave the map, so putting one back lands it again.
    """
    fingerprints: dict[str, list[str]] = {}
    changed = []
    for info in source.list(""):
        known = seen.get(info.key)
        if known and known[0] == info.etag:
            fingerprints[info.key] = known
            continue
        if now - info.modified < timedelta(seconds=SETTLE_SECONDS):
            if known:
                fingerprints[info.key] = known
            continue
        fingerprints[info.key] = [info.etag, _content_hash(source, info)]
        if not known or known[1] != fingerprints[info.key][1]:
            changed.append(info)
    return fingerprints, changed


def _content_hash(source: Store, info: ObjectInfo) -> str:
    """The file's sha256; for a link out of the landing folder (refused when landed) its ETag."""
    try:
        with source.open_input(info.key) as stream:
            return file_sha256(stream)[0]
    except OutsideStoreError:
        return f"unreadable:{info.etag}"


def landing_request(
    context: dg.SensorEvaluationContext, source: Store, plan: Survey, changed: list[ObjectInfo]
) -> dg.RunRequest | None:
    """One run landing every table with a new or changed batch (a burst of drops is one run).

    The changed files the landing would refuse or ignore are logged with the reason instead (the
    refused ones are reported again by their table's raw asset on every run); None when no batch
    changed.
    """
    keys = {info.key for info in changed}
    for rejection in (r for r in plan.rejected if r.key in keys):
        context.log.warning(f"refusing {source.uri(rejection.key)}: {rejection.reason}")
    for ignored in (i for i in plan.ignored if i.key in keys):
        context.log.info(f"ignoring {source.uri(ignored.key)}: {ignored.reason}")
    batches = {a.key: a.batch.table for a in plan.admitted if a.key in keys}
    files = [info for info in changed if info.key in batches]
    for info in files:
        context.log.info(
            f"landing {source.uri(info.key)}: new or changed, {info.size:,} bytes -> "
            f"{batches[info.key]}"
        )
    if not files:
        return None
    return dg.RunRequest(
        run_key=_run_key(files),
        asset_selection=[raw_key(table) for table in sorted(set(batches.values()))],
        tags={"olist/trigger": "landing", "olist/files": ", ".join(i.key for i in files)},
    )


def _run_key(files: list[ObjectInfo]) -> str:
    """Unique per upload (ETag and time), so the same content landed again later runs again."""
    versions = sorted(f"{i.key}|{i.etag}|{i.modified.isoformat()}" for i in files)
    return f"landing:{hashlib.sha256(json.dumps(versions).encode()).hexdigest()[:24]}"


@dg.sensor(
    name="landing_sensor",
    description="Materializes raw/<table> for each file that is new or changed in the landing "
    "location (name + content hash), like the S3 trigger of the landing Lambda.",
    minimum_interval_seconds=LANDING_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    target=dg.AssetSelection.groups("raw"),
)
def landing_sensor(
    context: dg.SensorEvaluationContext, landing: LandingResource, lake: LakeResource
) -> dg.SensorResult:
    source = landing.store()
    seen = json.loads(context.cursor) if context.cursor else {}
    fingerprints, changed = changed_files(source, seen, datetime.now(tz=UTC))
    plan = plan_landing(source, lake.store()) if changed else Survey((), (), ())
    request = landing_request(context, source, plan, changed)
    cursor = json.dumps(fingerprints, sort_keys=True, separators=(",", ":"))
    if request:
        return dg.SensorResult(run_requests=[request], cursor=cursor)
    return dg.SensorResult(skip_reason=f"no new files in {source.url}", cursor=cursor)
