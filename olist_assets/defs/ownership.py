"""Who owns each layer, and the tags that say which layer and business domain an asset belongs to.

Data engineering owns getting the files in and clean (raw, clean); analytics owns what the business
reads (business tables, the report). Tags use `layer` and `domain`, so the catalog filters on them
(`tag:domain=sales`).
"""

from __future__ import annotations

from olist_assets.core.lake import BUSINESS, CLEAN, RAW

REPORT = "report"
DATA_ENGINEERING = "team:data-engineering"
ANALYTICS = "team:analytics"

OWNERS: dict[str, list[str]] = {
    RAW: [DATA_ENGINEERING],
    CLEAN: [DATA_ENGINEERING],
    BUSINESS: [ANALYTICS],
    REPORT: [ANALYTICS],
}

# Every Olist and business table -> the business domain it describes.
DOMAINS: dict[str, str] = {
    "customers": "customers",
    "geolocation": "geography",
    "orders": "sales",
    "order_items": "sales",
    "order_payments": "payments",
    "order_reviews": "reviews",
    "products": "catalog",
    "product_category_translation": "catalog",
    "sellers": "sellers",
    "fact_orders": "sales",
    "fact_order_items": "sales",
    "kpi_monthly": "sales",
    "sales_monthly": "sales",
    "payment_mix": "payments",
    "delivery_performance": "logistics",
    "customer_rfm": "customers",
    "cohort_retention": "customers",
    "seller_scorecard": "sellers",
    "olist_report": "reporting",
}


def owners(layer: str) -> list[str]:
    return list(OWNERS[layer])


def tags(layer: str, table: str) -> dict[str, str]:
    """The asset tags of one table in one layer; KeyError for a table without a domain."""
    return {"layer": layer, "domain": DOMAINS[table]}
