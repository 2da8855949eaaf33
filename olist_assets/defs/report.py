"""The report asset: one self-contained HTML page of charts over the business tables."""

import dagster as dg

from olist_assets.core.business.docs import doc_file
from olist_assets.core.lake import BUSINESS, REPORT_KEY
from olist_assets.core.versions import digest, module_source
from olist_assets.defs.business import BUSINESS_FRESHNESS
from olist_assets.defs.metadata import headline_metadata
from olist_assets.defs.ownership import REPORT, owners, tags
from olist_assets.defs.resources import LakeResource
from olist_assets.report.tables import REPORT_COLUMNS

REPORT_ASSET_KEY = dg.AssetKey([REPORT, "olist_report"])
# What decides the page: the report's modules, the headline definition, the segment definitions.
REPORT_SOURCES = (
    "olist_assets.core.business.headline",
    "olist_assets.report.charts",
    "olist_assets.report.document",
    "olist_assets.report.figures",
    "olist_assets.report.tables",
)


def report_version() -> str:
    """The report's code version: its sources and the RFM documentation it prints."""
    sources = [module_source(name) for name in REPORT_SOURCES]
    return digest(["report", *sources, doc_file("customer_rfm").read_bytes()])


@dg.asset(
    key=REPORT_ASSET_KEY,
    deps=[dg.AssetKey([BUSINESS, name]) for name in REPORT_COLUMNS],
    group_name=REPORT,
    kinds={"html", "matplotlib"},
    owners=owners(REPORT),
    tags=tags(REPORT, "olist_report"),
    code_version=report_version(),
    freshness_policy=BUSINESS_FRESHNESS,
    automation_condition=dg.AutomationCondition.eager(),
)
def olist_report(context: dg.AssetExecutionContext, lake: LakeResource) -> dg.MaterializeResult:
    """Monthly GMV, delivery, reviews, payments, top sellers, reconciliation and customers as one
    HTML page."""
    # matplotlib loads here, not with the code location: no other asset needs it
    from olist_assets.report.document import data_uri, render_report

    store = lake.store()
    report = render_report(lake.tables(), store.url)
    store.write_bytes(REPORT_KEY, report.html.encode("utf-8"))
    context.log.info(f"report written to {store.uri(REPORT_KEY)}")
    return dg.MaterializeResult(
        metadata={
            "monthly_gmv_and_orders": dg.MetadataValue.md(
                f"![Monthly GMV and orders]({data_uri(report.key_chart)})"
            ),
            "location": dg.MetadataValue.path(store.uri(REPORT_KEY)),
            "bytes": len(report.html.encode("utf-8")),
            **headline_metadata(report.headline),
        }
    )
