"""The landing sensor: materialize the raw assets of the files that are new or changed in landing."""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import dagster as dg

from olist_assets.core.contracts import UnknownFileError, contract_for_file
from olist_assets.core.hashing import file_sha256
from olist_assets.core.storage import ObjectInfo, Store
from olist_assets.defs.raw import raw_key
from olist_assets.defs.resources import LandingResource

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
        with source.open_input(info.key) as stream:
            sha256 = file_sha256(stream)[0]
        fingerprints[info.key] = [info.etag, sha256]
        if not known or known[1] != sha256:
            changed.append(info)
    return fingerprints, changed


def landing_request(
    context: dg.SensorEvaluationContext, source: Store, changed: list[ObjectInfo]
) -> dg.RunRequest | None:
    """One run landing every table with new files (a burst of drops is one run, not one per file).

    Unknown files are logged and left out; None when no known file changed.
    """
    tables, files = set(), []
    for info in changed:
        try:
            table = contract_for_file(posixpath.basename(info.key)).name
        except UnknownFileError as error:
            context.log.warning(f"ignoring {source.uri(info.key)}: {error}")
            continue
        context.log.info(f"{source.uri(info.key)}: new or changed, {info.size:,} bytes -> {table}")
        tables.add(table)
        files.append(info)
    if not files:
        return None
    return dg.RunRequest(
        run_key=_run_key(files),
        asset_selection=[raw_key(table) for table in sorted(tables)],
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
    context: dg.SensorEvaluationContext, landing: LandingResource
) -> dg.SensorResult:
    source = landing.store()
    seen = json.loads(context.cursor) if context.cursor else {}
    fingerprints, changed = changed_files(source, seen, datetime.now(tz=UTC))
    request = landing_request(context, source, changed)
    cursor = json.dumps(fingerprints, sort_keys=True, separators=(",", ":"))
    if request:
        return dg.SensorResult(run_requests=[request], cursor=cursor)
    return dg.SensorResult(skip_reason=f"no new files in {source.url}", cursor=cursor)
