"""The business tables the report reads, only the columns it needs, as pandas frames."""

from __future__ import annotations

import pandas as pd

from olist_assets.core import lake
from olist_assets.core.reading import parquet_keys, read_table
from olist_assets.core.storage import Store

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


def load_tables(store: Store) -> dict[str, pd.DataFrame]:
    """Each business table the report shows; raises MissingTablesError naming the missing ones."""
    missing = [
        name for name in REPORT_COLUMNS if not parquet_keys(store, lake.business_prefix(name))
    ]
    if missing:
        raise MissingTablesError(f"{store.url} has no business table {', '.join(missing)}")
    return {
        name: read_table(store, lake.business_prefix(name), columns).to_pandas()
        for name, columns in REPORT_COLUMNS.items()
    }
