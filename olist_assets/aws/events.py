"""S3 "object created" and "object removed" notifications, in both shapes S3 delivers them, as
plain records.

Direct S3 notifications URL-encode the key the way HTML forms do (`+` for a space, `%xx` escapes);
EventBridge "Object Created" and "Object Deleted" events percent-encode it (a `+` there is a
literal plus). A removal carries no ETag nor size: there is no content left to describe.

What identifies one upload is what S3 guarantees: the version id in a versioned bucket, else the
event's `sequencer`, a hexadecimal string that orders the events of one key (a greater value is a
later event, creations and removals alike; values differ in length, so they compare after
left-padding with zeros). The ETag is the content's hash, not the upload's identity: the same bytes
uploaded twice share it. A removal in a versioned bucket names a version too (the delete marker it
created, or the version it deleted for good), so its token is told apart from an upload's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, unquote_plus

SEQUENCER_WIDTH = 32  # S3 sequencers are 16-18 hex digits today; padded to compare and sort


class EventFormatError(ValueError):
    """An event that is no S3 notification nor EventBridge event of an object created or deleted."""


@dataclass(frozen=True)
class ObjectEvent:
    """One object created (or, with `removed`, deleted): where, which version, and its position
    in the key's history."""

    bucket: str
    key: str
    etag: str
    version_id: str | None
    sequencer: str | None
    size: int | None
    event_time: str | None
    removed: bool = False

    @property
    def ordering(self) -> str | None:
        """The sequencer left-padded to a fixed width, so string order is event order per key."""
        if not self.sequencer:
            return None
        return self.sequencer.upper().rjust(SEQUENCER_WIDTH, "0")

    @property
    def version_token(self) -> str:
        """What identifies this event: `v-<version id>` for an upload to a versioned bucket,
        `d-<version id>` for a removal there, else `s-<ordering>`."""
        if self.version_id:
            return f"{'d' if self.removed else 'v'}-{self.version_id}"
        if self.ordering:
            return f"s-{self.ordering}"
        raise EventFormatError(f"event for {self.key!r} has neither a version id nor a sequencer")


EVENTBRIDGE_TYPES = {"Object Created": False, "Object Deleted": True}  # detail-type -> removed
NOTIFICATION_TYPES = {
    "ObjectCreated:": False,
    "ObjectRemoved:": True,
}  # eventName prefix -> removed


def object_events(event: dict[str, Any]) -> list[ObjectEvent]:
    """Every object created or removed an invocation event names; raises EventFormatError for
    other events (a lifecycle expiry, a restore, another source)."""
    try:
        if "Records" in event:
            return [_checked(_from_notification(record)) for record in event["Records"]]
        if event.get("source") == "aws.s3" and event.get("detail-type") in EVENTBRIDGE_TYPES:
            return [_checked(_from_eventbridge(event))]
    except (KeyError, TypeError) as error:
        raise EventFormatError(f"malformed S3 event: missing or invalid {error}") from error
    raise EventFormatError(
        f"not an S3 object-created or object-deleted event (keys: {sorted(event)})"
    )


def _checked(created: ObjectEvent) -> ObjectEvent:
    """Refuse an event that carries nothing S3 guarantees to tell its upload apart."""
    created.version_token  # noqa: B018 - raises EventFormatError when it cannot be identified
    return created


def _from_notification(record: dict[str, Any]) -> ObjectEvent:
    name = str(record.get("eventName", ""))
    kind = next((prefix for prefix in NOTIFICATION_TYPES if name.startswith(prefix)), None)
    if kind is None:
        raise EventFormatError(f"not an object-created or object-removed record: {name!r}")
    s3 = record["s3"]
    obj = s3["object"]
    return ObjectEvent(
        bucket=s3["bucket"]["name"],
        key=unquote_plus(obj["key"]),
        etag=_bare_etag(obj.get("eTag", "")),
        version_id=obj.get("versionId") or None,
        sequencer=obj.get("sequencer") or None,
        size=obj.get("size"),
        event_time=record.get("eventTime"),
        removed=NOTIFICATION_TYPES[kind],
    )


def _from_eventbridge(event: dict[str, Any]) -> ObjectEvent:
    detail = event["detail"]
    obj = detail["object"]
    return ObjectEvent(
        bucket=detail["bucket"]["name"],
        key=unquote(obj["key"]),
        etag=_bare_etag(obj.get("etag", "")),
        version_id=obj.get("version-id") or None,
        sequencer=obj.get("sequencer") or None,
        size=obj.get("size"),
        event_time=event.get("time"),
        removed=EVENTBRIDGE_TYPES[event["detail-type"]],
    )


def _bare_etag(etag: str) -> str:
    """ETags without their quotes: events omit them, HeadObject and ListObjects include them."""
    return etag.strip('"')
