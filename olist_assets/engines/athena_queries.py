"""Athena queries through boto3: start one, wait for it with a bounded backoff, read its rows.

GetQueryResults returns every value as a string with the column types beside them; a SELECT's
first row repeats the column names. The rows become a pyarrow table typed from those column types.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pyarrow as pa
from tenacity import RetryError, Retrying, retry_if_result, stop_after_delay, wait_exponential

RUNNING = frozenset({"QUEUED", "RUNNING"})
QUERY_TIMEOUT_SECONDS = 840  # under the 900 s Lambda ceiling, so a stuck query fails visibly
PAGE_SIZE = 1000


class AthenaQueryFailed(RuntimeError):
    """Athena ended the query FAILED or CANCELLED, or it outlasted QUERY_TIMEOUT_SECONDS."""


def run_query(athena, sql: str, *, database: str, workgroup: str) -> str:
    """Start `sql` in `workgroup` with `database` as default and wait for it; its query id."""
    query_id = athena.start_query_execution(
        QueryString=sql,
        QueryExecutionContext={"Database": database},
        WorkGroup=workgroup,
    )["QueryExecutionId"]
    wait_for(athena, query_id)
    return query_id


def wait_for(athena, query_id: str, timeout_seconds: float = QUERY_TIMEOUT_SECONDS) -> None:
    """Poll until the query ends (0.25 s doubling to 5 s between polls); raise unless SUCCEEDED."""
    polling = Retrying(
        retry=retry_if_result(lambda status: status["State"] in RUNNING),
        wait=wait_exponential(multiplier=0.25, max=5),
        stop=stop_after_delay(timeout_seconds),
    )
    try:
        status = polling(_status, athena, query_id)
    except RetryError as error:
        athena.stop_query_execution(QueryExecutionId=query_id)
        raise AthenaQueryFailed(
            f"query {query_id} still running after {timeout_seconds:.0f} s; stopped"
        ) from error
    if status["State"] != "SUCCEEDED":
        reason = status.get("StateChangeReason", "no reason given")
        raise AthenaQueryFailed(f"query {query_id} {status['State']}: {reason}")


def _status(athena, query_id: str) -> dict[str, Any]:
    return athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]


def select_results(athena, query_id: str) -> pa.Table:
    """A finished SELECT's rows as a pyarrow table, columns typed from Athena's column info."""
    pages = athena.get_paginator("get_query_results").paginate(
        QueryExecutionId=query_id, PaginationConfig={"PageSize": PAGE_SIZE}
    )
    columns: list[dict[str, Any]] = []
    rows: list[list[str | None]] = []
    for page in pages:
        result = page["ResultSet"]
        columns = columns or result["ResultSetMetadata"]["ColumnInfo"]
        rows += [[cell.get("VarCharValue") for cell in row["Data"]] for row in result["Rows"]]
    names = [column["Name"] for column in columns]
    if rows and rows[0] == names:
        rows = rows[1:]
    return pa.table(
        {
            column["Name"]: _column([row[i] for row in rows], column)
            for i, column in enumerate(columns)
        }
    )


def _column(values: list[str | None], column: dict[str, Any]) -> pa.Array:
    arrow_type, parse = _conversion(column)
    return pa.array([None if v is None else parse(v) for v in values], type=arrow_type)


def _conversion(column: dict[str, Any]) -> tuple[pa.DataType, Callable[[str], object]]:
    """The arrow type of an Athena column type and how to parse its text values."""
    kind = column["Type"].lower()
    if kind in INTEGERS:
        return INTEGERS[kind], int
    if kind in ("double", "float", "real"):
        return pa.float64(), float
    if kind == "boolean":
        return pa.bool_(), lambda text: text.lower() == "true"
    if kind == "decimal":
        return pa.decimal128(column["Precision"], column["Scale"]), Decimal
    if kind == "date":
        return pa.date32(), dt.date.fromisoformat
    if kind.startswith("timestamp"):
        return pa.timestamp("us"), dt.datetime.fromisoformat
    return pa.string(), str


INTEGERS = {"tinyint": pa.int8(), "smallint": pa.int16(), "integer": pa.int32()}
INTEGERS |= {"int": pa.int32(), "bigint": pa.int64()}
