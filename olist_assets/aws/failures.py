"""Failure records of the business refresh: written to runs/failures/ and sent to the SNS topic."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from olist_assets.core import runs
from olist_assets.core.storage import Store

SUBJECT_LIMIT = 100


def record_refresh_failure(
    store: Store, sns, topic_arn: str, failure: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """Keep the failure (execution, error, cause) in the lake, then notify the topic's subscribers."""
    key = runs.failure_record_key("refresh", now)
    record = {"source": "refresh", "recorded_at": now.isoformat(), **failure}
    runs.write_record(store, key, record)
    subject = f"olist refresh failed: {failure.get('error', 'unknown error')}"[:SUBJECT_LIMIT]
    message = "\n".join(
        [
            f"Execution: {failure.get('execution')}",
            f"Error: {failure.get('error')}",
            f"Cause: {failure.get('cause')}",
            f"Record: {store.uri(key)}",
        ]
    )
    sns.publish(TopicArn=topic_arn, Subject=subject, Message=message)
    return {"record": key, "notified": topic_arn}
