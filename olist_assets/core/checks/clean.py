"""Data-quality checks on the clean layer, as plain functions over the lake's tables and ledgers.

Dagster asset checks and the production quality-check Lambda call these same functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

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
from olist_assets.core.fingerprints import fingerprints
from olist_assets.core.tables import BATCH_COLUMN, CLEAN, QUARANTINE, MissingTableError, Tables


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
    """Every non-null reference finds its row in the referenced clean table.

    Orphan references warn; they block above FOREIGN_KEY_FAIL_RATE of the references (known orphans,
    a source's own gaps, never block). The metadata lists the first SAMPLE_SIZE orphan keys.
    """
    child = read_columns(tables, CLEAN, contract.name, list(fk.columns))
    parent = read_columns(tables, CLEAN, fk.table, list(fk.ref_columns))
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
    """Share of records quarantined, per table and per batch (a raw file): a warning above
    QUARANTINE_WARN_RATE (0); blocking when the table or any batch is past the threshold
    (`quarantine_blocks`), so a whole drop quarantined cannot hide behind a large table."""
    batches = list(tables.state(contract).ledger.batches.values())
    read = sum(b.rows_read for b in batches)
    quarantined = sum(b.rows_quarantined for b in batches)
    rate = quarantined / read if read else 0.0
    past = [b for b in batches if quarantine_blocks(b.rows_read, b.rows_quarantined)]
    description = (
        f"{quarantined} of {read} records quarantined ({rate:.3%}; blocking above "
        f"{percent(QUARANTINE_FAIL_RATE)} of the table or of a batch, or for a batch under "
        f"{QUARANTINE_MIN_BATCH_RECORDS} records above {QUARANTINE_SMALL_BATCH_RECORDS})"
    )
    if past:
        description += "; batches past the threshold: " + ", ".join(
            f"{b.raw_key} ({b.rows_quarantined} of {b.rows_read})" for b in past
        )
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
            "batches_past_threshold": [b.raw_key for b in past],
        },
    )


def timestamps_in_order(tables: Tables, contract: TableContract) -> CheckOutcome:
    """Rows whose timestamps contradict the table's chronology (an order delivered before it was
    purchased): a warning, counted per rule, with the first SAMPLE_SIZE rows as examples."""
    columns = list(dict.fromkeys(c for pair in contract.chronology for c in pair))
    table = read_columns(tables, CLEAN, contract.name, [*contract.key_columns, *columns])
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


def rejected_files(tables: Tables, contract: TableContract) -> CheckOutcome:
    """Raw files of the table refused as a whole: a warning on every run until each is fixed or
    forgotten (the table keeps its accepted batches meanwhile)."""
    rejections = tables.state(contract).ledger.rejections
    description = f"{len(rejections)} raw file{'' if len(rejections) == 1 else 's'} refused"
    if rejections:
        description += ": " + "; ".join(
            f"{key} ({rejection.reason}): replace it with a readable file or run "
            f"`olist-lakehouse forget --lake LAKE {key}`"
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
    if contract.chronology:
        outcomes.append(timestamps_in_order(tables, contract))
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
