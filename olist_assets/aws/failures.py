"""Failure records: a failed business refresh or a CloudWatch alarm, kept in runs/failures/ and
sent to the SNS topic.

The topic is encrypted with the AWS-managed SNS key, which CloudWatch alarms cannot publish to
(its key policy cannot grant the CloudWatch service). So the alarms invoke this function instead,
which records the alarm in the lake and publishes it with the function's own permissions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from olist_assets.core import runs
from olist_assets.core.storage import Store

SUBJECT_LIMIT = 100
REFRESH = "refresh"
ALARM = "alarm"


def alarm_failure(event: dict[str, Any]) -> dict[str, Any] | None:
    """The failure an alarm action's event reports (name, state, reason), or None for other events."""
    if event.get("source") != "aws.cloudwatch" or "alarmData" not in event:
        return None
    data = event["alarmData"]
    state = data.get("state", {})
    return {
        "source": ALARM,
        "alarm": data.get("alarmName"),
        "alarm_arn": event.get("alarmArn"),
        "state": state.get("value"),
        "error": f"alarm {data.get('alarmName')}: {state.get('value')}",
        "cause": state.get("reason"),
        "description": data.get("configuration", {}).get("description"),
    }


def refresh_failure(event: dict[str, Any]) -> dict[str, Any]:
    """The failure the state machine's RecordFailure state sends (execution, error, cause)."""
    return {
        "source": REFRESH,
        **{name: event.get(name) for name in ("execution", "error", "cause")},
    }


def record_failure(
    store: Store, sns, topic_arn: str, failure: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """Keep the failure in the lake under its source, then notify the topic's subscribers."""
    key = runs.failure_record_key(failure["source"], now)
    runs.write_record(store, key, {"recorded_at": now.isoformat(), **failure})
    subject = f"olist {failure['source']} failed: {failure.get('error') or 'unknown error'}"
    lines = [
        f"{name.capitalize()}: {failure[name]}"
        for name in ("execution", "alarm", "description", "error", "cause")
        if failure.get(name)
    ]
    message = "\n".join([*lines, f"Record: {store.uri(key)}"])
    sns.publish(TopicArn=topic_arn, Subject=subject[:SUBJECT_LIMIT], Message=message)
    return {"record": key, "notified": topic_arn}
