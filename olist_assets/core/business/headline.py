"""The headline figures of a business build: orders, GMV, revenue and on-time rate, from fact_orders.

GMV (sum of price) and revenue (sum of item totals) exclude canceled and unavailable orders; the
on-time rate is over delivered orders with a possible delivery date (not before the purchase).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from olist_assets.core.business.engine import SqlEngine

HEADLINE_SQL = """
SELECT
    count(*) AS orders,
    sum(items_price) FILTER (WHERE order_status NOT IN ('canceled', 'unavailable')) AS gmv,
    sum(items_total) FILTER (WHERE order_status NOT IN ('canceled', 'unavailable')) AS revenue,
    CAST(count(*) FILTER (WHERE is_delivered AND NOT is_late) AS DOUBLE)
        / nullif(count(is_late), 0) AS on_time_rate
FROM business.fact_orders
"""


@dataclass(frozen=True)
class Headline:
    orders: int
    gmv: Decimal
    revenue: Decimal
    on_time_rate: float | None


def headline(engine: SqlEngine) -> Headline:
    """The headline figures of the business layer as it stands."""
    row = engine.query(HEADLINE_SQL).to_pylist()[0]
    return Headline(
        orders=int(row["orders"]),
        gmv=Decimal(str(row["gmv"] or 0)),
        revenue=Decimal(str(row["revenue"] or 0)),
        on_time_rate=None if row["on_time_rate"] is None else float(row["on_time_rate"]),
    )
