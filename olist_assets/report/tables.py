"""The business tables the report reads, only the columns it needs, as Arrow tables."""

from __future__ import annotations

import pyarrow as pa

from olist_assets.core import lake
from olist_assets.core.business.headline import HEADLINE_COLUMNS
from olist_assets.core.reading import read_table
from olist_assets.core.storage import Store

REPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "fact_orders": (
        *HEADLINE_COLUMNS,
        "order_id",
        "payment_total",
        "delay_days",
        "reconciliation_status",
    ),
    "kpi_monthly": ("month", "orders", "gmv"),
    "sales_monthly": ("product_category", "gmv"),
    "delivery_performance": ("customer_state", "delivered_orders", "late_orders"),
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
    "cohort_retention": (
        "cohort_month",
        "months_since_first",
        "cohort_customers",
        "retention_rate",
    ),
}


def load_tables(store: Store) -> dict[str, pa.Table]:
    """Each business table the report shows; a missing table raises FileNotFoundError naming it."""
    return {
        name: read_table(store, lake.business_prefix(name), columns)
        for name, columns in REPORT_COLUMNS.items()
    }
