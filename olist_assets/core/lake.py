"""The lake layout: every key the pipeline reads or writes, the same on a local folder and on S3.

- `raw/<path>`: every file as received (the path under raw/ is its batch key);
- `staging/<table>/<sha256>/`: one raw content read into rows, quarantined records and counts;
- `clean/<table>/`, `quarantine/<table>/`, `business/<table>/`: Apache Iceberg tables (`data/`
  and `metadata/` inside), catalogued in `catalog.db` locally or in AWS Glue;
- `runs/`: run records of the production runtime (their keys are `core/runs.py`'s, under RUNS);
- `reports/olist_report.html`: the HTML report (REPORT_KEY).
"""

from __future__ import annotations

RAW = "raw"
CLEAN = "clean"
QUARANTINE = "quarantine"
BUSINESS = "business"
STAGING = "staging"
RUNS = "runs"
REPORTS = "reports"
REPORT_KEY = f"{REPORTS}/olist_report.html"

ZONES = (RAW, CLEAN, QUARANTINE, BUSINESS, STAGING, RUNS)


def raw_key(path: str) -> str:
    """Where a landed file lives: `raw/<its path in the landing folder>`, byte for byte as received."""
    return f"{RAW}/{path}"


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


LEGACY_MANIFESTS = "manifests"


def legacy_keys(keys: list[str]) -> list[str]:
    """Keys of the 0.1 layout that the Iceberg layout replaces: `manifests/`, and the Parquet files
    it kept directly in `clean/<t>/`, `quarantine/<t>/`, `staging/<t>/` and `business/<t>/`
    (Iceberg keeps data under `<zone>/<t>/data/`, staging under `staging/<t>/<sha256>/`)."""
    return [key for key in keys if _legacy(key.split("/"))]


def _legacy(parts: list[str]) -> bool:
    if parts[0] == LEGACY_MANIFESTS:
        return True
    if parts[0] in (CLEAN, QUARANTINE, STAGING):
        return len(parts) == 3
    return parts[0] == BUSINESS and len(parts) >= 3 and parts[2] not in ("data", "metadata")
