"""The lake layout: every key the pipeline reads or writes, the same on a local folder and on S3."""

from __future__ import annotations

import posixpath

RAW = "raw"
CLEAN = "clean"
QUARANTINE = "quarantine"
BUSINESS = "business"
STAGING = "staging"
MANIFESTS = "manifests"
RUNS = "runs"

ZONES = (RAW, CLEAN, QUARANTINE, BUSINESS, STAGING, MANIFESTS, RUNS)


def raw_key(table: str, file_name: str) -> str:
    """Where a landed source file lives, byte for byte as received."""
    return f"{RAW}/{table}/{file_name}"


def batch_name(file_name: str) -> str:
    """The batch a raw file becomes: its name without `.csv`, one Parquet file per batch."""
    return posixpath.basename(file_name).removesuffix(".csv")


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
