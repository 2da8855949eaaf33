"""Raw assets: one per Olist table, landing its source files into raw/<table>/ unchanged."""

import dagster as dg

from olist_assets.core.contracts import CONTRACTS, TableContract
from olist_assets.core.lake import RAW, table_prefix
from olist_assets.core.landing import land_file, source_files
from olist_assets.core.versions import raw_version
from olist_assets.defs.ownership import owners, tags
from olist_assets.defs.resources import LakeResource, LandingResource


def raw_key(table: str) -> dg.AssetKey:
    return dg.AssetKey([RAW, table])


def build_raw_asset(contract: TableContract) -> dg.AssetsDefinition:
    @dg.asset(
        key=raw_key(contract.name),
        group_name=RAW,
        kinds={"csv"},
        description=f"{contract.file_name} (and dated drops) landed byte for byte into raw/.",
        owners=owners(RAW),
        tags=tags(RAW, contract.name),
        code_version=raw_version(contract),
    )
    def raw_table(
        context: dg.AssetExecutionContext, lake: LakeResource, landing: LandingResource
    ) -> dg.MaterializeResult:
        store, source = lake.store(), landing.store()
        keys = source_files(source, contract)
        already = source_files(store, contract) if not keys else []
        if not keys and not already:
            raise dg.Failure(f"no {contract.file_name} (nor a dated variant) in {source.url}")
        landed = [land_file(source, key, store, contract) for key in keys]
        for item in landed:
            context.log.info(f"{item.file_name}: {item.records} records, changed={item.changed}")
        return dg.MaterializeResult(
            metadata=_metadata(landed, store.uri(table_prefix(RAW, contract.name)))
        )

    return raw_table


def _metadata(landed, location: str) -> dict:
    files = [
        {
            "file": f.file_name,
            "bytes": f.size,
            "sha256": f.sha256,
            "records": f.records,
            "changed": f.changed,
        }
        for f in landed
    ]
    return {
        "dagster/row_count": sum(f.records for f in landed),
        "files": dg.MetadataValue.json(files),
        "file_name": ", ".join(f.file_name for f in landed),
        "input_bytes": sum(f.size for f in landed),
        "sha256": ", ".join(f.sha256 for f in landed),
        "files_changed": sum(f.changed for f in landed),
        "location": dg.MetadataValue.path(location),
    }


raw_assets = [build_raw_asset(contract) for contract in CONTRACTS.values()]
