"""Which S3 event deliveries to land: drop re-deliveries and stale events, by what S3 guarantees.

S3 delivers each event at least once and in no particular order. What tells two deliveries apart:
- a versioned bucket: the version id. A delivery whose version already has a run record is a
  re-delivery; a version that is no longer the key's current one was replaced (its successor's
  event lands the key), so it is stale.
- an unversioned bucket: the event `sequencer`, which orders the events of one key. The run records
  of a key carry the sequencers landed so far; an equal one is a re-delivery, a smaller one is an
  event older than one already landed, so stale.
Never the ETag: it is the content's hash, so uploading A, then B, then A again gives the third
upload the first one's ETag, and it must land (the table ends as A).
A removal is screened for re-delivery only (and, unversioned, for a later event already handled):
what it does is decided against the key as it is when it is handled (`aws/landing.py`), so an
event overtaken by a re-upload does no harm.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlparse

from olist_assets.aws.events import ObjectEvent
from olist_assets.core import lake, runs
from olist_assets.core.contracts import UnknownFileError, contract_for_file
from olist_assets.stores.s3 import S3Store


class Delivery(StrEnum):
    NEW = "new"
    DUPLICATE = "duplicate"
    STALE = "stale"


@dataclass(frozen=True)
class Screening:
    """The verdict on one delivery; `first` is the run record a duplicate repeats."""

    delivery: Delivery
    reason: str = ""
    first: dict[str, Any] | None = None


def lake_key_of(store_url: str, event: ObjectEvent) -> str | None:
    """The event's key relative to the lake root, or None when the object is outside the lake."""
    location = urlparse(store_url)
    prefix = location.path.lstrip("/")
    if location.netloc != event.bucket or not event.key.startswith(prefix):
        return None
    return event.key[len(prefix) :]


def raw_key_of(store: S3Store, event: ObjectEvent) -> str | None:
    """The event's key relative to the lake root when it is under the lake's raw/ zone, else None."""
    key = lake_key_of(store.url, event)
    return key if key is not None and key.startswith(f"{lake.RAW}/") else None


def event_fields(
    raw_key: str | None, event: ObjectEvent, code_version: str, now: datetime
) -> dict[str, Any]:
    """The fields of a landing run record that name the delivery (the outcome fields aside)."""
    return {
        "raw_key": raw_key,
        "bucket": event.bucket,
        "key": event.key,
        "etag": event.etag,
        "version_id": event.version_id,
        "sequencer": event.sequencer,
        "event": event_kind(event),
        "code_version": code_version,
        "started_at": now.isoformat(),
    }


def screen_delivery(store: S3Store, raw_key: str, event: ObjectEvent) -> Screening:
    """NEW when the delivery must be landed, else why not (DUPLICATE or STALE, with the reason)."""
    if event.version_id:
        return _screen_version(store, raw_key, event)
    return _screen_sequence(store, raw_key, event)


def _screen_version(store: S3Store, raw_key: str, event: ObjectEvent) -> Screening:
    first = runs.read_record(store, runs.landing_record_key(raw_key, event.version_token))
    if first is not None:
        done = "removal already handled" if event.removed else "already landed"
        return Screening(Delivery.DUPLICATE, f"version {event.version_id} {done}", first)
    if event.removed:
        return Screening(Delivery.NEW)
    current = _current_version(store, event)
    if current is None:
        return Screening(Delivery.STALE, "the object was deleted after this event")
    if current != event.version_id:
        return Screening(Delivery.STALE, f"a newer version replaced it (now version {current})")
    return Screening(Delivery.NEW)


def _screen_sequence(store: S3Store, raw_key: str, event: ObjectEvent) -> Screening:
    landed = landed_sequencers(store, raw_key)
    latest = max(landed, default="")
    if event.ordering in landed:
        first = runs.read_record(store, runs.landing_record_key(raw_key, event.version_token))
        return Screening(Delivery.DUPLICATE, f"sequencer {event.sequencer} already landed", first)
    if latest > event.ordering:
        return Screening(
            Delivery.STALE, f"a later event (sequencer {latest.lstrip('0')}) was already handled"
        )
    return Screening(Delivery.NEW)


def landed_sequencers(store: S3Store, raw_key: str) -> set[str]:
    """The padded sequencers of the deliveries of `raw_key` that have a run record."""
    prefix = posixpath.dirname(runs.landing_record_key(raw_key, "s-0")) + "/"
    names = (info.key[len(prefix) :] for info in store.list(prefix))
    return {name[2:-5] for name in names if name.startswith("s-") and name.endswith(".json")}


def _current_version(store: S3Store, event: ObjectEvent) -> str | None:
    """The key's current version id, or None when the key no longer exists."""
    client = store.client
    try:
        head = client.head_object(Bucket=event.bucket, Key=event.key)
    except client.exceptions.ClientError as error:
        if error.response["Error"]["Code"] in {"404", "NoSuchKey", "NotFound"}:
            return None
        raise
    return head.get("VersionId")


def screened_record(
    store: S3Store,
    raw_key: str,
    event: ObjectEvent,
    screening: Screening,
    *,
    code_version: str,
    now: datetime,
) -> dict[str, Any]:
    """The run record of a delivery not landed: a duplicate repeats the first; a stale one is kept."""
    if screening.delivery is Delivery.DUPLICATE:
        first = screening.first or {}
        return {
            **first,
            "key": event.key,
            "status": runs.LandingStatus.DUPLICATE,
            "first_status": first.get("status"),
            "reason": screening.reason,
        }
    record_key = runs.landing_record_key(raw_key, event.version_token)
    record = event_fields(raw_key, event, code_version, now) | {
        "table": _table(raw_key),
        "status": runs.LandingStatus.SUPERSEDED,
        "reason": screening.reason,
    }
    runs.write_record(store, record_key, runs.LandingRun(**record).to_json())
    return {**record, "run_record": record_key}


def event_kind(event: ObjectEvent) -> str:
    """What a run record calls the event it records: "created" or "removed"."""
    return "removed" if event.removed else "created"


def _table(raw_key: str) -> str | None:
    try:
        return contract_for_file(posixpath.basename(raw_key)).name
    except UnknownFileError:
        return None
