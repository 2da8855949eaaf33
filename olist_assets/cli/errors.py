"""Failures as the one or two lines a user can act on: what failed, where, and what to do.

Class paths (`olist_assets.core.parsing.HeaderMismatchError:`), Dagster's wrappers and stack traces
stay out of the message; `--verbose` shows them.
"""

from __future__ import annotations

import re
from typing import Any

import click

from olist_assets.core.contracts import UnknownFileError
from olist_assets.core.storage import OutsideStoreError
from olist_assets.core.tables import MissingTableError, MovedTableError


class UserError(click.ClickException):
    """A failure the user can act on: shown as its message only, exit code 2."""

    exit_code = 2


FIX_THE_FILE = "fix or remove the file named above, then run again"
DAGSTER_WRAPPERS = re.compile(r"^Dagster\w*Error$")
# A step whose blocking check failed: the data's verdict (its FAIL line says why), not a bug
CHECK_FAILED = "DagsterAssetCheckFailedError"
# A step stopped by Ctrl-C (SIGINT): the user's act, not a bug; a commit is all or nothing
INTERRUPTED = "DagsterExecutionInterruptedError"
# Failed steps' error classes that are the user's to act on (bad input, a location, S3), by name: a
# failed step's error arrives as a serialized record, not an exception.
USER_ERRORS = {
    "Failure",
    "SourceFileError",
    "EmptyFileError",
    "UndecodableFileError",
    "HeaderMismatchError",
    "OutsideStoreError",
    "UnknownFileError",
    "MissingTableError",
    "MovedTableError",
    "MissingInputError",
    "FileNotFoundError",
    "PermissionError",
    "NotADirectoryError",
    "IsADirectoryError",
    "ClientError",
    "NoCredentialsError",
    "EndpointConnectionError",
}


def user_message(error: BaseException) -> str | None:
    """The message of an error the user can act on (bad input, a location, S3), else None (a bug)."""
    from olist_assets.core.parsing import SourceFileError  # imported late: pyarrow, numpy
    from olist_assets.stores.iceberg.history import RollbackRefused  # late: pyiceberg

    if isinstance(error, SourceFileError):
        return f"{error}: {FIX_THE_FILE}"
    if isinstance(error, UnknownFileError):
        return str(error)
    if isinstance(error, MissingTableError):
        return f"{error}: nothing has been landed into it yet (olist-lakehouse run builds it)"
    if isinstance(error, OutsideStoreError | MovedTableError | RollbackRefused):
        return str(error)
    if isinstance(error, OSError) and error.strerror:
        where = f": {error.filename}" if error.filename else ""
        return f"{error.strerror}{where} (check the path and its permissions)"
    if _is_aws_error(error):
        return f"S3: {error} (check the bucket, the prefix and your AWS credentials)"
    return None


def step_failure_message(error: Any) -> str:
    """One line for a failed Dagster step, from its SerializableErrorInfo: the user's own error
    (not Dagster's wrapper, not the low-level cause it was raised from), without its class path."""
    while error is not None and DAGSTER_WRAPPERS.match(error.cls_name or "") and error.cause:
        error = error.cause
    if error is None:
        return "unknown error"
    if error.cls_name == CHECK_FAILED:
        return _blocking_checks(error.message)
    if error.cls_name == INTERRUPTED:
        return "interrupted (Ctrl-C): its table keeps its last snapshot; run again to finish"
    return _without_class_path(error.message, error.cls_name)


def _blocking_checks(message: str) -> str:
    """Dagster's `N blocking asset checks failed ...:\n<asset>: <check>,<check>` as one line."""
    failed = [line.replace(": ", " ", 1) for line in message.strip().splitlines()[1:]]
    named = "; ".join(failed) or "a check"
    return f"blocking check failed: {named} (its FAIL line above says why); what depends on it was not built"


def _without_class_path(message: str, cls_name: str) -> str:
    """`pkg.module.Class: text` -> `text` (kept as `Class: text` for errors that are bugs)."""
    first = message.strip().splitlines()[0] if message.strip() else cls_name
    text = re.sub(rf"^(?:[\w]+\.)*{re.escape(cls_name)}: ", "", first)
    if cls_name in USER_ERRORS:
        return text
    return f"{cls_name}: {text} (unexpected: rerun with --verbose and report it)"


def _is_aws_error(error: BaseException) -> bool:
    from botocore.exceptions import BotoCoreError, ClientError

    return isinstance(error, BotoCoreError | ClientError)
