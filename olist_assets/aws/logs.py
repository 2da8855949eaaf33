"""One JSON object per log line, so CloudWatch Logs Insights can filter on any field.

Fields passed as `extra={"fields": {...}}` join the record; the invocation's request id and
function name come from `bind`, set once per invocation by the handler.
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
from datetime import UTC, datetime

IN_LAMBDA = "AWS_LAMBDA_FUNCTION_NAME"
_BOUND: contextvars.ContextVar[dict[str, object]] = contextvars.ContextVar("olist_log_fields")


class JsonFormatter(logging.Formatter):
    """Render a record as one JSON object: time, level, logger, message, bound and extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        body: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_BOUND.get({}),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            body["exception"] = self.formatException(record.exc_info)
        return json.dumps(body, default=str)


def configure_json_logging(level: int = logging.INFO) -> None:
    """JSON on the Lambda runtime's root handler, or on a new one if nothing handles logs yet."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    elif IN_LAMBDA in os.environ:
        for handler in root.handlers:
            handler.setFormatter(JsonFormatter())
    root.setLevel(level)


def bind(**fields: object) -> None:
    """Fields every following log line of this invocation carries (request id, function)."""
    _BOUND.set(dict(fields))
