"""What every Lambda invocation shares: JSON logs bound to the request, the checked environment,
one summary line with the duration, and transient failures re-raised under one retryable name.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Iterator
from typing import Any

from olist_assets.aws.config import function_environment
from olist_assets.aws.errors import TransientError, is_transient
from olist_assets.aws.logs import bind, configure_json_logging

log = logging.getLogger("olist.runtime")


@contextlib.contextmanager
def invocation(function: str, context: Any) -> Iterator[dict[str, str]]:
    """Run one invocation of `function`: yields its environment; logs how it ended."""
    configure_json_logging()
    bind(function=function, request_id=getattr(context, "aws_request_id", None))
    started = time.perf_counter()
    try:
        yield function_environment(function, os.environ)
    except Exception as error:
        fields = {"duration_s": _since(started), "error_type": type(error).__name__}
        log.exception("invocation failed", extra={"fields": fields})
        if is_transient(error) and not isinstance(error, TransientError):
            raise TransientError(f"{type(error).__name__}: {error}") from error
        raise
    log.info("invocation finished", extra={"fields": {"duration_s": _since(started)}})


def _since(started: float) -> float:
    return round(time.perf_counter() - started, 3)
