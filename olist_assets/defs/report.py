"""The report asset: one self-contained HTML page of charts over the business tables."""

import dagster as dg

from olist_assets.core.lake import BUSINESS
from olist_assets.defs.resources import LakeResource
from olist_assets.report.document import REPORT_KEY, data_uri, render_report
from olist_assets.report.tables import REPORT_COLUMNS

REPORT = "report"
REPORT_ASSET_KEY = dg.AssetKey([REPORT, "olist_report"])


@dg.asset(
    key=REPORT_ASSET_KEY,
    deps=[dg.AssetKey([BUSINESS, name]) for name in REPORT_COLUMNS],
    group_name=REPORT,
    kinds={"html", "matplotlib"},
    automation_condition=dg.AutomationCondition.eager(),
)
def olist_report(context: dg.AssetExecutionContext, lake: LakeResource) -> dg.MaterializeResult:
    """Monthly GMV, delivery, reviews, payments, top sellers and reconciliation as one HTML page."""
    store = lake.store()
    report = render_report(lake.tables(), store.url)
    store.write_bytes(REPORT_KEY, report.html.encode("utf-8"))
    context.log.info(f"report written to {store.uri(REPORT_KEY)}")
    headline = report.headline
    return dg.MaterializeResult(
        metadata={
            "monthly_gmv_and_orders": dg.MetadataValue.md(
                f"![Monthly GMV and orders]({data_uri(report.key_chart)})"
            ),
            "location": dg.MetadataValue.path(store.uri(REPORT_KEY)),
            "bytes": len(report.html.encode("utf-8")),
            "gmv": headline.gmv,
            "orders": headline.orders,
            "on_time_rate": headline.on_time_rate,
            "period": f"{headline.first_month} to {headline.last_month}",
        }
    )
