"""Data-quality checks on the business layer, as SQL run through the engine port.

The Dagster asset checks (DuckDB) and the production quality-check Lambda (Athena) evaluate these
same checks. Grain and conservation checks are blocking; range checks are warnings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from olist_assets.core.business.engine import SqlEngine
from olist_assets.core.business.tables import BUSINESS_TABLES
from olist_assets.core.checks.clean import CheckOutcome

RATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "seller_scorecard": ("on_time_rate", "cancel_rate"),
    "delivery_performance": ("on_time_rate",),
    "cohort_retention": ("retention_rate",),
    "kpi_monthly": ("on_time_rate",),
}
# kpi_monthly's totals and the same figures summed from the fact tables, kept apart: items and money
# from fact_order_items (row per item), orders and deliveries from fact_orders.
KPI_TOTALS = """
SELECT
    (SELECT count(*) FROM business.kpi_monthly) AS kpi_months,
    (SELECT count(DISTINCT purchase_month) FROM business.fact_orders) AS fact_months,
    (SELECT sum(orders) FROM business.kpi_monthly) AS kpi_orders,
    (SELECT count(*) FROM business.fact_orders WHERE is_sold) AS fact_orders,
    (SELECT sum(items) FROM business.kpi_monthly) AS kpi_items,
    (SELECT count(*) FROM business.fact_order_items WHERE is_sold) AS fact_items,
    (SELECT sum(gmv) FROM business.kpi_monthly) AS kpi_gmv,
    (SELECT sum(price) FROM business.fact_order_items WHERE is_sold) AS fact_gmv,
    (SELECT sum(freight) FROM business.kpi_monthly) AS kpi_freight,
    (SELECT sum(freight_value) FROM business.fact_order_items WHERE is_sold) AS fact_freight,
    (SELECT sum(revenue) FROM business.kpi_monthly) AS kpi_revenue,
    (SELECT sum(item_total) FROM business.fact_order_items WHERE is_sold) AS fact_revenue,
    (SELECT sum(delivered_orders) FROM business.kpi_monthly) AS kpi_delivered,
    (SELECT count(*) FROM business.fact_orders WHERE is_delivered) AS fact_delivered
"""
KPI_FIGURES = ("months", "orders", "items", "gmv", "freight", "revenue", "delivered")
KPI_MONEY = ("gmv", "freight", "revenue")
SCORE_COLUMNS = ("r_score", "f_score", "m_score")


@dataclass(frozen=True)
class Verdict:
    """What a check's SQL found: whether it holds, in words, and the figures behind it."""

    passed: bool
    description: str
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BusinessCheck:
    """One named check of one business table; `measure` runs its SQL and judges the figures."""

    name: str
    table: str
    blocking: bool
    description: str
    measure: Callable[[SqlEngine], Verdict]

    def evaluate(self, engine: SqlEngine) -> CheckOutcome:
        verdict = self.measure(engine)
        return CheckOutcome(
            self.name,
            self.table,
            verdict.passed,
            self.blocking,
            verdict.description,
            verdict.metadata,
        )


# A clean row whose order is in clean.orders (the rows a fact table can hold)
KNOWN_ORDER = "order_id IN (SELECT order_id FROM clean.orders)"


def grain_unique(engine: SqlEngine, table: str) -> Verdict:
    keys = ", ".join(BUSINESS_TABLES[table].grain)
    row = _row(
        engine,
        f"SELECT sum(n) AS row_count, count(*) FILTER (WHERE n > 1) AS duplicated_keys "
        f"FROM (SELECT count(*) AS n FROM business.{table} GROUP BY {keys}) AS grouped",
    )
    rows, duplicated = _int(row["row_count"]), _int(row["duplicated_keys"])
    return Verdict(
        duplicated == 0,
        f"({keys}) is unique: {duplicated} keys repeated in {rows} rows",
        {"rows": rows, "duplicated_keys": duplicated},
    )


def price_conserved(engine: SqlEngine) -> Verdict:
    """Every clean item of a known order is in fact_order_items, with the same sum of price. Items
    whose order is not in clean.orders cannot be (the foreign-key check judges them): counted apart."""
    row = _row(
        engine,
        "SELECT (SELECT count(*) FROM business.fact_order_items) AS business_items, "
        "(SELECT sum(price) FROM business.fact_order_items) AS business_price, "
        f"(SELECT count(*) FROM clean.order_items WHERE {KNOWN_ORDER}) AS clean_items, "
        f"(SELECT sum(price) FROM clean.order_items WHERE {KNOWN_ORDER}) AS clean_price, "
        f"(SELECT count(*) FROM clean.order_items WHERE NOT {KNOWN_ORDER}) AS orphan_items",
    )
    figures = {
        "business_items": _int(row["business_items"]),
        "clean_items": _int(row["clean_items"]),
        "business_price": _money(row["business_price"]),
        "clean_price": _money(row["clean_price"]),
        "orphan_items": _int(row["orphan_items"]),
    }
    passed = (
        figures["business_items"] == figures["clean_items"]
        and figures["business_price"] == figures["clean_price"]
    )
    return Verdict(
        passed,
        f"fact_order_items holds {figures['business_items']} items and price "
        f"{figures['business_price']}; clean order_items of known orders {figures['clean_items']} "
        f"and {figures['clean_price']}{_orphans(figures['orphan_items'], 'items')}",
        _plain(figures),
    )


def payments_conserved(engine: SqlEngine) -> Verdict:
    """fact_orders holds every clean payment of a known order, to the cent. Payments whose order is
    not in clean.orders cannot be (the foreign-key check judges them): counted apart."""
    row = _row(
        engine,
        "SELECT (SELECT sum(payment_total) FROM business.fact_orders) AS business_payments, "
        "(SELECT sum(payment_count) FROM business.fact_orders) AS business_payment_rows, "
        f"(SELECT sum(payment_value) FROM clean.order_payments WHERE {KNOWN_ORDER}) "
        "AS clean_payments, "
        f"(SELECT count(*) FROM clean.order_payments WHERE {KNOWN_ORDER}) AS clean_payment_rows, "
        f"(SELECT count(*) FROM clean.order_payments WHERE NOT {KNOWN_ORDER}) AS orphan_payments",
    )
    figures = {
        "business_payments": _money(row["business_payments"]),
        "clean_payments": _money(row["clean_payments"]),
        "business_payment_rows": _int(row["business_payment_rows"]),
        "clean_payment_rows": _int(row["clean_payment_rows"]),
        "orphan_payments": _int(row["orphan_payments"]),
    }
    passed = (
        figures["business_payments"] == figures["clean_payments"]
        and figures["business_payment_rows"] == figures["clean_payment_rows"]
    )
    return Verdict(
        passed,
        f"fact_orders.payment_total sums to {figures['business_payments']} over "
        f"{figures['business_payment_rows']} payments; clean order_payments of known orders "
        f"{figures['clean_payments']} over {figures['clean_payment_rows']}"
        f"{_orphans(figures['orphan_payments'], 'payments')}",
        _plain(figures),
    )


def _orphans(count: int, what: str) -> str:
    """The clause naming rows left out for want of their order (none: nothing)."""
    if not count:
        return ""
    return f" ({count} {what} of orders not in clean.orders left out: see the foreign-key check)"


def allocations_match_payments(engine: SqlEngine) -> Verdict:
    row = _row(
        engine,
        "SELECT count(*) AS orders, "
        "count(*) FILTER (WHERE a.allocated <> o.payment_total) AS mismatched "
        "FROM (SELECT order_id, sum(allocated_payment) AS allocated "
        "FROM business.fact_order_items GROUP BY order_id) AS a "
        "INNER JOIN business.fact_orders AS o ON a.order_id = o.order_id",
    )
    orders, mismatched = _int(row["orders"]), _int(row["mismatched"])
    return Verdict(
        mismatched == 0,
        f"{mismatched} of {orders} orders with items have allocations not summing to their payments",
        {"orders": orders, "mismatched_orders": mismatched},
    )


def orders_conserved(engine: SqlEngine) -> Verdict:
    row = _row(
        engine,
        "SELECT (SELECT count(*) FROM business.fact_orders) AS business_orders, "
        "(SELECT count(*) FROM clean.orders) AS clean_orders",
    )
    business, clean = _int(row["business_orders"]), _int(row["clean_orders"])
    return Verdict(
        business == clean,
        f"fact_orders has {business} rows; clean orders {clean}",
        {"business_orders": business, "clean_orders": clean},
    )


def kpi_reconciled(engine: SqlEngine) -> Verdict:
    """kpi_monthly's months, orders, items, GMV, freight, revenue and deliveries add up to the fact
    tables' (sold orders; deliveries over all orders)."""
    row = _row(engine, KPI_TOTALS)
    value = {name: _money if name in KPI_MONEY else _int for name in KPI_FIGURES}
    pairs = {
        name: (value[name](row[f"kpi_{name}"]), value[name](row[f"fact_{name}"]))
        for name in KPI_FIGURES
    }
    apart = [f"{name} {kpi} vs {fact}" for name, (kpi, fact) in pairs.items() if kpi != fact]
    return Verdict(
        not apart,
        "kpi_monthly totals equal the fact tables'"
        + (f" except {'; '.join(apart)}" if apart else f" ({len(pairs)} figures)"),
        _plain(
            {
                f"{side}_{name}": figure
                for name, both in pairs.items()
                for side, figure in zip(("kpi", "fact"), both, strict=True)
            }
        ),
    )


def within_range(
    engine: SqlEngine, table: str, columns: tuple[str, ...], low: int, high: int
) -> Verdict:
    outside = " OR ".join(f"NOT ({c} BETWEEN {low} AND {high})" for c in columns)
    row = _row(
        engine,
        f"SELECT count(*) AS row_count, count(*) FILTER (WHERE {outside}) AS outside "
        f"FROM business.{table}",
    )
    rows, outside_rows = _int(row["row_count"]), _int(row["outside"])
    return Verdict(
        outside_rows == 0,
        f"{', '.join(columns)} within [{low}, {high}]: {outside_rows} of {rows} rows outside",
        {"rows": rows, "rows_outside": outside_rows},
    )


def _definitions() -> tuple[BusinessCheck, ...]:
    checks = [
        BusinessCheck(
            "grain_unique",
            name,
            True,
            f"One row per ({', '.join(table.grain)})",
            partial(grain_unique, table=name),
        )
        for name, table in BUSINESS_TABLES.items()
    ]
    checks += [
        BusinessCheck(
            "orders_conserved",
            "fact_orders",
            True,
            "fact_orders has one row per clean order",
            orders_conserved,
        ),
        BusinessCheck(
            "payments_conserved",
            "fact_orders",
            True,
            "fact_orders.payment_total sums to the clean payments' total",
            payments_conserved,
        ),
        BusinessCheck(
            "price_conserved",
            "fact_order_items",
            True,
            "fact_order_items holds every clean item and the same sum of price",
            price_conserved,
        ),
        BusinessCheck(
            "allocations_match_payments",
            "fact_order_items",
            True,
            "Each order's allocated_payment sums exactly to its payment total",
            allocations_match_payments,
        ),
        BusinessCheck(
            "totals_reconciled",
            "kpi_monthly",
            True,
            "Months, sold orders, items, GMV, freight, revenue and deliveries add up to the fact "
            "tables'",
            kpi_reconciled,
        ),
        BusinessCheck(
            "scores_in_range",
            "customer_rfm",
            False,
            "R, F and M scores are between 1 and 5",
            partial(within_range, table="customer_rfm", columns=SCORE_COLUMNS, low=1, high=5),
        ),
    ]
    checks += [
        BusinessCheck(
            "rates_in_range",
            table,
            False,
            f"{', '.join(columns)} between 0 and 1",
            partial(within_range, table=table, columns=columns, low=0, high=1),
        )
        for table, columns in RATE_COLUMNS.items()
    ]
    return tuple(checks)


BUSINESS_CHECKS: tuple[BusinessCheck, ...] = _definitions()


def checks_for(table: str) -> list[BusinessCheck]:
    """The checks of one business table, in a stable order."""
    return [check for check in BUSINESS_CHECKS if check.table == table]


def table_checks(engine: SqlEngine, table: str) -> list[CheckOutcome]:
    """Evaluate every check of one business table."""
    return [check.evaluate(engine) for check in checks_for(table)]


def business_checks(engine: SqlEngine) -> list[CheckOutcome]:
    """Evaluate every business-layer check, table by table in build order."""
    return [outcome for table in BUSINESS_TABLES for outcome in table_checks(engine, table)]


def _row(engine: SqlEngine, sql: str) -> dict[str, Any]:
    return engine.query(sql).to_pylist()[0]


def _int(value: Any) -> int:
    return 0 if value is None else int(value)


def _money(value: Any) -> Decimal:
    return Decimal(0) if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def _plain(figures: dict[str, Any]) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in figures.items()}
