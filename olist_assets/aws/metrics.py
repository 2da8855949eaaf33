"""Custom CloudWatch metrics as Embedded Metric Format (EMF) log lines.

A function prints one JSON document per metric event to standard output; CloudWatch Logs extracts
the metrics from it (Lambda ships standard output to the function's log group), so no
`cloudwatch:PutMetricData` permission or API call is needed and the figures sit beside the logs.
Specification: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from datetime import datetime
from typing import Any, TextIO

QUARANTINE_RATE = "QuarantineRate"
REFRESH_PENDING = "RefreshPendingSeconds"
UNITS = {QUARANTINE_RATE: "Percent", REFRESH_PENDING: "Seconds"}


def emf_document(
    namespace: str,
    values: Mapping[str, float],
    dimensions: Mapping[str, str],
    properties: Mapping[str, Any],
    at: datetime,
) -> dict[str, Any]:
    """One EMF document: `values` by metric name (units from UNITS) under one dimension set."""
    return {
        "_aws": {
            "Timestamp": int(at.timestamp() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": namespace,
                    "Dimensions": [sorted(dimensions)],
                    "Metrics": [{"Name": name, "Unit": UNITS[name]} for name in sorted(values)],
                }
            ],
        },
        **properties,
        **dimensions,
        **values,
    }


def publish(document: dict[str, Any], stream: TextIO | None = None) -> None:
    """Write the document as one line of standard output, where Lambda's log capture reads it."""
    print(json.dumps(document, default=str, sort_keys=True), file=stream or sys.stdout, flush=True)


def quarantine_rate(outcome: Mapping[str, Any]) -> float | None:
    """Percent of the batch's rows read that went to quarantine, or None when nothing was read."""
    read = outcome.get("rows_read")
    quarantined = outcome.get("rows_quarantined")
    if not isinstance(read, int) or not isinstance(quarantined, int) or read <= 0:
        return None
    return round(100.0 * quarantined / read, 3)


def batch_quality_document(
    namespace: str, function_name: str, outcome: Mapping[str, Any], at: datetime
) -> dict[str, Any] | None:
    """The landing's per-batch quarantine rate, dimension FunctionName; None if nothing was read."""
    rate = quarantine_rate(outcome)
    if rate is None:
        return None
    properties = {
        name: outcome.get(name)
        for name in ("table", "key", "status", "rows_read", "rows_quarantined")
    }
    return emf_document(
        namespace, {QUARANTINE_RATE: rate}, {"FunctionName": function_name}, properties, at
    )


def refresh_pending_document(
    namespace: str, state_machine_arn: str, pending_seconds: float, at: datetime
) -> dict[str, Any]:
    """Seconds since the oldest landing no refresh has claimed yet, dimension StateMachineName."""
    return emf_document(
        namespace,
        {REFRESH_PENDING: round(pending_seconds, 3)},
        {"StateMachineName": state_machine_arn.rsplit(":", 1)[-1]},
        {},
        at,
    )


def publish_refresh_pending(
    namespace: str, state_machine_arn: str, pending_seconds: float | None, at: datetime
) -> None:
    """Publish how long the oldest unclaimed refresh request has waited, when one waits."""
    if pending_seconds is not None:
        publish(refresh_pending_document(namespace, state_machine_arn, pending_seconds, at))
