"""The lake layout: every key the pipeline reads or writes, the same on a local folder and on S3.

- `raw/<path>`: every file as received (the path under raw/ is its batch key);
- `staging/<table>/<sha256>/`: one raw content read into rows, quarantined records and counts;
- `clean/<table>/`, `quarantine/<table>/`, `business/<table>/`: Apache Iceberg tables (`data/`
  and `metadata/` inside), catalogued in `catalog.db` locally or in AWS Glue;
- `runs/`: run records of the production runtime; `reports/`: the HTML report.
"""

from __future__ import annotations

RAW = "raw"
CLEAN = "clean"
QUARANTINE = "quarantine"
BUSINESS = "business"
STAGING = "staging"
RUNS = "runs"

ZONES = (RAW, CLEAN, QUARANTINE, BUSINESS, STAGING, RUNS)


def raw_key(table: str, file_name: str) -> str:
    """Where a source file lands when it is put in its table's raw folder."""
    return f"{RAW}/{table}/{file_name}"


def table_prefix(zone: str, table: str) -> str:
    """The folder of one table in a zone."""
    return f"{zone}/{table}/"


def staged_prefix(table: str, sha256: str) -> str:
    """Where one raw content of one table is staged: immutable, named by the content's sha256."""
    return f"{STAGING}/{table}/{sha256}/"


def staged_rows_key(table: str, sha256: str) -> str:
    """The staged clean rows (contract columns + key fingerprint) of one raw content."""
    return f"{staged_prefix(table, sha256)}rows.parquet"


def staged_quarantine_key(table: str, sha256: str) -> str:
    """The staged quarantined records of one raw content."""
    return f"{staged_prefix(table, sha256)}quarantine.parquet"


def staged_counts_key(table: str, sha256: str) -> str:
    """Where the records of one raw content went (read, blank, clean, quarantined, duplicate)."""
    return f"{staged_prefix(table, sha256)}counts.json"
