"""Data-quality checks on the clean layer, as plain functions over the lake.

Dagster asset checks and the production quality-check Lambda call these same functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from olist_assets.core import lake
from olist_assets.core.checks.thresholds import (
    FOREIGN_KEY_FAIL_RATE,
    QUARANTINE_FAIL_RATE,
    QUARANTINE_MIN_BATCH_RECORDS,
    QUARANTINE_SMALL_BATCH_RECORDS,
    QUARANTINE_WARN_RATE,
    SAMPLE_SIZE,
    percent,
    quarantine_blocks,
)
from olist_assets.core.contracts import CONTRACTS, ForeignKey, TableContract
from olist_assets.core.dedup import parquet_row_hashes
from olist_assets.core.manifest import load_manifest
from olist_assets.core.reading import parquet_keys, read_table
from olist_assets.core.storage import Store


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
    """Every non-null reference finds its row in the referenced clean table.

    Orphan references warn; they block above FOREIGN_KEY_FAIL_RATE of the references (known orphans,
    a source's own gaps, never block). The metadata lists the first SAMPLE_SIZE orphan keys.
    """
    child = read_table(store, lake.table_prefix(lake.CLEAN, contract.name), fk.columns)
    parent = read_table(store, lake.table_prefix(lake.CLEAN, fk.table), fk.ref_columns)
    values = child[fk.columns[0]].drop_null()
    missing = pc.invert(pc.is_in(values, value_set=parent[fk.ref_columns[0]].combine_chunks()))
    orphans = values.filter(missing)
    known_set = pa.array(sorted(fk.known_orphans), type=values.type)
    unexpected_rows = orphans.filter(pc.invert(pc.is_in(orphans, value_set=known_set)))
    orphan_keys = sorted(set(unexpected_rows.to_pylist()))
    known = sorted(set(orphans.to_pylist()) & fk.known_orphans)
    rate = len(unexpected_rows) / len(values) if len(values) else 0.0
    description = (
        f"{contract.name}.{fk.columns[0]} -> {fk.table}.{fk.ref_columns[0]}: "
        f"{len(orphans)} of {len(values)} references have no match ({rate:.2%} unexpected; "
        f"blocking above {percent(FOREIGN_KEY_FAIL_RATE)})"
    )
    if orphan_keys:
        description += f", first: {orphan_keys[:3]}"
    if known:
        description += f" (known orphans, a warning: {known})"
    return CheckOutcome(
        f"fk_{fk.columns[0]}__{fk.table}",
        contract.name,
        passed=not len(orphans),
        blocking=fk.blocking and rate > FOREIGN_KEY_FAIL_RATE,
        description=description,
        metadata={
            "references": len(values),
            "orphan_rows": len(orphans),
            "orphan_rate": rate,
            "orphan_keys": orphan_keys[:SAMPLE_SIZE],
            "known_orphan_keys": known[:SAMPLE_SIZE],
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
    """Share of rows read that were quarantined, per table and per batch (a raw file): a warning
    above QUARANTINE_WARN_RATE (0); blocking when the table or any batch is past the threshold
    (`quarantine_blocks`), so a whole drop quarantined cannot hide behind a large table."""
    batches = load_manifest(store, contract.name).batches.values()
    read = sum(b.rows_read for b in batches)
    quarantined = sum(b.rows_quarantined for b in batches)
    rate = quarantined / read if read else 0.0
    past = sorted(b.raw_key for b in batches if quarantine_blocks(b.rows_read, b.rows_quarantined))
    description = (
        f"{quarantined} of {read} rows quarantined ({rate:.3%}; blocking above "
        f"{percent(QUARANTINE_FAIL_RATE)}, or for a batch under {QUARANTINE_MIN_BATCH_RECORDS} "
        f"records above {QUARANTINE_SMALL_BATCH_RECORDS})"
    )
    if past:
        description += f"; batches past the threshold: {past}"
    return CheckOutcome(
        "quarantine_rate",
        contract.name,
        passed=rate <= QUARANTINE_WARN_RATE,
        blocking=rate > QUARANTINE_FAIL_RATE or bool(past),
        description=description,
        metadata={
            "rows_read": read,
            "rows_quarantined": quarantined,
            "rate": rate,
            "batches_past_threshold": past,
        },
    )


def timestamps_in_order(store: Store, contract: TableContract) -> CheckOutcome:
    """Rows whose timestamps contradict the table's chronology (an order delivered before it was
    purchased): a warning, counted per rule, with the first SAMPLE_SIZE rows as examples."""
    columns = list(dict.fromkeys(c for pair in contract.chronology for c in pair))
    table = read_table(
        store, lake.table_prefix(lake.CLEAN, contract.name), [*contract.key_columns, *columns]
    )
    counts, examples = {}, []
    for earlier, later in contract.chronology:
        out_of_order = pc.fill_null(pc.less(table[later], table[earlier]), False)
        rule = f"{later} < {earlier}"
        counts[rule] = pc.sum(out_of_order).as_py() or 0
        for row in table.filter(out_of_order).slice(0, SAMPLE_SIZE).to_pylist():
            keys = {c: row[c] for c in contract.key_columns}
            examples.append(
                {"rule": rule, **keys, earlier: str(row[earlier]), later: str(row[later])}
            )
    found = {rule: count for rule, count in counts.items() if count}
    return CheckOutcome(
        "timestamps_in_order",
        contract.name,
        passed=not found,
        blocking=False,
        description=(
            f"{sum(found.values())} timestamps out of order in {table.num_rows} rows: "
            + "; ".join(f"{count} with {rule}" for rule, count in found.items())
            if found
            else f"every timestamp in order in {table.num_rows} rows"
        ),
        metadata={
            "rows": table.num_rows,
            "out_of_order": counts,
            "examples": examples[:SAMPLE_SIZE],
        },
    )


def clean_checks(store: Store, contract: TableContract) -> list[CheckOutcome]:
    """Every clean-layer check of one table."""
    outcomes = [
        primary_key_unique(store, contract),
        row_conservation(store, contract),
        quarantine_rate(store, contract),
    ]
    if contract.chronology:
        outcomes.append(timestamps_in_order(store, contract))
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
            parts.append(parquet_row_hashes(path, contract.key_columns))
    return np.concatenate(parts)


def _rows(store: Store, prefix: str) -> int:
    total = 0
    for info in store.list(prefix):
        if info.key.endswith(".parquet"):
            with store.local_copy(info.key) as path:
                total += pq.ParquetFile(path).metadata.num_rows
    return total
