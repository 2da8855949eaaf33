"""Data-quality checks on the clean layer, as plain functions over the lake.

Dagster asset checks and the production quality-check Lambda call these same functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq

from olist_assets.core import lake
from olist_assets.core.contracts import CONTRACTS, ForeignKey, TableContract
from olist_assets.core.fingerprints import parquet_fingerprints
from olist_assets.core.manifest import load_manifest
from olist_assets.core.reading import parquet_keys, read_table
from olist_assets.core.storage import Store

QUARANTINE_WARN_RATE = 0.0
QUARANTINE_FAIL_RATE = 0.05


@dataclass(frozen=True)
class CheckOutcome:
    """The result of one check: blocking failures stop the pipeline, warnings are reported."""

    name: str
    table: str
    passed: bool
    blocking: bool
    description: str
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def failed_blocking(self) -> bool:
        return not self.passed and self.blocking


def primary_key_unique(store: Store, contract: TableContract) -> CheckOutcome:
    """No two clean rows share a primary key (or, for key-less tables, are identical)."""
    hashes = _clean_key_hashes(store, contract)
    duplicates = int(len(hashes) - len(np.unique(hashes)))
    label = ", ".join(contract.key_columns)
    return CheckOutcome(
        "primary_key_unique",
        contract.name,
        passed=duplicates == 0,
        blocking=True,
        description=f"({label}) is unique: {duplicates} duplicate keys in {len(hashes)} rows",
        metadata={"rows": len(hashes), "duplicate_keys": duplicates},
    )


def foreign_key_coverage(store: Store, contract: TableContract, fk: ForeignKey) -> CheckOutcome:
    """Every non-null reference finds its row in the referenced clean table."""
    child = read_table(store, lake.table_prefix(lake.CLEAN, contract.name), fk.columns)
    parent = read_table(store, lake.table_prefix(lake.CLEAN, fk.table), fk.ref_columns)
    values = child[fk.columns[0]].drop_null()
    missing = pc.invert(pc.is_in(values, value_set=parent[fk.ref_columns[0]].combine_chunks()))
    orphans = values.filter(missing)
    orphan_values = sorted(set(orphans.to_pylist()))
    unexpected = sorted(set(orphan_values) - fk.known_orphans)
    name = f"fk_{fk.columns[0]}__{fk.table}"
    known = sorted(set(orphan_values) & fk.known_orphans)
    description = (
        f"{contract.name}.{fk.columns[0]} -> {fk.table}.{fk.ref_columns[0]}: "
        f"{len(orphans)} of {len(values)} references have no match"
    )
    if known:
        description += f" (known orphans, a warning: {known})"
    return CheckOutcome(
        name,
        contract.name,
        passed=not orphan_values,
        blocking=fk.blocking and bool(unexpected),
        description=description,
        metadata={
            "references": len(values),
            "orphan_rows": len(orphans),
            "orphan_values_sample": unexpected[:5] or known[:5],
        },
    )


def row_conservation(store: Store, contract: TableContract) -> CheckOutcome:
    """Rows read = clean + quarantined + duplicates per batch, and the clean table holds what the ledger says."""
    manifest = load_manifest(store, contract.name)
    unbalanced = [
        b.batch
        for b in manifest.batches.values()
        if b.rows_read != b.rows_clean + b.rows_quarantined + b.rows_duplicate
    ]
    clean_rows = _rows(store, lake.table_prefix(lake.CLEAN, contract.name))
    quarantined = _rows(store, lake.table_prefix(lake.QUARANTINE, contract.name))
    expected_quarantine = sum(b.rows_quarantined for b in manifest.batches.values())
    passed = not unbalanced and clean_rows == manifest.rows and quarantined == expected_quarantine
    return CheckOutcome(
        "row_conservation",
        contract.name,
        passed=passed,
        blocking=True,
        description=(
            f"read {sum(b.rows_read for b in manifest.batches.values())} = clean "
            f"{sum(b.rows_clean for b in manifest.batches.values())} + quarantined "
            f"{expected_quarantine} + duplicates "
            f"{sum(b.rows_duplicate for b in manifest.batches.values())}; "
            f"clean table {clean_rows} rows (ledger {manifest.rows}), quarantine {quarantined} rows"
            + (f"; unbalanced batches {unbalanced}" if unbalanced else "")
        ),
        metadata={
            "clean_rows": clean_rows,
            "ledger_rows": manifest.rows,
            "quarantine_rows": quarantined,
        },
    )


def quarantine_rate(store: Store, contract: TableContract) -> CheckOutcome:
    """Share of rows read that were quarantined: a warning above 0, blocking above 5%."""
    manifest = load_manifest(store, contract.name)
    read = sum(b.rows_read for b in manifest.batches.values())
    quarantined = sum(b.rows_quarantined for b in manifest.batches.values())
    rate = quarantined / read if read else 0.0
    return CheckOutcome(
        "quarantine_rate",
        contract.name,
        passed=rate <= QUARANTINE_WARN_RATE,
        blocking=rate > QUARANTINE_FAIL_RATE,
        description=f"{quarantined} of {read} rows quarantined ({rate:.3%}; blocking above "
        f"{QUARANTINE_FAIL_RATE:.0%})",
        metadata={"rows_read": read, "rows_quarantined": quarantined, "rate": rate},
    )


def clean_checks(store: Store, contract: TableContract) -> list[CheckOutcome]:
    """Every clean-layer check of one table."""
    outcomes = [
        primary_key_unique(store, contract),
        row_conservation(store, contract),
        quarantine_rate(store, contract),
    ]
    outcomes += [foreign_key_coverage(store, contract, fk) for fk in contract.foreign_keys]
    return outcomes


def all_clean_checks(store: Store) -> list[CheckOutcome]:
    return [outcome for contract in CONTRACTS.values() for outcome in clean_checks(store, contract)]


def _clean_key_hashes(store: Store, contract: TableContract) -> np.ndarray:
    """Key fingerprints of every clean file of a table, without loading the table at once."""
    prefix = lake.table_prefix(lake.CLEAN, contract.name)
    keys = parquet_keys(store, prefix)
    if not keys:
        raise FileNotFoundError(f"no Parquet files under {store.uri(prefix)}")
    parts = []
    for key in keys:
        with store.local_copy(key) as path:
            parts.append(parquet_fingerprints(path, contract.key_columns))
    return np.concatenate(parts)


def _rows(store: Store, prefix: str) -> int:
    total = 0
    for info in store.list(prefix):
        if info.key.endswith(".parquet"):
            with store.local_copy(info.key) as path:
                total += pq.ParquetFile(path).metadata.num_rows
    return total
