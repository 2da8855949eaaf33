"""The numbers behind each report section, computed from the business tables with pandas.

Revenue figures exclude canceled and unavailable orders, as the business tables do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

REVENUE_EXCLUDED_STATUSES = ("canceled", "unavailable")
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


@dataclass(frozen=True)
class Headline:
    """The figures at the top of the report."""

    gmv: float
    orders: int
    customers: int
    on_time_rate: float
    avg_review: float
    first_month: str
    last_month: str


def _money(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce").astype(float)


def sold_orders(orders: pd.DataFrame) -> pd.DataFrame:
    """Orders that count for revenue (not canceled, not unavailable)."""
    return orders[~orders["order_status"].isin(REVENUE_EXCLUDED_STATUSES)]


def headline(orders: pd.DataFrame, sales: pd.DataFrame) -> Headline:
    sold = sold_orders(orders)
    delivered = orders[orders["is_delivered"].fillna(False).astype(bool)]
    months = sorted(pd.to_datetime(sold["purchase_month"]).dt.strftime("%Y-%m").unique())
    return Headline(
        gmv=float(_money(sales["gmv"]).sum()),
        orders=len(sold),
        customers=int(sold["customer_unique_id"].nunique()),
        on_time_rate=float(1 - delivered["is_late"].astype(float).mean())
        if len(delivered)
        else 0.0,
        avg_review=float(orders["review_score"].mean())
        if orders["review_score"].notna().any()
        else 0.0,
        first_month=months[0] if months else "-",
        last_month=months[-1] if months else "-",
    )


def monthly(orders: pd.DataFrame, sales: pd.DataFrame) -> pd.DataFrame:
    """GMV (sum of item prices) and orders per purchase month."""
    gmv = sales.assign(gmv=_money(sales["gmv"])).groupby("month")["gmv"].sum()
    counts = sold_orders(orders).groupby("purchase_month")["order_id"].count().rename("orders")
    frame = pd.concat([gmv, counts], axis=1).fillna(0).sort_index()
    frame.index = pd.to_datetime(frame.index)
    frame.index.name = "month"
    return frame.astype({"orders": int})


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
    """Share of each payment type in the value paid, per purchase month (rows sum to 1)."""
    value = payments.assign(value=_money(payments["value"]))
    table = value.pivot_table(
        index="month", columns="payment_type", values="value", aggfunc="sum", fill_value=0.0
    )
    table.index = pd.to_datetime(table.index)
    table = table[table.sum().sort_values(ascending=False).index]
    return table.div(table.sum(axis=1).replace(0, np.nan), axis=0).fillna(0.0)


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


def segments(rfm: pd.DataFrame) -> pd.Series:
    """Customers per RFM segment, largest first."""
    return rfm.groupby("segment")["customer_unique_id"].count().sort_values(ascending=False)


def retention(cohorts: pd.DataFrame, months: int = 12) -> pd.DataFrame:
    """Retention rate per first-purchase cohort (rows) and months since the first purchase."""
    shown = cohorts[
        (cohorts["months_since_first"] >= 1) & (cohorts["months_since_first"] <= months)
    ]
    table = shown.pivot_table(
        index="cohort_month", columns="months_since_first", values="retention_rate", aggfunc="sum"
    )
    table.index = pd.to_datetime(table.index).strftime("%Y-%m")
    return table.reindex(columns=range(1, months + 1))
