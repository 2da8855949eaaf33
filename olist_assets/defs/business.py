"""Business assets: one per business table, built by its SQL file on DuckDB, with its checks."""

from collections.abc import Iterator
from datetime import timedelta

import dagster as dg
from pydantic import Field

from olist_assets.core.business.builds import build_version
from olist_assets.core.business.docs import table_doc
from olist_assets.core.business.engine import BuildResult, SqlEngine
from olist_assets.core.business.headline import HEADLINE_SQL, headline
from olist_assets.core.business.tables import BUSINESS_TABLES, BusinessTable
from olist_assets.core.checks.business import BusinessCheck, checks_for
from olist_assets.core.lake import BUSINESS
from olist_assets.defs.clean import clean_key
from olist_assets.defs.metadata import check_result, documented_schema, headline_metadata, preview
from olist_assets.defs.ownership import owners, tags
from olist_assets.defs.resources import DuckDBResource

PREVIEW_ROWS = 5
# What the business expects: tables no older than a day (a warning after 12 hours), whether they
# follow new files or the nightly schedule. The freshness daemon of `dg dev` evaluates it.
BUSINESS_FRESHNESS = dg.FreshnessPolicy.time_window(
    fail_window=timedelta(hours=24), warn_window=timedelta(hours=12)
)


def business_key(name: str) -> dg.AssetKey:
    return dg.AssetKey([BUSINESS, name])


class BusinessBuild(dg.Config):
    """How a run builds a business table: only when its inputs or version changed, unless told."""

    rebuild: bool = Field(
        default=False,
        description="Build even when the table was built from what its inputs hold now by the "
        "current SQL and documentation (after a DuckDB upgrade, say). Default: only when needed.",
    )


def build_business_asset(table: BusinessTable) -> dg.AssetsDefinition:
    @dg.asset(
        key=business_key(table.name),
        deps=[clean_key(t) for t in table.reads] + [business_key(t) for t in table.depends_on],
        group_name=BUSINESS,
        kinds={"duckdb", "iceberg"},
        description=table_doc(table.name).description,
        owners=owners(BUSINESS),
        tags=tags(BUSINESS, table.name),
        code_version=build_version(table.name),
        freshness_policy=BUSINESS_FRESHNESS,
        metadata={"grain": ", ".join(table.grain), "sql": f"sql/business/{table.sql_file.name}"},
    )
    def business_table(
        context: dg.AssetExecutionContext, config: BusinessBuild, duckdb: DuckDBResource
    ) -> dg.MaterializeResult:
        engine = duckdb.engine()
        result = engine.build_table(table.name, rebuild=config.rebuild)
        context.log.info(
            f"{table.name}: {result.rows} rows in {result.seconds:.2f}s, "
            f"snapshot {result.snapshot_id} from {result.inputs}"
            if result.rebuilt
            else f"{table.name}: unchanged, snapshot {result.snapshot_id} was built from the "
            f"current snapshots of its inputs {result.inputs}"
        )
        return dg.MaterializeResult(
            metadata=_metadata(engine, table, result),
            data_version=dg.DataVersion(str(result.snapshot_id)),
        )

    return business_table


def _metadata(engine: SqlEngine, table: BusinessTable, result: BuildResult) -> dict:
    order = ", ".join(table.grain)
    sample = engine.query(
        f"SELECT * FROM business.{table.name} ORDER BY {order} LIMIT {PREVIEW_ROWS}"
    )
    metadata = {
        "dagster/row_count": result.rows,
        "dagster/column_schema": documented_schema(sample.schema, table_doc(table.name)),
        "preview": preview(sample, PREVIEW_ROWS),
        "location": dg.MetadataValue.path(result.location),
        "build_seconds": round(result.seconds, 3),
        "rebuilt": result.rebuilt,
        "snapshot_id": str(result.snapshot_id),
        "input_snapshots": dg.MetadataValue.json(
            {name: str(snapshot) for name, snapshot in result.inputs.items()}
        ),
    }
    if table.name == "fact_orders":
        metadata |= headline_metadata(headline(engine.query(HEADLINE_SQL)))
    return metadata


def build_business_checks(table: str) -> dg.AssetChecksDefinition:
    """Every check of one business table, run in one step: each is still its own result in the UI,
    blocking or a warning, but they share one step's overhead (most of a check's time in a run)."""
    checks: dict[str, BusinessCheck] = {check.name: check for check in checks_for(table)}
    key = business_key(table)

    @dg.multi_asset_check(
        name=f"{table}_checks",
        specs=[
            dg.AssetCheckSpec(
                check.name, asset=key, blocking=check.blocking, description=check.description
            )
            for check in checks.values()
        ],
        can_subset=True,
    )
    def business_table_checks(
        context: dg.AssetCheckExecutionContext, duckdb: DuckDBResource
    ) -> Iterator[dg.AssetCheckResult]:
        selected = {check_key.name for check_key in context.selected_asset_check_keys}
        for name in [name for name in checks if name in selected]:
            yield check_result(checks[name].evaluate(duckdb.engine()), asset_key=key)

    return business_table_checks


business_assets = [build_business_asset(table) for table in BUSINESS_TABLES.values()]
business_checks = [build_business_checks(table) for table in BUSINESS_TABLES if checks_for(table)]
