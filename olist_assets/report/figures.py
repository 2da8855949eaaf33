"""The numbers behind each report section, computed from the business tables with pandas.

Sales figures come from tables that already count sold orders only (fact_orders.is_sold); the
headline is core.business.headline, the same definition the Dagster metadata publishes.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

DELAY_BINS = [-np.inf, -15, -8, -1, 0, 3, 7, 14, np.inf]
DELAY_LABELS = [
    "15+ days early",
    "8-14 early",
    "1-7 early",
    "on the day",
    "1-3 late",
    "4-7 late",
    "8-14 late",
    "15+ days late",
]
RECONCILED = "reconciled"


def _money(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce").astype(float)


def calendar(months: pd.Series) -> pd.PeriodIndex:
    """Every calendar month from the first to the last of `months`, gaps included."""
    periods = pd.to_datetime(months).dt.to_period("M")
    if periods.empty:
        return pd.PeriodIndex([], freq="M", name="month")
    return pd.period_range(periods.min(), periods.max(), freq="M", name="month")


def monthly(kpi: pd.DataFrame) -> pd.DataFrame:
    """GMV and sold orders per calendar month from kpi_monthly; NaN in a month with no order at all
    (no row), which the chart shows as such rather than drawing across it."""
    frame = kpi.assign(month=pd.to_datetime(kpi["month"]).dt.to_period("M"), gmv=_money(kpi["gmv"]))
    frame = frame.set_index("month")[["gmv", "orders"]].astype(float)
    return frame.reindex(calendar(kpi["month"]))


def on_time_by_state(delivery: pd.DataFrame) -> pd.DataFrame:
    """Delivered orders, late orders and on-time rate per customer state, best first; the rate
    leaves out orders delivered before they were purchased."""
    columns = ["delivered_orders", "late_orders", "impossible_deliveries"]
    per_state = delivery.groupby("customer_state")[columns].sum()
    timed = per_state["delivered_orders"] - per_state["impossible_deliveries"]
    per_state["on_time_rate"] = 1 - per_state["late_orders"] / timed
    return per_state.sort_values(["on_time_rate", "delivered_orders"], ascending=False)


def review_by_delay(orders: pd.DataFrame) -> pd.DataFrame:
    """Average review score of delivered, reviewed orders by how early or late they arrived."""
    reviewed = orders.dropna(subset=["delay_days", "review_score"])
    buckets = pd.cut(reviewed["delay_days"].astype(float), DELAY_BINS, labels=DELAY_LABELS)
    grouped = reviewed.groupby(buckets, observed=False)["review_score"]
    return pd.DataFrame({"orders": grouped.count(), "avg_review": grouped.mean()})


def payment_shares(payments: pd.DataFrame) -> pd.DataFrame:
    """Share of each payment type in the value paid, per calendar month (rows sum to 1; NaN in a
    month where nothing was paid), types by total value, largest first."""
    value = payments.assign(
        value=_money(payments["value"]), month=pd.to_datetime(payments["month"]).dt.to_period("M")
    )
    table = value.pivot_table(
        index="month", columns="payment_type", values="value", aggfunc="sum", fill_value=0.0
    )
    table = table[table.sum().sort_values(ascending=False).index]
    shares = table.div(table.sum(axis=1).replace(0, np.nan), axis=0)
    return shares.reindex(calendar(payments["month"]))


def payment_totals(payments: pd.DataFrame) -> pd.DataFrame:
    """Payments, value and value share per payment type over the whole period."""
    value = payments.assign(value=_money(payments["value"]))
    totals = value.groupby("payment_type")[["payments", "value"]].sum()
    totals["share"] = totals["value"] / totals["value"].sum() if len(totals) else 0.0
    return totals.sort_values("value", ascending=False)


def top_categories(sales: pd.DataFrame, count: int = 10) -> pd.Series:
    """The product categories with the highest GMV."""
    gmv = sales.assign(gmv=_money(sales["gmv"])).groupby("product_category")["gmv"].sum()
    return gmv.sort_values(ascending=False).head(count)


def top_sellers(sellers: pd.DataFrame, count: int = 10) -> pd.DataFrame:
    """The sellers with the highest GMV, with their orders, punctuality and reviews."""
    ranked = sellers.assign(gmv=_money(sellers["gmv"])).sort_values("gmv", ascending=False)
    return ranked.head(count).set_index("seller_id")


def reconciliation(orders: pd.DataFrame) -> pd.DataFrame:
    """Orders and amounts per reconciliation status (payments against item totals)."""
    amounts = orders.assign(
        payment_total=_money(orders["payment_total"]), items_total=_money(orders["items_total"])
    )
    summary = amounts.groupby("reconciliation_status").agg(
        orders=("order_id", "count"),
        payment_total=("payment_total", "sum"),
        items_total=("items_total", "sum"),
    )
    summary["difference"] = summary["payment_total"] - summary["items_total"]
    summary["share"] = summary["orders"] / summary["orders"].sum() if len(summary) else 0.0
    return summary.sort_values("orders", ascending=False)


def exceptions(summary: pd.DataFrame) -> pd.DataFrame:
    """The reconciliation statuses other than reconciled, largest first."""
    return summary.drop(index=RECONCILED, errors="ignore")


def segments(rfm: pd.DataFrame, definitions: Mapping[str, str]) -> pd.DataFrame:
    """People per RFM segment with their share and definition, in the order the segments are defined;
    a segment in the data but not in `definitions` raises ValueError."""
    counts = rfm.groupby("segment")["customer_unique_id"].count()
    undefined = sorted(set(counts.index) - set(definitions))
    if undefined:
        raise ValueError(f"RFM segments without a definition: {undefined}")
    table = pd.DataFrame({"customers": counts.reindex(list(definitions), fill_value=0).astype(int)})
    table["share"] = table["customers"] / max(int(table["customers"].sum()), 1)
    table["definition"] = [definitions[name] for name in table.index]
    table.index.name = "segment"
    return table


def retention(cohorts: pd.DataFrame) -> pd.DataFrame:
    """Retention rate per first-purchase cohort (rows, labelled with the cohort's size) and month
    since the first purchase (columns, from 1 to the last observed); NaN where not yet observed."""
    sizes = cohorts.groupby("cohort_month")["cohort_customers"].max()
    last = int(cohorts["months_since_first"].max()) if len(cohorts) else 0
    table = cohorts.pivot_table(
        index="cohort_month", columns="months_since_first", values="retention_rate", aggfunc="sum"
    ).reindex(index=sizes.index, columns=range(1, last + 1))
    table.index = [f"{pd.Timestamp(month):%Y-%m} ({size:,})" for month, size in sizes.items()]
    return table
