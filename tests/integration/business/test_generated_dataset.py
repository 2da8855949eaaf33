"""On a generated Olist-shaped dataset, the business totals equal pandas computed on the clean layer.

The pandas side is written independently of the SQL: it reads the clean tables and applies the
rules of issue 3 (payments per order, revenue without canceled and unavailable orders, dates for
lateness, people by customer_unique_id).
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from olist_assets.core import lake
from olist_assets.core.business.tables import build_stages
from olist_assets.core.checks.business import business_checks
from olist_assets.core.cleaning import refresh_table
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.tables import BATCH_COLUMN, CLEAN
from olist_assets.engines.duckdb_engine import DuckDBEngine
from olist_assets.generator.dataset import generate_dataset
from olist_assets.stores.iceberg.catalogs import default_config
from olist_assets.stores.iceberg.tables import IcebergTables
from olist_assets.stores.local import LocalStore

SCALE = 0.05
EXCLUDED = {"canceled", "unavailable"}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[DuckDBEngine, dict[str, pd.DataFrame]]:
    """A generated dataset landed, cleaned and built; plus the clean tables as pandas frames."""
    folder = tmp_path_factory.mktemp("generated")
    generate_dataset(folder / "csv", SCALE, seed=11)
    store = LocalStore(folder / "lake")
    tables = IcebergTables(default_config(str(store.root)), store)
    for contract in CONTRACTS.values():
        key = lake.raw_key(contract.file_name)
        store.put_file(key, folder / "csv" / contract.file_name)
        refresh_table(store, tables, contract)
    engine = DuckDBEngine(tables)
    for stage in build_stages():
        for name in stage:
            engine.build_table(name)
    clean = {
        name: tables.scan(CLEAN, name).read_all().drop_columns([BATCH_COLUMN]).to_pandas()
        for name in ("orders", "customers", "order_items", "order_payments", "sellers")
    }
    return engine, clean


def business(engine: DuckDBEngine, sql: str) -> pd.DataFrame:
    return engine.query(sql).to_pandas()


def orders_with_people(clean: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return clean["orders"].merge(clean["customers"], on="customer_id", how="left")


def test_every_business_check_passes(built):
    engine, _ = built

    failed = [
        f"{o.table}.{o.name}: {o.description}" for o in business_checks(engine) if not o.passed
    ]

    assert failed == []


def test_fact_orders_keeps_every_order_and_every_payment_once(built):
    engine, clean = built
    payments = clean["order_payments"]

    fact = business(engine, "SELECT order_id, payment_total, items_count FROM business.fact_orders")

    assert len(fact) == len(clean["orders"])
    assert fact["payment_total"].sum() == payments["payment_value"].sum()
    per_order = payments.groupby("order_id")["payment_value"].sum()
    paid = fact.set_index("order_id")["payment_total"]
    assert (paid.reindex(per_order.index) == per_order).all()
    assert fact["items_count"].sum() == len(clean["order_items"])


def test_allocations_sum_exactly_to_each_orders_payments(built):
    engine, clean = built
    per_order = clean["order_payments"].groupby("order_id")["payment_value"].sum()

    allocated = (
        business(engine, "SELECT order_id, allocated_payment FROM business.fact_order_items")
        .groupby("order_id")["allocated_payment"]
        .sum()
    )

    expected = per_order.reindex(allocated.index).fillna(Decimal("0.00"))
    assert (allocated == expected).all()


def test_sales_monthly_totals_equal_revenue_items_in_pandas(built):
    engine, clean = built
    items = clean["order_items"].merge(clean["orders"], on="order_id")
    revenue_items = items[~items["order_status"].isin(EXCLUDED)]

    sales = business(engine, "SELECT items, gmv, freight, revenue FROM business.sales_monthly")

    assert sales["items"].sum() == len(revenue_items)
    assert sales["gmv"].sum() == revenue_items["price"].sum()
    assert sales["freight"].sum() == revenue_items["freight_value"].sum()
    assert sales["revenue"].sum() == (revenue_items["price"] + revenue_items["freight_value"]).sum()


def test_payment_mix_totals_equal_payments_of_revenue_orders(built):
    engine, clean = built
    payments = clean["order_payments"].merge(clean["orders"], on="order_id")
    counted = payments[~payments["order_status"].isin(EXCLUDED)]

    mix = business(engine, "SELECT payment_type, payments, value FROM business.payment_mix")

    by_type = mix.groupby("payment_type")[["payments", "value"]].sum()
    expected = counted.groupby("payment_type").agg(
        payments=("payment_value", "size"), value=("payment_value", "sum")
    )
    assert by_type["payments"].to_dict() == expected["payments"].to_dict()
    assert by_type["value"].to_dict() == expected["value"].to_dict()


def test_delivery_performance_counts_late_orders_by_date(built):
    engine, clean = built
    orders = clean["orders"]
    delivered = orders[
        (orders["order_status"] == "delivered") & orders["order_delivered_customer_date"].notna()
    ]
    late = (
        delivered["order_delivered_customer_date"].dt.normalize()
        > delivered["order_estimated_delivery_date"].dt.normalize()
    )

    totals = business(
        engine,
        "SELECT sum(delivered_orders) AS delivered, sum(late_orders) AS late "
        "FROM business.delivery_performance",
    ).iloc[0]

    assert (totals["delivered"], totals["late"]) == (len(delivered), int(late.sum()))


def test_people_are_counted_by_customer_unique_id(built):
    engine, clean = built
    orders = orders_with_people(clean)
    sold = orders[~orders["order_status"].isin(EXCLUDED)]
    buyers = sold["customer_unique_id"].nunique()
    with_items = sold[sold["order_id"].isin(clean["order_items"]["order_id"])]

    rfm = business(engine, "SELECT count(*) AS people FROM business.customer_rfm").iloc[0]
    cohorts = business(
        engine,
        "SELECT sum(customers) AS people FROM business.cohort_retention "
        "WHERE months_since_first = 0",
    ).iloc[0]

    # cohorts count every buyer; RFM only people with an order holding items (monetary > 0)
    assert cohorts["people"] == buyers
    assert rfm["people"] == with_items["customer_unique_id"].nunique()
    assert buyers < orders["customer_id"].nunique()


def test_kpi_monthly_equals_pandas_month_by_month(built):
    engine, clean = built
    orders = orders_with_people(clean)
    orders["month"] = orders["order_purchase_timestamp"].dt.to_period("M").dt.start_time.dt.date
    sold = orders[~orders["order_status"].isin(EXCLUDED)]
    items = clean["order_items"].merge(sold[["order_id", "month"]], on="order_id")
    expected = pd.DataFrame(
        {
            "orders": sold.groupby("month")["order_id"].count(),
            "customers": sold.groupby("month")["customer_unique_id"].nunique(),
            "items": items.groupby("month")["order_id"].count(),
            "gmv": items.groupby("month")["price"].sum(),
            "freight": items.groupby("month")["freight_value"].sum(),
        }
    ).reindex(sorted(orders["month"].unique()))
    expected = expected.fillna({"orders": 0, "customers": 0, "items": 0})
    expected = expected.fillna(Decimal("0.00")).astype(
        {"orders": int, "customers": int, "items": int}
    )

    kpi = business(
        engine, "SELECT month, orders, customers, items, gmv, freight FROM business.kpi_monthly"
    ).set_index("month")

    assert kpi.sort_index().to_dict() == expected.to_dict()


def test_seller_scorecard_orders_equal_distinct_seller_orders(built):
    engine, clean = built
    items = clean["order_items"]

    scorecard = business(
        engine, "SELECT sum(orders) AS orders, count(*) AS sellers FROM business.seller_scorecard"
    ).iloc[0]

    assert scorecard["orders"] == len(items[["seller_id", "order_id"]].drop_duplicates())
    assert scorecard["sellers"] == len(clean["sellers"])


def test_reconciliation_status_matches_pandas(built):
    engine, clean = built
    paid = clean["order_payments"].groupby("order_id")["payment_value"].sum()
    items = clean["order_items"].assign(total=lambda f: f["price"] + f["freight_value"])
    owed = items.groupby("order_id")["total"].sum()
    frame = pd.DataFrame({"paid": paid, "owed": owed})
    tolerance = Decimal("0.01")
    expected = {
        "payment_without_items": int((frame["owed"].isna() & frame["paid"].notna()).sum()),
        "items_without_payment": int((frame["paid"].isna() & frame["owed"].notna()).sum()),
        "payment_gt_items": int((frame.dropna().eval("paid - owed") > tolerance).sum()),
        "items_gt_payment": int((frame.dropna().eval("owed - paid") > tolerance).sum()),
    }

    counts = business(
        engine,
        "SELECT reconciliation_status, count(*) AS n FROM business.fact_orders "
        "WHERE reconciliation_status <> 'reconciled' GROUP BY reconciliation_status",
    )

    assert counts.set_index("reconciliation_status")["n"].to_dict() == {
        k: v for k, v in expected.items() if v
    }
