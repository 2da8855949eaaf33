"""Bad command lines: options, locations and table commands a user gets wrong, each with the exit
status and the one `Error:` line the command must give (never a traceback).

`{tmp}` in an argument is a scratch folder holding `afile` (a file), `empty/` (a lake with nothing
in it); `{tmp}/missing` does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

NO_SUCH_FOLDER = "no such folder"


@dataclass(frozen=True)
class Invocation:
    id: str
    argv: tuple[str, ...]
    code: int
    error: str  # the start of the `Error: ` line


INVOCATIONS = (
    Invocation(
        "scale-not-a-number",
        ("generate", "--scale", "abc", "--out", "{tmp}/out"),
        2,
        "Invalid value for '--scale': must be a number, got 'abc'",
    ),
    Invocation(
        "scale-too-large",
        ("generate", "--scale", "1e9", "--out", "{tmp}/out"),
        2,
        "Invalid value for '--scale': must be at most 50",
    ),
    Invocation(
        "generate-into-a-file",
        ("generate", "--out", "{tmp}/afile"),
        2,
        "Invalid value for '--out': Directory '{tmp}/afile' is a file.",
    ),
    Invocation(
        "source-missing",
        ("run", "--source", "{tmp}/missing", "--lake", "{tmp}/lake"),
        2,
        f"--source {{tmp}}/missing: {NO_SUCH_FOLDER}",
    ),
    Invocation(
        "lake-is-a-file",
        ("run", "--source", "{tmp}/empty", "--lake", "{tmp}/afile"),
        2,
        "--lake {tmp}/afile is a file, not a folder",
    ),
    Invocation(
        "lake-url-without-a-bucket",
        ("run", "--source", "{tmp}/empty", "--lake", "s3://"),
        2,
        "--lake s3://: an s3:// URL needs a bucket name",
    ),
    Invocation(
        "report-on-an-empty-lake",
        ("report", "--lake", "{tmp}/empty", "--out", "{tmp}/report.html"),
        2,
        "{tmp}/empty has no business table fact_orders",
    ),
    Invocation(
        "report-on-a-missing-lake",
        ("report", "--lake", "{tmp}/missing", "--out", "{tmp}/report.html"),
        2,
        f"--lake {{tmp}}/missing: {NO_SUCH_FOLDER}",
    ),
    Invocation(
        "history-of-a-table-never-built",
        ("history", "--lake", "{tmp}/empty", "orders"),
        2,
        "clean.orders does not exist in {tmp}/empty: nothing has been landed into it yet",
    ),
    Invocation(
        "history-of-a-table-the-lake-has-no-such-name-for",
        ("history", "--lake", "{tmp}/empty", "business.orders"),
        2,
        "Invalid value: 'business.orders': no business table 'orders'; one of ['cohort_retention',",
    ),
    Invocation(
        "rollback-of-a-table-never-built",
        ("rollback", "--lake", "{tmp}/empty", "orders", "1"),
        2,
        "clean.orders does not exist in {tmp}/empty",
    ),
    Invocation(
        "rollback-to-a-snapshot-that-is-not-a-number",
        ("rollback", "--lake", "{tmp}/empty", "orders", "abc"),
        2,
        "Invalid value for 'SNAPSHOT': 'abc' is not a valid integer.",
    ),
    Invocation(
        "forget-a-key-of-no-table",
        ("forget", "--lake", "{tmp}/empty", "raw/x.csv"),
        2,
        "raw/x.csv: 'x.csv' matches no table: expected one of",
    ),
    Invocation(
        "forget-a-key-the-lake-does-not-hold",
        ("forget", "--lake", "{tmp}/empty", "raw/olist_orders_dataset.csv"),
        2,
        "raw/olist_orders_dataset.csv: not in {tmp}/empty (no raw file, no orders batch, no "
        "refused file): nothing to forget",
    ),
    Invocation(
        "forget-a-key-leaving-the-raw-zone",
        ("forget", "--lake", "{tmp}/empty", "raw/../clean/x.csv"),
        2,
        "raw/../clean/x.csv: not a plain relative path",
    ),
    Invocation(
        "sql-that-does-not-parse",
        ("sql", "--lake", "{tmp}/empty", "SELEC 1"),
        2,
        "query failed: Parser Error: syntax error",
    ),
)
