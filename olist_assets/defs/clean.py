"""Clean assets: one per Olist table, typed Parquet with quarantine, plus their data-quality checks."""

import dagster as dg

from olist_assets.core.checks import clean as core_checks
from olist_assets.core.cleaning import RefreshResult, refresh_table
from olist_assets.core.contracts import CONTRACTS, ForeignKey, TableContract
from olist_assets.core.lake import CLEAN, table_prefix
from olist_assets.core.reading import read_head
from olist_assets.core.storage import Store
from olist_assets.core.versions import clean_version
from olist_assets.defs.metadata import check_result, column_schema, preview
from olist_assets.defs.ownership import owners, tags
from olist_assets.defs.raw import raw_key
from olist_assets.defs.resources import LakeResource


def clean_key(table: str) -> dg.AssetKey:
    return dg.AssetKey([CLEAN, table])


def build_clean_asset(contract: TableContract) -> dg.AssetsDefinition:
    @dg.asset(
        key=clean_key(contract.name),
        deps=[raw_key(contract.name)],
        group_name=CLEAN,
        kinds={"parquet"},
        description=contract.description,
        owners=owners(CLEAN),
        tags=tags(CLEAN, contract.name),
        code_version=clean_version(contract),
        metadata={"dagster/column_schema": column_schema(contract)},
    )
    def clean_table(context: dg.AssetExecutionContext, lake: LakeResource) -> dg.MaterializeResult:
        store = lake.store()
        result = refresh_table(store, contract)
        context.log.info(
            f"{contract.name}: ingested {[b.batch for b in result.ingested]}, "
            f"removed {result.removed}, {result.manifest.rows} rows"
        )
        for key in result.ignored:
            context.log.warning(
                f"{key} is not a {contract.file_name} file (nor a dated drop): ignored"
            )
        return dg.MaterializeResult(metadata=_metadata(store, contract, result))

    return clean_table


def _metadata(store: Store, contract: TableContract, result: RefreshResult) -> dict:
    batches = result.manifest.batches.values()
    sample = read_head(store, table_prefix(CLEAN, contract.name))
    return {
        "dagster/row_count": result.manifest.rows,
        "dagster/column_schema": column_schema(contract),
        "rows_read": sum(b.rows_read for b in batches),
        "rows_clean": sum(b.rows_clean for b in batches),
        "rows_quarantined": sum(b.rows_quarantined for b in batches),
        "rows_deduplicated": sum(b.rows_duplicate for b in batches),
        "rows_superseded": sum(b.rows_superseded for b in batches),
        "input_bytes": sum(b.size for b in batches),
        "batches": len(result.manifest.batches),
        "batches_ingested": ", ".join(b.batch for b in result.ingested) or "none (unchanged)",
        "ignored_files": ", ".join(result.ignored) or "none",
        "preview": preview(sample) if sample is not None else dg.MetadataValue.md("(empty)"),
        "location": dg.MetadataValue.path(store.uri(table_prefix(CLEAN, contract.name))),
    }


def _table_check(
    contract: TableContract, name: str, run, description: str
) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=clean_key(contract.name), name=name, blocking=True, description=description
    )
    def check(lake: LakeResource) -> dg.AssetCheckResult:
        return check_result(run(lake.store(), contract))

    return check


def _fk_check(contract: TableContract, fk: ForeignKey) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=clean_key(contract.name),
        name=f"fk_{fk.columns[0]}__{fk.table}",
        additional_deps=[clean_key(fk.table)],
        blocking=fk.blocking,
        description=f"Every {fk.columns[0]} exists in clean {fk.table}"
        + (f" (known orphans warn: {sorted(fk.known_orphans)})" if fk.known_orphans else ""),
    )
    def check(lake: LakeResource) -> dg.AssetCheckResult:
        return check_result(core_checks.foreign_key_coverage(lake.store(), contract, fk))

    return check


def build_clean_checks(contract: TableContract) -> list[dg.AssetChecksDefinition]:
    return [
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
            "Rows read = clean + quarantined + duplicates; clean files match the ledger.",
        ),
        _table_check(
            contract,
            "quarantine_rate",
            core_checks.quarantine_rate,
            "Quarantined share of rows: warns above 0, blocks above 5%.",
        ),
    ] + [_fk_check(contract, fk) for fk in contract.foreign_keys]


clean_assets = [build_clean_asset(contract) for contract in CONTRACTS.values()]
clean_checks = [check for contract in CONTRACTS.values() for check in build_clean_checks(contract)]
