"""The landing sensor: one run landing the files new or changed in landing and refreshing what
depends on them.

Which files are batches, and which are refused or ignored, is the landing's own plan
(`olist_assets.core.landing.plan_landing`), so the sensor, the raw assets and the landing Lambda agree.
Whether a file's content is landed already is the landing record's rule
(`olist_assets.core.landing_record`), the one the raw assets apply: a file `olist-lakehouse run`
landed is not landed again when `make dev` starts, whatever the sensor's cursor holds.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

import dagster as dg

from olist_assets.core.hashing import file_sha256
from olist_assets.core.landing import Survey, plan_landing
from olist_assets.core.landing_record import LandingRecord
from olist_assets.core.storage import ObjectInfo, OutsideStoreError, Store
from olist_assets.defs.jobs import TRIGGER, landing_refresh_job
from olist_assets.defs.raw import raw_key
from olist_assets.defs.resources import LakeResource, LandingResource

LANDING_INTERVAL_SECONDS = 5
SETTLE_SECONDS = 2


def settled(
    source: Store, infos: list[ObjectInfo], now: datetime, sleep: Callable[[float], None]
) -> list[ObjectInfo]:
    """The files not modified for SETTLE_SECONDS. Files modified more recently are waited for in
    this evaluation (once, at most SETTLE_SECONDS) and kept if they did not change meanwhile, so a
    finished drop is landed now rather than one sensor interval later; a file still being written
    is left for the next evaluation."""
    young = [info for info in infos if now - info.modified < timedelta(seconds=SETTLE_SECONDS)]
    if not young:
        return infos
    youngest = min(now - info.modified for info in young)
    sleep(max(0.0, SETTLE_SECONDS - youngest.total_seconds()))
    still = set()
    for info in young:
        current = source.info(info.key)
        if current is None or current.etag != info.etag:
            still.add(info.key)
    return [info for info in infos if info.key not in still]


def changed_files(
    source: Store,
    target: Store,
    seen: Mapping[str, list[str]],
    now: datetime,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[dict[str, list[str]], list[ObjectInfo]]:
    """The landing files whose content needs landing into the lake `target`, and the new cursor.

    `seen` maps each file to the [ETag, sha256] the sensor last saw. A file whose ETag did not move
    is skipped unread, so an idle landing folder costs one listing. A file that moved is landed
    unless it holds the content seen last, or the content the lake already holds (the landing
    record's rule, `core/landing_record.py`, which the landing itself applies): so files a
    command-line run landed are not landed again by a sensor with no cursor yet. Its content comes
    from the record when its size and ETag are those recorded, else from hashing it. Files still
    being written wait (see `settled`); deleted files leave the cursor.
    """
    fingerprints: dict[str, list[str]] = {}
    moved = []
    for info in source.list(""):
        known = seen.get(info.key)
        if known:
            fingerprints[info.key] = known
        if not known or known[0] != info.etag:
            moved.append(info)
    ready = settled(source, moved, now, sleep)
    if not ready:
        return fingerprints, []
    record = LandingRecord.load(target)
    changed = []
    for info in ready:
        version = record.known(info)
        sha256 = version.sha256 if version else _content_hash(source, info)
        known = seen.get(info.key)
        fingerprints[info.key] = [info.etag, sha256]
        if (known and known[1] == sha256) or record.handled(info.key, info.size, sha256):
            continue
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
    """One run landing every table with a new or changed batch and refreshing every asset
    downstream of them (a burst of drops is one run, each table committed once).

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
    tables = set(batches.values())
    if not files:
        return None
    landed = [raw_key(table) for table in sorted(tables)]
    graph = context.repository_def.asset_graph
    downstream = dg.AssetSelection.assets(*landed).downstream().resolve(graph)
    return dg.RunRequest(
        run_key=_run_key(files),
        asset_selection=sorted(downstream, key=lambda key: key.to_user_string()),
        tags={TRIGGER: "landing", "olist/files": ", ".join(i.key for i in files)},
    )


def _run_key(files: list[ObjectInfo]) -> str:
    """Unique per upload (ETag and time), so the same content landed again later runs again."""
    versions = sorted(f"{i.key}|{i.etag}|{i.modified.isoformat()}" for i in files)
    return f"landing:{hashlib.sha256(json.dumps(versions).encode()).hexdigest()[:24]}"


@dg.sensor(
    name="landing_sensor",
    description="For the files in the landing location whose content (sha256) the lake's raw zone "
    "does not hold yet, starts one landing_refresh run: raw/<table> for each, then every asset downstream of them, "
    "like the S3 trigger of the landing Lambda.",
    minimum_interval_seconds=LANDING_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    job=landing_refresh_job,
)
def landing_sensor(
    context: dg.SensorEvaluationContext, landing: LandingResource, lake: LakeResource
) -> dg.SensorResult:
    source = landing.store()
    seen = json.loads(context.cursor) if context.cursor else {}
    store = lake.store()
    fingerprints, changed = changed_files(source, store, seen, datetime.now(tz=UTC))
    plan = plan_landing(source, store) if changed else Survey((), (), ())
    request = landing_request(context, source, plan, changed)
    cursor = json.dumps(fingerprints, sort_keys=True, separators=(",", ":"))
    if request:
        return dg.SensorResult(run_requests=[request], cursor=cursor)
    return dg.SensorResult(skip_reason=f"no new files in {source.url}", cursor=cursor)
