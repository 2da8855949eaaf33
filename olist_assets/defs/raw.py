"""Raw assets: one per Olist table, landing its files into raw/<path> unchanged, refusing the rest.

Which files are a table's batches is the core resolver's rule (`olist_assets.core.batches`); a file
refused (its name, a collision, content the clean step could not read) never enters raw/, is a
warning of the `files_accepted` check on every run while it stays in the landing folder, and never
blocks the table, which keeps its accepted batches.
"""

import dagster as dg
from pydantic import Field

from olist_assets.core.batch_status import LandedBatch, landing_batches
from olist_assets.core.contracts import CONTRACTS, TableContract, UnknownFileError
from olist_assets.core.lake import RAW
from olist_assets.core.lake import raw_key as raw_object_key
from olist_assets.core.landing import Rejection, TableLanding, land_table
from olist_assets.core.storage import Store
from olist_assets.core.versions import raw_version
from olist_assets.defs.metadata import rows_table
from olist_assets.defs.ownership import owners, tags
from olist_assets.defs.resources import LakeResource, LandingResource

FILES_ACCEPTED = "files_accepted"


def raw_key(table: str) -> dg.AssetKey:
    return dg.AssetKey([RAW, table])


class BatchScope(dg.Config):
    """Which of the table's batches a run takes: all of them unless named, so a user can re-run
    one drop (its raw and clean assets, with this config) without touching the others."""

    batches: list[str] = Field(
        default_factory=list,
        description="Batch keys: the files' paths in the landing folder (= under raw/), e.g. "
        "'2018-09/olist_orders_dataset.csv'. Empty: every file of the table.",
    )


def build_raw_asset(contract: TableContract) -> dg.AssetsDefinition:
    @dg.asset(
        key=raw_key(contract.name),
        group_name=RAW,
        kinds={"csv"},
        description=f"{contract.file_name} (and dated drops, in any subfolder) landed byte for "
        "byte into raw/<path>.",
        owners=owners(RAW),
        tags=tags(RAW, contract.name),
        code_version=raw_version(contract),
        check_specs=[
            dg.AssetCheckSpec(
                FILES_ACCEPTED,
                asset=raw_key(contract.name),
                description="No file meant for this table was refused (its name, a collision "
                "with another batch, or content the clean step cannot read).",
            )
        ],
    )
    def raw_table(
        context: dg.AssetExecutionContext,
        config: BatchScope,
        lake: LakeResource,
        landing: LandingResource,
    ) -> dg.MaterializeResult:
        store, source = lake.store(), landing.store()
        try:
            result = land_table(source, store, contract.name, config.batches or None)
        except UnknownFileError as error:
            raise dg.Failure(str(error)) from None
        for item in result.landed:
            context.log.info(f"{item.key}: {item.records} records, changed={item.changed}")
        for rejection in result.rejected:
            context.log.warning(f"refused {source.uri(rejection.key)}: {rejection.reason}")
        for rejection in result.unmatched:
            context.log.info(f"no table takes {source.uri(rejection.key)}: {rejection.reason}")
        if not result.held:
            raise dg.Failure(_nothing_landed(contract, source, result))
        return dg.MaterializeResult(
            metadata=_metadata(result, source, store, scoped=bool(config.batches)),
            check_results=[_files_accepted(result, source)],
        )

    return raw_table


def _nothing_landed(contract: TableContract, source: Store, result: TableLanding) -> str:
    refused = "; ".join(rejection.message for rejection in result.rejected)
    found = f"refused {refused}" if refused else "none found"
    return f"no accepted {contract.file_name} (nor a dated drop) in {source.url}: {found}"


def _files_accepted(result: TableLanding, source: Store) -> dg.AssetCheckResult:
    count, keys = len(result.rejected), [r.key for r in result.rejected]
    return dg.AssetCheckResult(
        check_name=FILES_ACCEPTED,
        passed=not count,
        severity=dg.AssetCheckSeverity.WARN,
        description=(
            f"{count} file{'' if count == 1 else 's'} refused ({', '.join(keys)}), the table keeps "
            f"its {len(result.held)} accepted; reasons in the metadata"
            if count
            else f"every file accepted ({len(result.held)} batches)"
        ),
        metadata={"rejected_files": dg.MetadataValue.json(_rejections(result.rejected, source))},
    )


def _metadata(result: TableLanding, source: Store, store: Store, scoped: bool) -> dict:
    """What the landing did, file by file; a run scoped to some drops read only those, so it
    publishes no row count for the table (the plot would show a dip that is not there)."""
    rows = {} if scoped else {"dagster/row_count": sum(f.records for f in result.landed)}
    return {
        **rows,
        "batches": rows_table(landing_batches(result), LandedBatch),
        "file_name": ", ".join(f.source_key for f in result.landed) or "none",
        "input_bytes": sum(f.size for f in result.landed),
        "files_changed": sum(f.changed for f in result.landed),
        "raw_files": dg.MetadataValue.json([raw_object_key(key) for key in result.held]),
        "rejected_files": dg.MetadataValue.json(_rejections(result.rejected, source)),
        "unmatched_files": dg.MetadataValue.json(_rejections(result.unmatched, source)),
        "ignored_files": dg.MetadataValue.json(
            [
                {"key": i.key, "location": source.uri(i.key), "note": i.reason}
                for i in result.ignored
            ]
        ),
        "location": dg.MetadataValue.path(store.uri(f"{RAW}/")),
    }


def _rejections(rejections: tuple[Rejection, ...], source: Store) -> list[dict]:
    return [{**r.as_dict(), "location": source.uri(r.key)} for r in rejections]


raw_assets = [build_raw_asset(contract) for contract in CONTRACTS.values()]
