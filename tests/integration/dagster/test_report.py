"""The report: figures match hand-computed values, the HTML stands alone, the asset shows its chart."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import dagster as dg
import pytest

from olist_assets.core.tables import BUSINESS
from olist_assets.defs.report import REPORT_ASSET_KEY, olist_report
from olist_assets.defs.resources import LakeResource
from olist_assets.report import figures
from olist_assets.report.document import REPORT_KEY, render_report, write_report
from olist_assets.report.tables import MissingTablesError, load_tables
from olist_assets.stores.iceberg.tables import IcebergTables

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SECTIONS = [
    "Monthly GMV and orders",
    "On-time delivery by state",
    "Review score vs delivery delay",
    "Payment mix",
    "Top categories and sellers",
    "Reconciliation summary",
]


def test_headline_excludes_canceled_orders_and_counts_people(business_lake: IcebergTables) -> None:
    tables = load_tables(business_lake, business_lake.store.url)

    headline = figures.headline(tables["fact_orders"], tables["sales_monthly"])

    # o5 is canceled; c1 ordered twice; o3 and o4 of the five delivered orders were late
    assert (headline.gmv, headline.orders, headline.customers) == (290.0, 6, 5)
    assert headline.on_time_rate == pytest.approx(3 / 5)
    assert headline.avg_review == pytest.approx((5 + 4 + 1 + 2 + 3) / 5)
    assert (headline.first_month, headline.last_month) == ("2018-01", "2018-03")


def test_monthly_gmv_and_orders(business_lake: IcebergTables) -> None:
    tables = load_tables(business_lake, business_lake.store.url)

    monthly = figures.monthly(tables["fact_orders"], tables["sales_monthly"])

    assert monthly["gmv"].tolist() == [135.0, 100.0, 55.0]
    assert monthly["orders"].tolist() == [2, 2, 2]  # February: o3, o4, not the canceled o5


def test_reviews_are_bucketed_by_delivery_delay(business_lake: IcebergTables) -> None:
    buckets = figures.review_by_delay(
        load_tables(business_lake, business_lake.store.url)["fact_orders"]
    )

    reviewed = buckets[buckets["orders"] > 0]["avg_review"].to_dict()
    assert reviewed == {
        "8-14 early": 5.0,
        "1-7 early": 4.0,
        "on the day": 3.0,
        "1-3 late": 2.0,
        "8-14 late": 1.0,
    }


def test_on_time_rate_per_state_adds_up_months(business_lake: IcebergTables) -> None:
    per_state = figures.on_time_by_state(
        load_tables(business_lake, business_lake.store.url)["delivery_performance"]
    )

    assert per_state.loc["SP", ["delivered_orders", "late_orders"]].tolist() == [4, 2]
    assert per_state.loc["SP", "on_time_rate"] == 0.5
    assert per_state.index[0] == "RJ"


def test_payment_shares_sum_to_one_per_month(business_lake: IcebergTables) -> None:
    shares = figures.payment_shares(
        load_tables(business_lake, business_lake.store.url)["payment_mix"]
    )

    assert shares.sum(axis=1).round(9).tolist() == [1.0, 1.0, 1.0]
    assert shares.loc["2018-01-01", "boleto"] == pytest.approx(50 / 150)


def test_reconciliation_counts_orders_and_differences(business_lake: IcebergTables) -> None:
    summary = figures.reconciliation(
        load_tables(business_lake, business_lake.store.url)["fact_orders"]
    )

    assert summary["orders"].to_dict() == {
        "reconciled": 4,
        "items_without_payment": 1,
        "payment_gt_items": 1,
        "payment_without_items": 1,
    }
    assert summary.loc["payment_gt_items", "difference"] == 5.0


def test_top_rankings_are_by_gmv(business_lake: IcebergTables) -> None:
    tables = load_tables(business_lake, business_lake.store.url)

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
    assert metadata["gmv"].value == 290.0


def test_the_report_command_writes_the_html(business_lake: IcebergTables, tmp_path: Path) -> None:
    from olist_assets.cli.main import main

    out = tmp_path / "report.html"

    assert main(["report", "--lake", business_lake.store.url, "--out", str(out)]) == 0
    assert "<h2>Reconciliation summary</h2>" in out.read_text(encoding="utf-8")
