"""Data-quality checks on the clean layer, as plain functions over the lake's tables and ledgers.

Dagster asset checks and the production quality-check Lambda call these same functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from olist_assets.core.contracts import CONTRACTS, ForeignKey, TableContract
from olist_assets.core.fingerprints import fingerprints
from olist_assets.core.ledger import BatchEntry
from olist_assets.core.tables import BATCH_COLUMN, CLEAN, QUARANTINE, MissingTableError, Tables

QUARANTINE_WARN_RATE = 0.0
QUARANTINE_FAIL_RATE = 0.05
SMALL_BATCH_RECORDS = 20
SMALL_BATCH_FAIL_RECORDS = 1


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


def read_columns(tables: Tables, namespace: str, table: str, columns: list[str]) -> pa.Table:
    """Some columns of a table's current snapshot (an empty table when it does not exist)."""
    try:
        return tables.scan(namespace, table, columns).read_all()
    except MissingTableError:
        return pa.table({name: pa.array([], pa.string()) for name in columns})


def primary_key_unique(tables: Tables, contract: TableContract) -> CheckOutcome:
    """No two clean rows share a primary key (or, for key-less tables, are identical)."""
    keys = read_columns(tables, CLEAN, contract.name, list(contract.key_columns))
    found = fingerprints(keys, contract.key_columns)
    duplicates = int(len(found) - len(np.unique(found)))
    label = ", ".join(contract.key_columns)
    return CheckOutcome(
        "primary_key_unique",
        contract.name,
        passed=duplicates == 0,
        blocking=True,
        description=f"({label}) is unique: {duplicates} duplicate keys in {len(found)} rows",
        metadata={"rows": len(found), "duplicate_keys": duplicates},
    )


def foreign_key_coverage(tables: Tables, contract: TableContract, fk: ForeignKey) -> CheckOutcome:
    """Every non-null reference finds its row in the referenced clean table."""
    child = read_columns(tables, CLEAN, contract.name, list(fk.columns))
    parent = read_columns(tables, CLEAN, fk.table, list(fk.ref_columns))
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


def row_conservation(tables: Tables, contract: TableContract) -> CheckOutcome:
    """Per batch: rows read = clean + quarantined + duplicates; the table holds clean less
    superseded rows of each batch; the quarantine table holds each batch's quarantined records."""
    ledger = tables.state(contract).ledger
    held = _rows_per_batch(tables, CLEAN, contract.name)
    quarantined = _rows_per_batch(tables, QUARANTINE, contract.name)
    problems = []
    for entry in ledger.batches.values():
        expected_quarantine = entry.rows_quarantined
        if not entry.balanced:
            problems.append(f"{entry.key}: read {entry.rows_read} != clean + quarantined + dup")
        if held.get(entry.key, 0) != entry.rows_in_table:
            problems.append(f"{entry.key}: table {held.get(entry.key, 0)} != {entry.rows_in_table}")
        if quarantined.get(entry.key, 0) != expected_quarantine:
            problems.append(
                f"{entry.key}: quarantine {quarantined.get(entry.key, 0)} != {expected_quarantine}"
            )
    strays = sorted((set(held) | set(quarantined)) - set(ledger.batches))
    problems += [f"{batch}: rows in the table but not in the ledger" for batch in strays]
    return CheckOutcome(
        "row_conservation",
        contract.name,
        passed=not problems,
        blocking=True,
        description=(
            f"read {ledger.total('rows_read')} = clean {ledger.total('rows_clean')} + quarantined "
            f"{ledger.total('rows_quarantined')} + duplicates {ledger.total('rows_duplicate')}; "
            f"table {sum(held.values())} = clean less superseded "
            f"{ledger.total('rows_superseded')} (ledger {ledger.rows}); blank lines "
            f"{ledger.total('rows_blank')}" + (f"; {'; '.join(problems[:5])}" if problems else "")
        ),
        metadata={
            "table_rows": sum(held.values()),
            "ledger_rows": ledger.rows,
            "quarantine_rows": sum(quarantined.values()),
            "rows_superseded": ledger.total("rows_superseded"),
            "problems": len(problems),
        },
    )


def quarantine_rate(tables: Tables, contract: TableContract) -> CheckOutcome:
    """Quarantined share of records, per table and per batch: a warning above 0; blocking above 5%
    of a batch's records once it has at least 20, or above one record for a smaller batch (a bad
    drop cannot hide behind a large table)."""
    ledger = tables.state(contract).ledger
    entries = list(ledger.batches.values())
    read = sum(e.rows_read for e in entries)
    quarantined = sum(e.rows_quarantined for e in entries)
    rate = quarantined / read if read else 0.0
    bad = [e for e in entries if _batch_blocks(e)]
    description = (
        f"{quarantined} of {read} records quarantined ({rate:.3%}); blocking above "
        f"{QUARANTINE_FAIL_RATE:.0%} of the table or of a batch"
    )
    if bad:
        description += "; blocking batches: " + ", ".join(
            f"{e.key} ({e.rows_quarantined} of {e.rows_read})" for e in bad[:5]
        )
    return CheckOutcome(
        "quarantine_rate",
        contract.name,
        passed=rate <= QUARANTINE_WARN_RATE,
        blocking=rate > QUARANTINE_FAIL_RATE or bool(bad),
        description=description,
        metadata={
            "rows_read": read,
            "rows_quarantined": quarantined,
            "rate": rate,
            "blocking_batches": [e.key for e in bad],
        },
    )


def _batch_blocks(entry: BatchEntry) -> bool:
    """A batch's own quarantine blocks: >5% of its records (20 or more), or >1 record when smaller."""
    if entry.rows_read >= SMALL_BATCH_RECORDS:
        return entry.rows_quarantined > QUARANTINE_FAIL_RATE * entry.rows_read
    return entry.rows_quarantined > SMALL_BATCH_FAIL_RECORDS


def rejected_files(tables: Tables, contract: TableContract) -> CheckOutcome:
    """Raw files of the table refused as a whole: a warning on every run until each is fixed or
    forgotten (the table keeps its accepted batches meanwhile)."""
    rejections = tables.state(contract).ledger.rejections
    description = f"{len(rejections)} raw files refused"
    if rejections:
        description += ": " + "; ".join(
            f"{key} ({rejection.reason}): replace it with a readable file or run "
            f"`olist-lakehouse forget {key}`"
            for key, rejection in rejections.items()
        )
    return CheckOutcome(
        "rejected_files",
        contract.name,
        passed=not rejections,
        blocking=False,
        description=description,
        metadata={"rejected": sorted(rejections)},
    )


def clean_checks(tables: Tables, contract: TableContract) -> list[CheckOutcome]:
    """Every clean-layer check of one table."""
    outcomes = [
        primary_key_unique(tables, contract),
        row_conservation(tables, contract),
        quarantine_rate(tables, contract),
        rejected_files(tables, contract),
    ]
    outcomes += [foreign_key_coverage(tables, contract, fk) for fk in contract.foreign_keys]
    return outcomes


def all_clean_checks(tables: Tables) -> list[CheckOutcome]:
    return [
        outcome for contract in CONTRACTS.values() for outcome in clean_checks(tables, contract)
    ]


def _rows_per_batch(tables: Tables, namespace: str, table: str) -> dict[str, int]:
    """How many rows of a table came from each batch."""
    column = read_columns(tables, namespace, table, [BATCH_COLUMN])[BATCH_COLUMN]
    counts = pc.value_counts(column).to_pylist() if len(column) else []
    return {item["values"]: item["counts"] for item in counts}
