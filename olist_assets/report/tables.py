"""The business tables the report reads, only the columns it needs, as Arrow tables."""

from __future__ import annotations

import pyarrow as pa

from olist_assets.core.business.headline import HEADLINE_COLUMNS
from olist_assets.core.tables import BUSINESS, MissingTableError, Tables

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
    "delivery_performance": (
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
    "cohort_retention": (
        "cohort_month",
        "months_since_first",
        "cohort_customers",
        "retention_rate",
    ),
}


class MissingTablesError(FileNotFoundError):
    """The lake lacks business tables the report shows (the pipeline has not built them yet)."""


def load_tables(tables: Tables, lake_url: str) -> dict[str, pa.Table]:
    """Each business table the report shows, at its current snapshot; raises MissingTablesError
    naming the missing ones."""
    loaded, missing = {}, []
    for name, columns in REPORT_COLUMNS.items():
        try:
            loaded[name] = tables.scan(BUSINESS, name, columns).read_all()
        except MissingTableError:
            missing.append(name)
    if missing:
        raise MissingTablesError(f"{lake_url} has no business table {', '.join(missing)}")
    return loaded
