"""The report as one self-contained HTML file: charts embedded as base64 PNG, no network needed."""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from olist_assets.core.business.docs import table_doc
from olist_assets.core.business.headline import Headline, headline
from olist_assets.core.tables import Tables
from olist_assets.report import charts, figures
from olist_assets.report.tables import load_tables

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1d2430;
       background: #f5f6f8; }
header { background: #1f5f8b; color: white; padding: 24px 40px; }
header h1 { margin: 0 0 4px 0; font-size: 26px; }
main { max-width: 1040px; margin: 0 auto; padding: 16px 24px 48px; }
.cards { display: grid; grid-template-columns: repeat(5, 1fr); gap: 12px; margin: 16px 0; }
.card { background: white; border-radius: 8px; padding: 12px 16px; box-shadow: 0 1px 2px #0002; }
.card .value { font-size: 22px; font-weight: 600; }
.card .label { color: #5b6472; font-size: 12px; }
section { background: white; border-radius: 8px; padding: 8px 24px 20px; margin: 16px 0;
          box-shadow: 0 1px 2px #0002; }
section img { max-width: 100%; height: auto; display: block; margin: 8px auto; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e3e6ea; text-align: right; }
th:first-child, td:first-child { text-align: left; }
p.note { color: #5b6472; font-size: 13px; }
"""


@dataclass(frozen=True)
class Report:
    """The rendered report, its key chart (for the Dagster UI) and headline figures."""

    html: str
    key_chart: bytes
    headline: Headline


def render_report(lake: Tables, lake_url: str) -> Report:
    """Read the business tables from the lake and render every section."""
    tables = load_tables(lake, lake_url)
    figures_of = headline(tables["fact_orders"])
    frames = {name: table.to_pandas() for name, table in tables.items()}
    orders = frames["fact_orders"]
    key_chart = charts.monthly_chart(figures.monthly(frames["kpi_monthly"]))
    sections = [
        _section(
            "Monthly GMV and orders",
            key_chart,
            "From kpi_monthly, each order counted once; GMV is the sum of the sold orders' item "
            f"prices. Sold (fact_orders.is_sold): {table_doc('fact_orders').columns['is_sold']}",
        ),
        _delivery_section(frames["delivery_performance"]),
        _reviews_section(orders),
        _payments_section(frames["payment_mix"]),
        _top_section(frames["sales_monthly"], frames["seller_scorecard"]),
        _reconciliation_section(orders),
        _customers_section(frames["customer_rfm"], frames["cohort_retention"]),
    ]
    page = _page(lake_url, figures_of, sections)
    return Report(html=page, key_chart=key_chart, headline=figures_of)


def write_report(lake: Tables, lake_url: str, out: Path) -> Report:
    """Render the report into a local file (parents created)."""
    report = render_report(lake, lake_url)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report.html, encoding="utf-8")
    return report


def data_uri(png: bytes) -> str:
    """The PNG as a data: URI, so the page (or a Markdown cell) needs no other file."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def image_tag(png: bytes, alt: str) -> str:
    return f'<img alt="{html.escape(alt)}" src="{data_uri(png)}">'


def _section(title: str, png: bytes, note: str = "", table: str = "") -> str:
    note_html = f'<p class="note">{html.escape(note)}</p>' if note else ""
    return (
        f"<section><h2>{html.escape(title)}</h2>{image_tag(png, title)}{note_html}{table}</section>"
    )


def _table(frame: pd.DataFrame, formats: dict[str, str]) -> str:
    shown = frame.copy()
    for column, pattern in formats.items():
        shown[column] = [pattern.format(v) if pd.notna(v) else "-" for v in shown[column]]
    return shown.reset_index().to_html(border=0, escape=True, index=False)


def _delivery_section(delivery: pd.DataFrame) -> str:
    per_state = figures.on_time_by_state(delivery)
    return _section(
        "On-time delivery by state",
        charts.on_time_chart(per_state),
        "Delivered orders only; late means delivered after the estimated date (dates compared).",
    )


def _reviews_section(orders: pd.DataFrame) -> str:
    buckets = figures.review_by_delay(orders)
    return _section(
        "Review score vs delivery delay",
        charts.review_delay_chart(buckets),
        "Delay is the delivered date minus the estimated date, for delivered and reviewed orders.",
        _table(buckets, {"orders": "{:,}", "avg_review": "{:.2f}"}),
    )


def _payments_section(payments: pd.DataFrame) -> str:
    totals = figures.payment_totals(payments)
    return _section(
        "Payment mix",
        charts.payment_chart(figures.payment_shares(payments)),
        table=_table(totals, {"payments": "{:,}", "value": "R$ {:,.2f}", "share": "{:.1%}"}),
    )


def _top_section(sales: pd.DataFrame, sellers: pd.DataFrame) -> str:
    categories = charts.ranking_chart(
        figures.top_categories(sales), "Top 10 product categories by GMV"
    )
    top = figures.top_sellers(sellers)
    labels = [
        f"{seller[:8]}… ({state})"
        for seller, state in zip(top.index, top["seller_state"], strict=True)
    ]
    sellers_chart = charts.ranking_chart(
        top["gmv"].set_axis(labels), "Top 10 sellers by GMV (id prefix, state)"
    )
    table = _table(
        top[["seller_state", "orders", "gmv", "on_time_rate", "avg_review_score"]],
        {
            "orders": "{:,}",
            "gmv": "R$ {:,.2f}",
            "on_time_rate": "{:.1%}",
            "avg_review_score": "{:.2f}",
        },
    )
    return (
        "<section><h2>Top categories and sellers</h2>"
        f"{image_tag(categories, 'Top categories')}{image_tag(sellers_chart, 'Top sellers')}"
        f"{table}</section>"
    )


def _reconciliation_section(orders: pd.DataFrame) -> str:
    summary = figures.reconciliation(orders)
    reconciled = int(summary["orders"].get(figures.RECONCILED, 0))
    chart = charts.reconciliation_chart(
        figures.exceptions(summary), reconciled, int(summary["orders"].sum())
    )
    return _section(
        "Reconciliation summary",
        chart,
        "Each order's payments against its items' price plus freight, with a R$0.01 tolerance.",
        _table(
            summary,
            {
                "orders": "{:,}",
                "payment_total": "R$ {:,.2f}",
                "items_total": "R$ {:,.2f}",
                "difference": "R$ {:,.2f}",
                "share": "{:.2%}",
            },
        ),
    )


def _customers_section(rfm: pd.DataFrame, cohorts: pd.DataFrame) -> str:
    rfm_doc = table_doc("customer_rfm")
    segments = figures.segments(rfm, rfm_doc.values["segment"])
    scales = " ".join(rfm_doc.columns[score] for score in ("r_score", "f_score", "m_score"))
    return (
        _section(
            "Customers: retention by cohort",
            charts.retention_chart(figures.retention(cohorts)),
            "People are counted by customer_unique_id; a cohort is the month of their first sold "
            "order, its size in brackets. 0.0% means nobody of the cohort bought that month; a "
            "blank cell, a month after the data ends.",
        )
        + "<section><h2>Customers: RFM segments</h2>"
        + f'<p class="note">{html.escape(rfm_doc.description)} {html.escape(scales)}</p>'
        + _table(segments, {"customers": "{:,}", "share": "{:.1%}"})
        + "</section>"
    )


def _optional(value: float | None, pattern: str) -> str:
    return "-" if value is None else pattern.format(value)


def _page(lake_url: str, headline: Headline, sections: list[str]) -> str:
    cards = [
        (f"R$ {headline.gmv:,.0f}", "GMV"),
        (f"{headline.orders:,}", "sold orders"),
        (f"{headline.customers:,}", "customers"),
        (_optional(headline.on_time_rate, "{:.1%}"), "delivered on time"),
        (_optional(headline.avg_review, "{:.2f} / 5"), "average review"),
    ]
    cards_html = "".join(
        f'<div class="card"><div class="value">{html.escape(v)}</div>'
        f'<div class="label">{html.escape(label)}</div></div>'
        for v, label in cards
    )
    generated = datetime.now(tz=UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">'
        f"<title>Olist lakehouse report</title><style>{STYLE}</style></head><body>"
        "<header><h1>Olist lakehouse report</h1>"
        f"<div>{_month(headline.first_month)} to {_month(headline.last_month)} · "
        f"lake {html.escape(lake_url)} · generated {generated}</div></header>"
        f'<main><div class="cards">{cards_html}</div>{"".join(sections)}</main></body></html>'
    )


def _month(value: date | None) -> str:
    return "-" if value is None else f"{value:%Y-%m}"
