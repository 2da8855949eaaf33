"""The landing function's intake: SQS batches of S3 notifications, one outcome per delivery.

The lake bucket sends its object-created and object-removed events under raw/ to an SQS queue;
Lambda polls it and invokes the landing function with up to a batch of messages, each one S3
notification. A message whose landing raised (a transient failure: throttling, a conflict that
outlasted its retries, a timeout) is reported in `batchItemFailures`, so only it returns to the
queue, to be retried and, after the queue's maxReceiveCount, moved to the dead-letter queue. A file
that can never be landed as it is (not an Olist file, unreadable, the wrong header) is recorded as
rejected by the landing and its message is consumed: retrying could not change the outcome. S3's
test message, sent when the notification is configured, is consumed without a landing.

Per delivery, in order: screen it (re-deliveries and stale events are recorded, not landed), land
it (or, for a removal, remove its batch), ask for a business refresh (debounced: a burst gets one),
publish the batch's quarantine rate.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from olist_assets.aws import deliveries, metrics, refresh
from olist_assets.aws.events import EventFormatError, ObjectEvent, object_events
from olist_assets.aws.landing import Landing, land_object
from olist_assets.core.runs import LandingStatus

log = logging.getLogger("olist.landing")
# Landing statuses after which the table holds the delivery's content (or, for a removal, no longer
# holds the batch). "unchanged" asks for a refresh too: an earlier attempt may have changed the
# table and failed before asking.
LANDED = frozenset({LandingStatus.CLEANED, LandingStatus.UNCHANGED, LandingStatus.REMOVED})


@dataclass
class Intake:
    """What the intake needs beyond the landing itself: Step Functions and metric names."""

    landing: Landing
    sfn: Any
    state_machine_arn: str
    metrics_namespace: str
    function_name: str
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(tz=UTC))


@dataclass(frozen=True)
class QueuedMessage:
    """One SQS message of a batch: its id (what a batch item failure names) and its body."""

    message_id: str
    body: str


def queued_messages(event: dict[str, Any]) -> list[QueuedMessage] | None:
    """The SQS messages of a batch event, or None when the event did not come from SQS."""
    records = event.get("Records")
    if not records or records[0].get("eventSource") != "aws:sqs":
        return None
    return [QueuedMessage(record["messageId"], record["body"]) for record in records]


def handle_event(intake: Intake, event: dict[str, Any]) -> dict[str, Any]:
    """An SQS batch: the batch item failures; a direct S3 or EventBridge event: the outcomes."""
    messages = queued_messages(event)
    if messages is None:
        return {"objects": [land_delivery(intake, created) for created in object_events(event)]}
    failures = [m.message_id for m in messages if not _message_landed(intake, m)]
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failures]}


def _message_landed(intake: Intake, message: QueuedMessage) -> bool:
    """Land every object a message names; False (retry the message) if a landing raised."""
    fields = {"message_id": message.message_id}
    try:
        body = json.loads(message.body)
        if body.get("Event") == "s3:TestEvent":
            log.info("S3 test message consumed", extra={"fields": fields})
            return True
        created = object_events(body)
    except (ValueError, AttributeError, EventFormatError) as error:
        fields["reason"] = str(error)
        log.error(
            "message is not an S3 object-created or object-removed event", extra={"fields": fields}
        )
        return False
    try:
        for obj in created:
            land_delivery(intake, obj)
    except Exception as error:
        fields |= {"error_type": type(error).__name__, "reason": str(error)}
        log.exception("landing failed; the message returns to the queue", extra={"fields": fields})
        return False
    return True


def land_delivery(intake: Intake, created: ObjectEvent) -> dict[str, Any]:
    """Screen, land, request the refresh and publish the quarantine rate of one delivery."""
    store = intake.landing.store
    raw_key = deliveries.raw_key_of(store, created)
    if raw_key is not None:
        screening = deliveries.screen_delivery(store, raw_key, created)
        if screening.delivery is not deliveries.Delivery.NEW:
            outcome = deliveries.screened_record(
                store,
                raw_key,
                created,
                screening,
                code_version=intake.landing.code_version,
                now=intake.clock(),
            )
            log.info(
                f"landing {outcome['status']}: {created.key}",
                extra={"fields": {"status": outcome["status"], "reason": screening.reason}},
            )
            if outcome.get("first_status") in LANDED:
                _request_refresh(intake, raw_key)
            return outcome
    outcome = land_object(intake.landing, created)
    if outcome.get("status") in LANDED:
        outcome["refresh"] = _request_refresh(intake, raw_key)
    document = metrics.batch_quality_document(
        intake.metrics_namespace, intake.function_name, outcome, intake.clock()
    )
    if document is not None:
        metrics.publish(document)
    return outcome


def _request_refresh(intake: Intake, raw_key: str | None) -> dict[str, Any]:
    """Ask for a business refresh and publish how long the oldest unclaimed request has waited.

    A re-delivery of a landed delivery asks again: its first delivery may have failed between the
    landing and this request, and one more request within a burst costs nothing.
    """
    now = intake.clock()
    states = refresh.RefreshStates(intake.landing.store)
    requested = refresh.request_refresh(
        states, intake.sfn, intake.state_machine_arn, raw_key or "", now
    )
    metrics.publish_refresh_pending(
        intake.metrics_namespace, intake.state_machine_arn, requested["pending_seconds"], now
    )
    return requested
