"""S3 "object created" notifications, in both shapes S3 delivers them, as plain records.

Direct S3 notifications URL-encode the key the way HTML forms do (`+` for a space, `%xx` escapes);
EventBridge "Object Created" events percent-encode it (a `+` there is a literal plus).

What identifies one upload is what S3 guarantees: the version id in a versioned bucket, else the
event's `sequencer`, a hexadecimal string that orders the events of one key (a greater value is a
later event; values differ in length, so they compare after left-padding with zeros). The ETag is
the content's hash, not the upload's identity: the same bytes uploaded twice share it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, unquote_plus

SEQUENCER_WIDTH = 32  # S3 sequencers are 16-18 hex digits today; padded to compare and sort


class EventFormatError(ValueError):
    """An event that is neither an S3 notification nor an EventBridge "Object Created" event."""


@dataclass(frozen=True)
class ObjectCreated:
    """One object that landed: where, which version, and its position in the key's history."""

    bucket: str
    key: str
    etag: str
    version_id: str | None
    sequencer: str | None
    size: int | None
    event_time: str | None

    @property
    def ordering(self) -> str | None:
        """The sequencer left-padded to a fixed width, so string order is event order per key."""
        if not self.sequencer:
            return None
        return self.sequencer.upper().rjust(SEQUENCER_WIDTH, "0")

    @property
    def version_token(self) -> str:
        """What identifies this upload: `v-<version id>` when versioned, else `s-<ordering>`."""
        if self.version_id:
            return f"v-{self.version_id}"
        if self.ordering:
            return f"s-{self.ordering}"
        raise EventFormatError(f"event for {self.key!r} has neither a version id nor a sequencer")


def object_events(event: dict[str, Any]) -> list[ObjectCreated]:
    """Every created object an invocation event names; raises EventFormatError for other events."""
    try:
        if "Records" in event:
            return [_checked(_from_notification(record)) for record in event["Records"]]
        if event.get("source") == "aws.s3" and event.get("detail-type") == "Object Created":
            return [_checked(_from_eventbridge(event))]
    except (KeyError, TypeError) as error:
        raise EventFormatError(f"malformed S3 event: missing or invalid {error}") from error
    raise EventFormatError(f"not an S3 object-created event (keys: {sorted(event)})")


def _checked(created: ObjectCreated) -> ObjectCreated:
    """Refuse an event that carries nothing S3 guarantees to tell its upload apart."""
    created.version_token  # noqa: B018 - raises EventFormatError when it cannot be identified
    return created


def _from_notification(record: dict[str, Any]) -> ObjectCreated:
    if not str(record.get("eventName", "")).startswith("ObjectCreated:"):
        raise EventFormatError(f"not an object-created record: {record.get('eventName')!r}")
    s3 = record["s3"]
    obj = s3["object"]
    return ObjectCreated(
        bucket=s3["bucket"]["name"],
        key=unquote_plus(obj["key"]),
        etag=_bare_etag(obj.get("eTag", "")),
        version_id=obj.get("versionId") or None,
        sequencer=obj.get("sequencer") or None,
        size=obj.get("size"),
        event_time=record.get("eventTime"),
    )


def _from_eventbridge(event: dict[str, Any]) -> ObjectCreated:
    detail = event["detail"]
    obj = detail["object"]
    return ObjectCreated(
        bucket=detail["bucket"]["name"],
        key=unquote(obj["key"]),
        etag=_bare_etag(obj.get("etag", "")),
        version_id=obj.get("version-id") or None,
        sequencer=obj.get("sequencer") or None,
        size=obj.get("size"),
        event_time=event.get("time"),
    )


def _bare_etag(etag: str) -> str:
    """ETags without their quotes: events omit them, HeadObject and ListObjects include them."""
    return etag.strip('"')
