"""The headline figures of the business layer, one definition for the Dagster metadata and the report.

Computed from business.fact_orders: orders and customers count sold orders (`is_sold`, the rule
fact_orders.sql defines once), GMV is their items' prices and revenue their items' price plus
freight (exact decimals, BRL), the on-time rate is over delivered orders and the average review
over sold orders with a review.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc

HEADLINE_COLUMNS = (
    "customer_unique_id",
    "purchase_month",
    "is_sold",
    "items_price",
    "items_total",
    "review_score",
    "is_delivered",
    "is_late",
)
HEADLINE_SQL = f"SELECT {', '.join(HEADLINE_COLUMNS)} FROM business.fact_orders"


@dataclass(frozen=True)
class Headline:
    """Sold orders, the people who placed them, GMV and revenue (BRL), on-time rate and average
    review (None without deliveries or reviews), and the first and last month with a sale."""

    orders: int
    customers: int
    gmv: Decimal
    revenue: Decimal
    on_time_rate: float | None
    avg_review: float | None
    first_month: date | None
    last_month: date | None


def headline(fact_orders: pa.Table) -> Headline:
    """The headline of a fact_orders table holding at least HEADLINE_COLUMNS."""
    sold = fact_orders.filter(pc.fill_null(fact_orders["is_sold"], False))
    delivered = fact_orders.filter(pc.fill_null(fact_orders["is_delivered"], False))
    months = sold["purchase_month"]
    return Headline(
        orders=sold.num_rows,
        customers=pc.count_distinct(sold["customer_unique_id"], mode="only_valid").as_py(),
        gmv=_money(sold["items_price"]),
        revenue=_money(sold["items_total"]),
        on_time_rate=_mean(pc.invert(delivered["is_late"])),
        avg_review=_mean(sold["review_score"]),
        first_month=pc.min(months).as_py(),
        last_month=pc.max(months).as_py(),
    )


def _money(column: pa.ChunkedArray) -> Decimal:
    total = pc.sum(column).as_py()
    return Decimal("0.00") if total is None else Decimal(total).quantize(Decimal("0.01"))


def _mean(column: pa.ChunkedArray) -> float | None:
    return pc.mean(pc.cast(column, pa.float64())).as_py()
