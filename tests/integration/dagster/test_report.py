"""The report: figures match hand-computed values, the HTML stands alone, the asset shows its chart."""

from __future__ import annotations

import base64
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from olist_assets.core.business.docs import table_doc
from olist_assets.core.business.headline import headline
from olist_assets.core.tables import BUSINESS
from olist_assets.defs.report import REPORT_ASSET_KEY, olist_report
from olist_assets.defs.resources import LakeResource
from olist_assets.report import figures
from olist_assets.report.document import REPORT_KEY, render_report, write_report
from olist_assets.report.tables import MissingTablesError, load_tables
from olist_assets.stores.iceberg.tables import IcebergTables

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JAN, MAR = dt.date(2018, 1, 1), dt.date(2018, 3, 1)
SECTIONS = [
    "Monthly GMV and orders",
    "On-time delivery by state",
    "Review score vs delivery delay",
    "Payment mix",
    "Top categories and sellers",
    "Reconciliation summary",
    "Customers: retention by cohort",
    "Customers: RFM segments",
]


def frames(tables: IcebergTables) -> dict[str, pd.DataFrame]:
    loaded = load_tables(tables, tables.store.url)
    return {name: table.to_pandas() for name, table in loaded.items()}


def test_the_report_headline_is_the_core_headline_of_sold_orders(
    business_lake: IcebergTables,
) -> None:
    report = render_report(business_lake, business_lake.store.url)

    # o5 is canceled; c1 ordered twice; o3 and o4 of the five delivered orders were late
    assert report.headline == headline(
        load_tables(business_lake, business_lake.store.url)["fact_orders"]
    )
    assert (report.headline.gmv, report.headline.orders, report.headline.customers) == (
        Decimal("290.00"),
        6,
        5,
    )
    assert report.headline.on_time_rate == pytest.approx(3 / 5)
    assert report.headline.avg_review == pytest.approx((5 + 4 + 1 + 2 + 3) / 5)
    assert (report.headline.first_month, report.headline.last_month) == (JAN, MAR)


def test_monthly_gmv_and_orders_come_from_kpi_monthly(business_lake: IcebergTables) -> None:
    monthly = figures.monthly(frames(business_lake)["kpi_monthly"])

    assert monthly["gmv"].tolist() == [135.0, 100.0, 55.0]
    assert monthly["orders"].tolist() == [2, 2, 2]


def test_a_month_without_orders_is_a_gap_not_a_bridge_and_every_month_has_its_tick() -> None:
    kpi = pd.DataFrame(
        {
            "month": [dt.date(2016, 10, 1), dt.date(2016, 12, 1)],
            "orders": [3, 1],
            "gmv": ["10.00", "2.50"],
        }
    )

    monthly = figures.monthly(kpi)

    assert [str(month) for month in monthly.index] == ["2016-10", "2016-11", "2016-12"]
    assert monthly["orders"].isna().tolist() == [False, True, False]
    assert monthly["gmv"].tolist()[::2] == [10.0, 2.5]


def test_reviews_are_bucketed_by_delivery_delay(business_lake: IcebergTables) -> None:
    buckets = figures.review_by_delay(frames(business_lake)["fact_orders"])

    reviewed = buckets[buckets["orders"] > 0]["avg_review"].to_dict()
    assert reviewed == {
        "8-14 early": 5.0,
        "1-7 early": 4.0,
        "on the day": 3.0,
        "1-3 late": 2.0,
        "8-14 late": 1.0,
    }


def test_on_time_rate_per_state_adds_up_months(business_lake: IcebergTables) -> None:
    per_state = figures.on_time_by_state(frames(business_lake)["delivery_performance"])

    assert per_state.loc["SP", ["delivered_orders", "late_orders"]].tolist() == [4, 2]
    assert per_state.loc["SP", "on_time_rate"] == 0.5
    assert per_state.index[0] == "RJ"


def test_payment_shares_sum_to_one_per_month(business_lake: IcebergTables) -> None:
    shares = figures.payment_shares(frames(business_lake)["payment_mix"])

    assert shares.sum(axis=1).round(9).tolist() == [1.0, 1.0, 1.0]
    assert shares.loc[pd.Period("2018-01", "M"), "boleto"] == pytest.approx(50 / 150)


def test_reconciliation_counts_orders_and_differences(business_lake: IcebergTables) -> None:
    summary = figures.reconciliation(frames(business_lake)["fact_orders"])

    assert summary["orders"].to_dict() == {
        "reconciled": 4,
        "items_without_payment": 1,
        "payment_gt_items": 1,
        "payment_without_items": 1,
    }
    assert summary.loc["payment_gt_items", "difference"] == 5.0
    assert figures.RECONCILED not in figures.exceptions(summary).index


def test_rfm_segments_are_counted_in_their_defined_order_with_their_definitions(
    business_lake: IcebergTables,
) -> None:
    definitions = table_doc("customer_rfm").values["segment"]

    segments = figures.segments(frames(business_lake)["customer_rfm"], definitions)

    assert segments.index.tolist() == list(definitions)
    assert segments["customers"].to_dict() == {
        "champions": 1, "loyal": 0, "recent": 3, "at_risk": 0, "needs_attention": 0, "lost": 0
    }  # fmt: skip
    assert segments.loc["recent", "share"] == 0.75
    assert segments.loc["loyal", "definition"] == definitions["loyal"]
    with pytest.raises(ValueError, match="without a definition: \\['vip'\\]"):
        figures.segments(
            pd.DataFrame({"customer_unique_id": ["x"], "segment": ["vip"]}), definitions
        )


def test_retention_shows_every_cohort_and_month_with_zeros_apart_from_unobserved(
    business_lake: IcebergTables,
) -> None:
    table = figures.retention(frames(business_lake)["cohort_retention"])

    assert table.index.tolist() == ["2018-01 (2)", "2018-02 (1)", "2018-03 (2)"]
    assert table.columns.tolist() == [1, 2]
    assert table.loc["2018-01 (2)"].tolist() == [0.5, 0.0]
    assert table.loc["2018-02 (1)", 1] == 0.0
    assert table.loc["2018-02 (1)"].isna().tolist() == [False, True]
    assert table.loc["2018-03 (2)"].isna().all()


def test_no_cohorts_is_an_empty_heat_map_not_an_error() -> None:
    empty = pd.DataFrame(
        {"cohort_month": [], "months_since_first": [], "cohort_customers": [], "retention_rate": []}
    )

    assert figures.retention(empty).empty


def test_top_rankings_are_by_gmv(business_lake: IcebergTables) -> None:
    tables = frames(business_lake)

    assert figures.top_categories(tables["sales_monthly"]).index.tolist() == [
        "toys",
        "unknown",
        "bed_bath_table",
    ]
    assert figures.top_sellers(tables["seller_scorecard"], 2).index.tolist() == ["s1", "s2"]


def test_the_html_has_every_section_with_embedded_png_charts(business_lake: IcebergTables) -> None:
    report = render_report(business_lake, business_lake.store.url)

    for title in SECTIONS:
        assert f"<h2>{title}</h2>" in report.html
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', report.html)
    assert len(images) >= 8
    assert all(base64.b64decode(image).startswith(PNG_SIGNATURE) for image in images)
    assert report.key_chart.startswith(PNG_SIGNATURE)


def test_the_html_loads_nothing_from_elsewhere(business_lake: IcebergTables) -> None:
    html = render_report(business_lake, business_lake.store.url).html

    assert not re.search(r'(src|href)="(?!data:)', html)
    assert "http://" not in html and "https://" not in html


def test_a_missing_business_table_is_named(business_lake: IcebergTables, tmp_path: Path) -> None:
    business_lake.catalog.drop_table(business_lake.config.identifier(BUSINESS, "payment_mix"))

    with pytest.raises(MissingTablesError, match="has no business table payment_mix$"):
        write_report(business_lake, business_lake.store.url, tmp_path / "report.html")


def test_write_report_creates_the_file(business_lake: IcebergTables, tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.html"

    report = write_report(business_lake, business_lake.store.url, out)

    assert out.read_text(encoding="utf-8") == report.html


def test_the_report_asset_writes_to_the_lake_and_shows_the_key_chart(
    business_lake: IcebergTables,
) -> None:
    result = dg.materialize(
        [olist_report], resources={"lake": LakeResource(url=business_lake.store.url)}
    )

    (event,) = result.get_asset_materialization_events()
    metadata = event.materialization.metadata
    assert event.asset_key == REPORT_ASSET_KEY
    assert (business_lake.store.root / REPORT_KEY).is_file()
    chart = metadata["monthly_gmv_and_orders"].value
    encoded = re.fullmatch(r"!\[Monthly GMV and orders\]\(data:image/png;base64,(.+)\)", chart)
    assert encoded and base64.b64decode(encoded.group(1)).startswith(PNG_SIGNATURE)
    assert (metadata["gmv"].value, metadata["gmv_float"].value) == ("290.00", 290.0)
    assert (metadata["orders"].value, metadata["customers"].value) == (6, 5)


def test_the_report_command_writes_the_html(business_lake: IcebergTables, tmp_path: Path) -> None:
    from olist_assets.cli.main import main

    out = tmp_path / "report.html"

    assert main(["report", "--lake", business_lake.store.url, "--out", str(out)]) == 0
    assert "<h2>Reconciliation summary</h2>" in out.read_text(encoding="utf-8")
