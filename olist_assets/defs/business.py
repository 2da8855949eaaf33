"""Business assets: one per business table, built by its SQL file on DuckDB, with its checks."""

import dagster as dg

from olist_assets.core.business.engine import BuildResult
from olist_assets.core.business.headline import headline
from olist_assets.core.business.tables import BUSINESS_TABLES, BusinessTable
from olist_assets.core.checks.business import BUSINESS_CHECKS, BusinessCheck
from olist_assets.core.lake import BUSINESS
from olist_assets.defs.clean import clean_key
from olist_assets.defs.metadata import arrow_schema, check_result, preview
from olist_assets.defs.resources import LakeResource
from olist_assets.engines.duckdb_engine import DuckDBEngine

PREVIEW_ROWS = 5


def business_key(name: str) -> dg.AssetKey:
    return dg.AssetKey([BUSINESS, name])


def build_business_asset(table: BusinessTable) -> dg.AssetsDefinition:
    @dg.asset(
        key=business_key(table.name),
        deps=[clean_key(t) for t in table.reads] + [business_key(t) for t in table.depends_on],
        group_name=BUSINESS,
        kinds={"duckdb", "iceberg"},
        description=table.description,
        metadata={"grain": ", ".join(table.grain), "sql": f"sql/business/{table.sql_file.name}"},
    )
    def business_table(
        context: dg.AssetExecutionContext, lake: LakeResource
    ) -> dg.MaterializeResult:
        engine = DuckDBEngine(lake.tables())
        try:
            result = engine.build_table(table.name)
            context.log.info(
                f"{table.name}: {result.rows} rows in {result.seconds:.2f}s, "
                f"snapshot {result.snapshot_id} from {result.inputs}"
            )
            return dg.MaterializeResult(metadata=_metadata(engine, table, result))
        finally:
            engine.close()

    return business_table


def _metadata(engine: DuckDBEngine, table: BusinessTable, result: BuildResult) -> dict:
    order = ", ".join(table.grain)
    sample = engine.query(
        f"SELECT * FROM business.{table.name} ORDER BY {order} LIMIT {PREVIEW_ROWS}"
    )
    metadata = {
        "dagster/row_count": result.rows,
        "dagster/column_schema": arrow_schema(sample.schema),
        "preview": preview(sample, PREVIEW_ROWS),
        "location": dg.MetadataValue.path(result.location),
        "build_seconds": round(result.seconds, 3),
        "snapshot_id": str(result.snapshot_id),
        "input_snapshots": dg.MetadataValue.json(
            {name: str(snapshot) for name, snapshot in result.inputs.items()}
        ),
    }
    if table.name == "fact_orders":
        figures = headline(engine)
        metadata |= {
            "orders": figures.orders,
            "gmv": float(figures.gmv),
            "revenue": float(figures.revenue),
            "on_time_rate": figures.on_time_rate,
        }
    return metadata


def build_business_check(check: BusinessCheck) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=business_key(check.table),
        name=check.name,
        blocking=check.blocking,
        description=check.description,
    )
    def business_check(lake: LakeResource) -> dg.AssetCheckResult:
        engine = DuckDBEngine(lake.tables())
        try:
            return check_result(check.evaluate(engine))
        finally:
            engine.close()

    return business_check


business_assets = [build_business_asset(table) for table in BUSINESS_TABLES.values()]
business_checks = [build_business_check(check) for check in BUSINESS_CHECKS]
