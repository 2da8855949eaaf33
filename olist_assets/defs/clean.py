"""Clean assets: one per Olist table, typed Parquet with quarantine, plus their data-quality checks."""

import dagster as dg
import pyarrow as pa

from olist_assets.core.batch_status import TableBatch, changed_batches, table_batches
from olist_assets.core.batches import raw_keys_of
from olist_assets.core.checks import clean as core_checks
from olist_assets.core.checks.thresholds import (
    FOREIGN_KEY_FAIL_RATE,
    QUARANTINE_FAIL_RATE,
    QUARANTINE_MIN_BATCH_RECORDS,
    QUARANTINE_SMALL_BATCH_RECORDS,
    QUARANTINE_WARN_RATE,
    percent,
)
from olist_assets.core.cleaning import RefreshResult, refresh_table
from olist_assets.core.contracts import CONTRACTS, ForeignKey, TableContract, UnknownFileError
from olist_assets.core.lake import CLEAN
from olist_assets.core.versions import clean_version
from olist_assets.defs.metadata import check_result, column_schema, preview, rows_table
from olist_assets.defs.ownership import owners, tags
from olist_assets.defs.raw import BatchScope, raw_key
from olist_assets.defs.resources import LakeResource
from olist_assets.stores.iceberg.tables import IcebergTables

DROP_FIGURES = (
    "rows_read", "rows_clean", "rows_quarantined", "rows_duplicate", "rows_superseded",
    "rows_in_table",
)  # fmt: skip


def clean_key(table: str) -> dg.AssetKey:
    return dg.AssetKey([CLEAN, table])


def build_clean_asset(contract: TableContract) -> dg.AssetsDefinition:
    @dg.asset(
        key=clean_key(contract.name),
        deps=[raw_key(contract.name)],
        group_name=CLEAN,
        kinds={"iceberg", "parquet"},
        description=contract.description,
        owners=owners(CLEAN),
        tags=tags(CLEAN, contract.name),
        code_version=clean_version(contract),
        metadata={"dagster/column_schema": column_schema(contract)},
    )
    def clean_table(
        context: dg.AssetExecutionContext, config: BatchScope, lake: LakeResource
    ) -> dg.MaterializeResult:
        tables = lake.tables()
        try:
            raw_keys = raw_keys_of(contract.name, config.batches) if config.batches else None
            result = refresh_table(tables.store, tables, contract, raw_keys)
        except (UnknownFileError, FileNotFoundError) as error:
            raise dg.Failure(str(error)) from None
        context.log.info(
            f"{contract.name}: landed {[e.key for e in result.landed]}, removed "
            f"{result.removed}, {result.ledger.rows} rows, snapshot {result.snapshot_id}"
            + (f", {result.conflicts} concurrent commits retried" if result.conflicts else "")
        )
        for refused in result.ignored:
            context.log.warning(f"left out of {contract.name}: {refused}")
        for rejection in result.ledger.rejections.values():
            context.log.warning(f"{rejection.key} refused: {rejection.reason}")
        batches = table_batches(result)
        for batch in changed_batches(batches):
            context.log_event(_drop_event(contract, batch))
        return dg.MaterializeResult(metadata=_metadata(tables, contract, result, batches))

    return clean_table


def _drop_event(contract: TableContract, batch: TableBatch) -> dg.AssetObservation:
    """One drop that changed the table, as its own event in the asset's history."""
    return dg.AssetObservation(
        asset_key=clean_key(contract.name),
        description=batch.summary,
        metadata={
            "batch": batch.batch,
            "state": batch.state.value,
            **{name: getattr(batch, name) for name in DROP_FIGURES},
            "sha256": batch.sha256,
        },
    )


def _metadata(
    tables: IcebergTables, contract: TableContract, result: RefreshResult, batches: list[TableBatch]
) -> dict:
    ledger = result.ledger
    reader = tables.scan(CLEAN, contract.name) if result.snapshot_id is not None else None
    sample = next(iter(reader), None) if reader is not None else None
    return {
        "dagster/row_count": ledger.rows,
        "dagster/column_schema": column_schema(contract),
        "rows_read": ledger.total("rows_read"),
        "rows_clean": ledger.total("rows_clean"),
        "rows_quarantined": ledger.total("rows_quarantined"),
        "rows_deduplicated": ledger.total("rows_duplicate"),
        "rows_superseded": ledger.total("rows_superseded"),
        "blank_lines": ledger.total("rows_blank"),
        "input_bytes": ledger.total("size"),
        "batch_count": len(ledger.batches),
        "batches": rows_table(batches, TableBatch),
        "batches_landed": ", ".join(e.key for e in result.landed) or "none (unchanged)",
        "rejected_files": dg.MetadataValue.json(
            [{"key": r.key, "reason": r.reason} for r in ledger.rejections.values()]
        ),
        "ignored_files": ", ".join(result.ignored) or "none",
        "snapshot_id": str(result.snapshot_id),
        "concurrent_commits_retried": result.conflicts,
        "preview": preview(pa.Table.from_batches([sample]))
        if sample is not None
        else dg.MetadataValue.md("(empty)"),
        "location": dg.MetadataValue.path(tables.location(CLEAN, contract.name)),
    }


def _table_check(
    contract: TableContract, name: str, run, description: str, blocking: bool = True
) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=clean_key(contract.name), name=name, blocking=blocking, description=description
    )
    def check(lake: LakeResource) -> dg.AssetCheckResult:
        return check_result(run(lake.tables(), contract))

    return check


def _fk_check(contract: TableContract, fk: ForeignKey) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=clean_key(contract.name),
        name=f"fk_{fk.columns[0]}__{fk.table}",
        additional_deps=[clean_key(fk.table)],
        blocking=fk.blocking,
        description=f"Every {fk.columns[0]} exists in clean {fk.table}: orphans warn, and block "
        f"above {percent(FOREIGN_KEY_FAIL_RATE)} of the references"
        + (f" (known orphans only warn: {sorted(fk.known_orphans)})" if fk.known_orphans else ""),
    )
    def check(lake: LakeResource) -> dg.AssetCheckResult:
        return check_result(core_checks.foreign_key_coverage(lake.tables(), contract, fk))

    return check


def build_clean_checks(contract: TableContract) -> list[dg.AssetChecksDefinition]:
    checks = [
        _table_check(
            contract,
            "primary_key_unique",
            core_checks.primary_key_unique,
            "No two rows share the primary key.",
        ),
        _table_check(
            contract,
            "row_conservation",
            core_checks.row_conservation,
            "Rows read = clean + quarantined + duplicates per batch; the table holds each batch's "
            "clean rows less those superseded, the quarantine table its quarantined records.",
        ),
        _table_check(
            contract,
            "rejected_files",
            core_checks.rejected_files,
            "Raw files refused as a whole (warning): each named with how to remove it.",
            blocking=False,
        ),
        _table_check(
            contract,
            "quarantine_rate",
            core_checks.quarantine_rate,
            f"Quarantined share of rows: warns above {percent(QUARANTINE_WARN_RATE)}, blocks "
            f"above {percent(QUARANTINE_FAIL_RATE)} of the table or of a batch (a batch under "
            f"{QUARANTINE_MIN_BATCH_RECORDS} records: above {QUARANTINE_SMALL_BATCH_RECORDS}).",
        ),
    ]
    if contract.chronology:
        checks.append(
            _table_check(
                contract,
                "timestamps_in_order",
                core_checks.timestamps_in_order,
                "Lifecycle timestamps in order: "
                + "; ".join(f"{a} <= {b}" for a, b in contract.chronology)
                + " (a warning, with counts and examples).",
                blocking=False,
            )
        )
    return checks + [_fk_check(contract, fk) for fk in contract.foreign_keys]


clean_assets = [build_clean_asset(contract) for contract in CONTRACTS.values()]
clean_checks = [check for contract in CONTRACTS.values() for check in build_clean_checks(contract)]
