"""The business tables the report reads, only the columns it needs, as pandas frames."""

from __future__ import annotations

import pandas as pd

from olist_assets.core.tables import BUSINESS, MissingTableError, Tables

REPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "fact_orders": (
        "order_id",
        "customer_unique_id",
        "order_status",
        "purchase_month",
        "items_total",
        "payment_total",
        "review_score",
        "is_delivered",
        "is_late",
        "delay_days",
        "reconciliation_status",
    ),
    "sales_monthly": ("month", "product_category", "orders", "gmv", "revenue"),
    "delivery_performance": (
        "month",
        "customer_state",
        "delivered_orders",
        "late_orders",
        "impossible_deliveries",
    ),
    "payment_mix": ("month", "payment_type", "payments", "value"),
    "seller_scorecard": (
        "seller_id",
        "seller_state",
        "orders",
        "gmv",
        "avg_review_score",
        "on_time_rate",
    ),
    "customer_rfm": ("customer_unique_id", "segment"),
    "cohort_retention": ("cohort_month", "months_since_first", "customers", "retention_rate"),
}


class MissingTablesError(FileNotFoundError):
    """The lake lacks business tables the report shows (the pipeline has not built them yet)."""


def load_tables(tables: Tables, lake_url: str) -> dict[str, pd.DataFrame]:
    """Each business table the report shows; raises MissingTablesError naming the missing ones."""
    frames, missing = {}, []
    for name, columns in REPORT_COLUMNS.items():
        try:
            frames[name] = tables.scan(BUSINESS, name, columns).read_all().to_pandas()
        except MissingTableError:
            missing.append(name)
    if missing:
        raise MissingTablesError(f"{lake_url} has no business table {', '.join(missing)}")
    return frames
