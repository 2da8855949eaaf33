"""Sort failures into transient (retry: raise to the runtime) and permanent (record, do not retry)."""

from __future__ import annotations

TRANSIENT_AWS_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "InternalError",
        "InternalFailure",
        "InternalServerException",
        "InternalServiceException",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)


class TransientError(RuntimeError):
    """A failure worth retrying later; the state machine retries this error name with backoff."""


def is_transient(error: BaseException) -> bool:
    """Throttling, AWS-side faults and lost connections: the same call may succeed later."""
    from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

    if isinstance(error, TransientError | ConnectionError | HTTPClientError | TimeoutError):
        return True
    if isinstance(error, ClientError):
        return error.response.get("Error", {}).get("Code") in TRANSIENT_AWS_CODES
    return False
