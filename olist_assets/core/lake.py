"""The lake layout: every key the pipeline reads or writes, the same on a local folder and on S3."""

from __future__ import annotations

RAW = "raw"
CLEAN = "clean"
QUARANTINE = "quarantine"
BUSINESS = "business"
STAGING = "staging"
MANIFESTS = "manifests"
RUNS = "runs"

ZONES = (RAW, CLEAN, QUARANTINE, BUSINESS, STAGING, MANIFESTS, RUNS)


def raw_key(path: str) -> str:
    """Where a landed file lives: `raw/<its path in the landing folder>`, byte for byte as received."""
    return f"{RAW}/{path}"


def batch_name(raw_key: str) -> str:
    """The batch a raw file becomes: its path under raw/ without `.csv`, one Parquet file per batch
    (`raw/2018-09/x.csv` -> `2018-09/x`), so same-named files in two folders are two batches."""
    return raw_key.removeprefix(f"{RAW}/").removesuffix(".csv")


def table_prefix(zone: str, table: str) -> str:
    """The folder of one table in a zone; readers treat it as one dataset."""
    return f"{zone}/{table}/"


def clean_key(table: str, batch: str) -> str:
    return f"{CLEAN}/{table}/{batch}.parquet"


def staging_key(table: str, batch: str) -> str:
    """Parsed rows of one batch before cross-batch precedence is applied."""
    return f"{STAGING}/{table}/{batch}.parquet"


def quarantine_key(table: str, batch: str) -> str:
    return f"{QUARANTINE}/{table}/{batch}.parquet"


def manifest_key(table: str) -> str:
    """The table's ledger of batches and their row accounting."""
    return f"{MANIFESTS}/{table}.json"


def business_prefix(table: str) -> str:
    return table_prefix(BUSINESS, table)
