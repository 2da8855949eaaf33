"""The business SQL on DuckDB over twelve hand-built orders: every row expected is written by hand.

The dataset and the case each order covers are in conftest.py. Floats are compared to 6 decimals.
Expected rows are tables, one row per line, so this file allows long lines.
"""

# ruff: noqa: E501

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from olist_assets.core.business.headline import headline
from olist_assets.core.business.tables import BUSINESS_TABLES, build_stages
from olist_assets.core.checks.business import business_checks
from olist_assets.core.tables import BUSINESS
from olist_assets.engines.duckdb_engine import DuckDBEngine
from olist_assets.stores.iceberg.business import publish_build
from olist_assets.stores.iceberg.datafiles import new_data_path
from olist_assets.stores.iceberg.tables import IcebergTables

D = Decimal
JAN, FEB, MAR, APR = date(2018, 1, 1), date(2018, 2, 1), date(2018, 3, 1), date(2018, 4, 1)
MAY = date(2018, 5, 1)


def built(tables: IcebergTables) -> DuckDBEngine:
    """An engine over the lake, every business table built."""
    engine = DuckDBEngine(tables)
    for stage in build_stages():
        for name in stage:
            engine.build_table(name)
    return engine


@pytest.fixture(scope="module")
def engine(shared_tiny_lake: IcebergTables) -> DuckDBEngine:
    """The business tables built once over the tiny lake, for the tests that only read them."""
    return built(shared_tiny_lake)


def delivered_orders(rows: list[tuple[str, str, str, str]]) -> dict[str, list[dict]]:
    """Clean rows for extra people: (order, customer, person, purchased) of one 10.00 BRL item
    each, delivered three days later, estimated in ten."""
    orders, customers, items = [], [], []
    for order, customer, person, bought in rows:
        when = datetime.fromisoformat(bought)
        customers.append(
            {
                "customer_id": customer,
                "customer_unique_id": person,
                "customer_zip_code_prefix": "01000",
                "customer_city": "cidade",
                "customer_state": "SP",
            }
        )
        orders.append(
            {
                "order_id": order,
                "customer_id": customer,
                "order_status": "delivered",
                "order_purchase_timestamp": when,
                "order_delivered_customer_date": when + timedelta(days=3),
                "order_estimated_delivery_date": when + timedelta(days=10),
            }
        )
        items.append(
            {
                "order_id": order,
                "order_item_id": 1,
                "product_id": "p1",
                "seller_id": "s1",
                "shipping_limit_date": when,
                "price": D("10.00"),
                "freight_value": D("0.00"),
            }
        )
    return {"orders": orders, "customers": customers, "order_items": items}


def rows(engine: DuckDBEngine, table: str, columns: str) -> list[tuple]:
    """The table's rows (the named columns) in grain order, floats rounded to 6 decimals."""
    order = ", ".join(BUSINESS_TABLES[table].grain)
    result = engine.query(f"SELECT {columns} FROM business.{table} ORDER BY {order}")
    return [
        tuple(round(v, 6) if isinstance(v, float) else v for v in row.values())
        for row in result.to_pylist()
    ]


def test_fact_orders_has_one_row_per_order_with_items_and_payments_aggregated_apart(engine):
    assert rows(
        engine,
        "fact_orders",
        "order_id, customer_unique_id, customer_state, order_status, purchase_month, items_count, "
        "sellers_count, items_price, items_freight, items_total, payment_total, payment_count, "
        "main_payment_type, max_installments, review_score, reconciliation_status",
    ) == [
        ("o01", "u1", "SP", "delivered", JAN, 2, 1, D("200.00"), D("20.00"), D("220.00"), D("220.00"), 1, "credit_card", 3, 5, "reconciled"),
        ("o02", "u2", "RJ", "delivered", JAN, 2, 2, D("80.00"), D("10.00"), D("90.00"), D("90.00"), 2, "credit_card", 2, 4, "reconciled"),
        ("o03", "u3", "MG", "delivered", FEB, 1, 1, D("80.00"), D("20.00"), D("100.00"), D("100.00"), 1, "boleto", 1, 2, "reconciled"),
        ("o04", "u1", "SP", "delivered", MAR, 3, 1, D("30.00"), D("0.00"), D("30.00"), D("30.01"), 3, "voucher", 1, 5, "reconciled"),
        ("o05", "u4", "SP", "canceled", MAR, 1, 1, D("40.00"), D("8.00"), D("48.00"), D("48.00"), 1, "credit_card", 1, None, "reconciled"),
        ("o06", "u5", "RJ", "unavailable", MAR, 0, 0, D("0.00"), D("0.00"), D("0.00"), D("25.00"), 1, "boleto", 1, None, "payment_without_items"),
        ("o07", "u6", "SP", "delivered", FEB, 1, 1, D("70.00"), D("10.00"), D("80.00"), D("0.00"), 0, None, None, 3, "items_without_payment"),
        ("o08", "u7", "MG", "shipped", FEB, 1, 1, D("200.00"), D("15.50"), D("215.50"), D("200.00"), 1, "credit_card", 10, None, "items_gt_payment"),
        ("o09", "u8", "SP", "delivered", FEB, 2, 2, D("100.00"), D("0.00"), D("100.00"), D("99.99"), 1, "credit_card", 2, 4, "reconciled"),
        ("o10", "u2", "SP", "delivered", MAR, 1, 1, D("50.00"), D("5.00"), D("55.00"), D("55.00"), 1, "debit_card", 1, 5, "reconciled"),
        ("o11", "u9", "PR", "created", APR, 0, 0, D("0.00"), D("0.00"), D("0.00"), D("0.00"), 0, None, None, None, "reconciled"),
        ("o12", "u3", "SP", "delivered", APR, 1, 1, D("120.00"), D("12.00"), D("132.00"), D("132.00"), 1, "credit_card", 4, 5, "reconciled"),
    ]  # fmt: skip


def test_fact_orders_lateness_compares_dates_so_delivery_on_the_estimated_day_is_on_time(engine):
    assert rows(
        engine,
        "fact_orders",
        "order_id, is_delivered, delivery_days, estimated_days, delay_days, is_late",
    ) == [
        ("o01", True, 5, 15, -10, False),
        ("o02", True, 15, 15, 0, False),
        ("o03", True, 19, 14, 5, True),
        ("o04", True, 5, 17, -12, False),
        ("o05", False, None, 20, None, None),
        ("o06", False, None, 21, None, None),
        ("o07", True, 8, 16, -8, False),
        ("o08", False, None, 19, None, None),
        ("o09", True, 8, 4, 4, True),
        ("o10", True, 4, 17, -13, False),
        ("o11", False, None, 23, None, None),
        ("o12", True, 1, 15, -14, False),
    ]


def test_fact_order_items_allocates_each_orders_payments_to_the_cent(engine):
    assert rows(
        engine,
        "fact_order_items",
        "order_id, order_item_id, seller_id, customer_unique_id, product_category, item_total, "
        "allocated_payment, customer_state, seller_state, is_delivered, is_late",
    ) == [
        ("o01", 1, "s1", "u1", "health_beauty", D("110.00"), D("110.00"), "SP", "SP", True, False),
        ("o01", 2, "s1", "u1", "health_beauty", D("110.00"), D("110.00"), "SP", "SP", True, False),
        ("o02", 1, "s1", "u2", "computers_accessories", D("55.00"), D("55.00"), "RJ", "SP", True, False),
        ("o02", 2, "s2", "u2", "pc_gamer", D("35.00"), D("35.00"), "RJ", "RJ", True, False),
        ("o03", 1, "s2", "u3", "computers_accessories", D("100.00"), D("100.00"), "MG", "RJ", True, True),
        ("o04", 1, "s1", "u1", "health_beauty", D("10.00"), D("10.01"), "SP", "SP", True, False),
        ("o04", 2, "s1", "u1", "health_beauty", D("10.00"), D("10.00"), "SP", "SP", True, False),
        ("o04", 3, "s1", "u1", "health_beauty", D("10.00"), D("10.00"), "SP", "SP", True, False),
        ("o05", 1, "s3", "u4", "health_beauty", D("48.00"), D("48.00"), "SP", "MG", False, None),
        ("o07", 1, "s1", "u6", "unknown", D("80.00"), D("0.00"), "SP", "SP", True, False),
        ("o08", 1, "s2", "u7", "health_beauty", D("215.50"), D("200.00"), "MG", "RJ", False, None),
        ("o09", 1, "s1", "u8", "computers_accessories", D("33.33"), D("33.33"), "SP", "SP", True, True),
        ("o09", 2, "s2", "u8", "computers_accessories", D("66.67"), D("66.66"), "SP", "RJ", True, True),
        ("o10", 1, "s1", "u2", "health_beauty", D("55.00"), D("55.00"), "SP", "SP", True, False),
        ("o12", 1, "s3", "u3", "pc_gamer", D("132.00"), D("132.00"), "SP", "MG", True, False),
    ]  # fmt: skip


def test_fact_order_items_carries_order_attributes(engine):
    assert rows(
        engine,
        "fact_order_items",
        "order_id, order_item_id, product_id, order_status, purchase_ts, purchase_month, price, "
        "freight_value",
    )[8:11] == [
        ("o05", 1, "p1", "canceled", datetime(2018, 3, 10, 16), MAR, D("40.00"), D("8.00")),
        ("o07", 1, "p4", "delivered", datetime(2018, 2, 3, 10), FEB, D("70.00"), D("10.00")),
        ("o08", 1, "p1", "shipped", datetime(2018, 2, 10, 13), FEB, D("200.00"), D("15.50")),
    ]


def test_sales_monthly_excludes_canceled_and_unavailable_orders(engine):
    assert rows(engine, "sales_monthly", "*") == [
        (JAN, "computers_accessories", "RJ", 1, 1, D("50.00"), D("5.00"), D("55.00"), D("55.00")),
        (JAN, "health_beauty", "SP", 1, 2, D("200.00"), D("20.00"), D("220.00"), D("220.00")),
        (JAN, "pc_gamer", "RJ", 1, 1, D("30.00"), D("5.00"), D("35.00"), D("35.00")),
        (FEB, "computers_accessories", "MG", 1, 1, D("80.00"), D("20.00"), D("100.00"), D("100.00")),
        (FEB, "computers_accessories", "SP", 1, 2, D("100.00"), D("0.00"), D("100.00"), D("100.00")),
        (FEB, "health_beauty", "MG", 1, 1, D("200.00"), D("15.50"), D("215.50"), D("215.50")),
        (FEB, "unknown", "SP", 1, 1, D("70.00"), D("10.00"), D("80.00"), D("80.00")),
        (MAR, "health_beauty", "SP", 2, 4, D("80.00"), D("5.00"), D("85.00"), D("42.50")),
        (APR, "pc_gamer", "SP", 1, 1, D("120.00"), D("12.00"), D("132.00"), D("132.00")),
    ]  # fmt: skip


def test_seller_scorecard_covers_every_seller(engine):
    first, last = datetime(2018, 1, 5, 10), datetime(2018, 3, 15, 14)
    assert rows(engine, "seller_scorecard", "*") == [
        ("s1", "SP", 6, 9, D("433.33"), D("40.00"), 4.333333, 0.833333, 7.5, 0.0, first, last),
        ("s2", "RJ", 4, 4, D("376.67"), D("40.50"), 3.333333, 0.333333, 14.0, 0.0,
         datetime(2018, 1, 10, 9), datetime(2018, 2, 25, 11)),
        ("s3", "MG", 2, 1, D("120.00"), D("12.00"), 5.0, 1.0, 1.0, 0.5,
         datetime(2018, 4, 5, 23, 30), datetime(2018, 4, 5, 23, 30)),
        ("s4", "PR", 0, 0, D("0.00"), D("0.00"), None, None, None, None, None, None),
    ]  # fmt: skip


def test_customer_rfm_counts_people_not_customer_ids_and_only_orders_holding_items(engine):
    # u9's only order (o11, created) has no items: it bought nothing, so u9 is not scored;
    # u4 and u5 only have canceled or unavailable orders
    assert rows(engine, "customer_rfm", "*") == [
        ("u1", 33, 2, D("250.00"), 5, 2, 5, "champions"),
        ("u2", 21, 2, D("145.00"), 5, 2, 3, "champions"),
        ("u3", 0, 2, D("232.00"), 5, 2, 5, "champions"),
        ("u6", 61, 1, D("80.00"), 5, 1, 1, "recent"),
        ("u7", 54, 1, D("215.50"), 5, 1, 4, "recent"),
        ("u8", 39, 1, D("100.00"), 5, 1, 2, "recent"),
    ]


def test_rfm_scores_recency_by_quarter_frequency_by_count_and_money_by_quintile(
    tiny_lake, write_clean
):
    # Given four more people who bought in 2017, 247 to 455 days before the last purchase
    # (o12, 2018-04-05): u10 once, u11 once, u12 six times, u13 once
    extra = delivered_orders(
        [
            ("o20", "c20", "u10", "2017-01-05 10:00"),
            ("o21", "c21", "u11", "2017-08-01 10:00"),
            *[
                (f"o2{n}", f"c2{n}", "u12", f"2017-06-{day} 10:00")
                for n, day in zip(range(2, 8), ("01", "05", "10", "15", "20", "30"), strict=True)
            ],
            ("o28", "c28", "u13", "2017-05-01 10:00"),
        ]
    )
    extra["order_items"][0]["price"] = D("500.00")  # u10's one purchase is the largest
    extra["order_items"][-1]["price"] = D("5.00")  # u13's the smallest
    write_clean(extra, batch="older")

    scored = rows(built(tiny_lake), "customer_rfm", "*")

    # monetary 5 (u13) < 10 (u11) < 60 (u12) < 80 (u6) < 100 (u8) < 145 (u2) < 215.50 (u7) < 232
    # (u3) < 250 (u1) < 500 (u10): percent_rank 0, 1/9, ..., 1 and m_score 1 + floor(5 * rank)
    # 1 1 2 2 3 3 4 4 5 5
    assert scored == [
        ("u1", 33, 2, D("250.00"), 5, 2, 5, "champions"),
        ("u10", 455, 1, D("500.00"), 1, 1, 5, "at_risk"),
        ("u11", 247, 1, D("10.00"), 3, 1, 1, "needs_attention"),
        ("u12", 279, 6, D("60.00"), 2, 5, 2, "loyal"),
        ("u13", 339, 1, D("5.00"), 2, 1, 1, "lost"),
        ("u2", 21, 2, D("145.00"), 5, 2, 3, "champions"),
        ("u3", 0, 2, D("232.00"), 5, 2, 4, "champions"),
        ("u6", 61, 1, D("80.00"), 5, 1, 2, "recent"),
        ("u7", 54, 1, D("215.50"), 5, 1, 4, "recent"),
        ("u8", 39, 1, D("100.00"), 5, 1, 3, "recent"),
    ]


def test_delivery_performance_per_month_and_state(engine):
    assert rows(engine, "delivery_performance", "*") == [
        (JAN, "RJ", 1, 0, 1.0, 15.0, None, None, 4.0, 0),
        (JAN, "SP", 1, 0, 1.0, 5.0, None, None, 5.0, 0),
        (FEB, "MG", 1, 1, 0.0, 19.0, 5.0, 2.0, None, 0),
        (FEB, "SP", 2, 1, 0.5, 8.0, 4.0, 4.0, 3.0, 0),
        (MAR, "SP", 2, 0, 1.0, 4.5, None, None, 5.0, 0),
        (APR, "SP", 1, 0, 1.0, 1.0, None, None, 5.0, 0),
    ]


def test_an_order_delivered_before_it_was_purchased_is_left_out_of_durations_and_rates_and_counted(
    tables, write_clean, tiny_tables
):
    # Given o12 (s3's only delivered order) delivered the day before it was purchased
    o12 = next(row for row in tiny_tables["orders"] if row["order_id"] == "o12")
    o12["order_delivered_customer_date"] = datetime(2018, 4, 4, 12)
    write_clean(tiny_tables)
    engine = DuckDBEngine(tables)
    for stage in build_stages():
        for name in stage:
            engine.build_table(name)

    # Then it has no duration and no lateness, delivery_performance counts it apart, and neither
    # its month's nor its seller's on-time rate pretends it was on time
    fact = "order_id, is_delivered, delivery_days, delay_days, is_late"
    assert rows(engine, "fact_orders", fact)[-1] == ("o12", True, None, None, None)
    assert rows(engine, "delivery_performance", "*")[-1] == (
        APR,
        "SP",
        1,
        0,
        None,
        None,
        None,
        None,
        None,
        1,
    )
    s3 = rows(engine, "seller_scorecard", "seller_id, on_time_rate, avg_delivery_days")[2]
    assert s3 == ("s3", None, None)
    assert headline(
        engine.query("SELECT * FROM business.fact_orders")
    ).on_time_rate == pytest.approx(5 / 7)  # o03 and o09 late, o12 apart


def test_payment_mix_per_month_and_type(engine):
    assert rows(engine, "payment_mix", "*") == [
        (JAN, "credit_card", 2, 2, D("280.00"), 2.5),
        (JAN, "voucher", 1, 1, D("30.00"), 1.0),
        (FEB, "boleto", 1, 1, D("100.00"), 1.0),
        (FEB, "credit_card", 2, 2, D("299.99"), 6.0),
        (MAR, "credit_card", 1, 1, D("10.01"), 1.0),
        (MAR, "debit_card", 1, 1, D("55.00"), 1.0),
        (MAR, "voucher", 2, 1, D("20.00"), 1.0),
        (APR, "credit_card", 1, 1, D("132.00"), 4.0),
    ]


def test_cohort_retention_has_every_month_up_to_the_last_sale_with_zeros_where_nobody_returned(
    engine,
):
    # Cohorts: JAN u1, u2; FEB u3, u6, u7 (shipped counts as sold), u8; APR u9 (a created order
    # is a sale). MAR has no cohort: u1 and u2 came back. Nobody bought again in FEB, and in APR only
    # u3. The last month with a sale is APR.
    assert rows(engine, "cohort_retention", "*") == [
        (JAN, 0, 2, 2, 1.0),
        (JAN, 1, 2, 0, 0.0),
        (JAN, 2, 2, 2, 1.0),
        (JAN, 3, 2, 0, 0.0),
        (FEB, 0, 4, 4, 1.0),
        (FEB, 1, 4, 0, 0.0),
        (FEB, 2, 4, 1, 0.25),
        (APR, 0, 1, 1, 1.0),
    ]


def test_kpi_monthly_counts_each_sold_order_once_per_month(engine):
    # JAN o01 o02; FEB o03 o07 o08 (shipped) o09; MAR o04 o10 (o05 canceled, o06 unavailable left
    # out); APR o11 (created, no items) o12. AOV = revenue / orders: FEB 495.50 / 4 = 123.875.
    assert rows(engine, "kpi_monthly", "*") == [
        (JAN, 2, 2, 4, D("280.00"), D("30.00"), D("310.00"), D("155.00"), 2, 1.0, 4.5),
        (FEB, 4, 4, 5, D("450.00"), D("45.50"), D("495.50"), D("123.88"), 3, 0.333333, 3.0),
        (MAR, 2, 2, 4, D("80.00"), D("5.00"), D("85.00"), D("42.50"), 2, 1.0, 5.0),
        (APR, 2, 2, 1, D("120.00"), D("12.00"), D("132.00"), D("66.00"), 1, 1.0, 5.0),
    ]  # fmt: skip


def test_a_month_of_only_canceled_orders_is_a_kpi_row_of_zeros_and_no_cohort_month(
    tiny_lake, write_clean
):
    canceled = delivered_orders([("o30", "c30", "u20", "2018-05-10 10:00")])
    canceled["orders"][0] |= {"order_status": "canceled", "order_delivered_customer_date": None}
    write_clean(canceled, batch="may")

    engine = built(tiny_lake)

    assert rows(engine, "kpi_monthly", "*")[-1] == (
        MAY, 0, 0, 0, D("0.00"), D("0.00"), D("0.00"), None, 0, None, None
    )  # fmt: skip
    assert max(row[0] for row in rows(engine, "cohort_retention", "*")) == APR


def test_every_business_check_passes_on_the_tiny_dataset(engine):
    outcomes = business_checks(engine)

    assert {(o.table, o.name) for o in outcomes if not o.passed} == set()
    assert len(outcomes) == 19


KPI = ("kpi_monthly", "totals_reconciled")


@pytest.mark.parametrize(
    ("table", "tampered", "failing"),
    [
        (
            "fact_order_items",
            "SELECT * FROM t WHERE order_id <> 'o08'",
            {("fact_order_items", "price_conserved"), KPI},
        ),
        (
            "fact_order_items",
            "SELECT * REPLACE (CASE WHEN order_id = 'o09' THEN item_total ELSE allocated_payment "
            "END AS allocated_payment) FROM t",
            {("fact_order_items", "allocations_match_payments")},
        ),
        (
            "fact_orders",
            "SELECT * FROM t WHERE order_id <> 'o11'",
            {("fact_orders", "orders_conserved"), KPI},
        ),
        (
            "fact_orders",
            "SELECT * FROM t UNION ALL SELECT * FROM t WHERE order_id = 'o01'",
            {
                ("fact_orders", "grain_unique"),
                ("fact_orders", "orders_conserved"),
                ("fact_orders", "payments_conserved"),
                KPI,
            },
        ),
        (
            "delivery_performance",
            "SELECT * REPLACE (on_time_rate * 2 AS on_time_rate) FROM t",
            {("delivery_performance", "rates_in_range")},
        ),
        ("kpi_monthly", "SELECT * REPLACE (gmv + 0.01 AS gmv) FROM t", {KPI}),
        ("kpi_monthly", "SELECT * FROM t WHERE month <> DATE '2018-04-01'", {KPI}),
        (
            "kpi_monthly",
            "SELECT * REPLACE (delivered_orders + 1 AS delivered_orders) FROM t",
            {KPI},
        ),
    ],
)
def test_a_check_fails_when_its_table_is_wrong(tiny_lake, tmp_path, table, tampered, failing):
    # Given a business table republished (a new snapshot) with a defect
    engine = built(tiny_lake)
    path = tmp_path / "tampered.parquet"
    source = f"(SELECT * FROM business.{table}) AS t"
    engine.connection.execute(
        f"COPY ({tampered.replace('FROM t', f'FROM {source}')}) TO '{path}' (FORMAT parquet)"
    )
    target = new_data_path(tiny_lake.location(BUSINESS, table))
    with tiny_lake.file_io(target).new_output(target).create() as out:
        out.write(path.read_bytes())
    publish_build(tiny_lake, table, [target], inputs={}, contents={})

    # When the checks run on a fresh engine
    outcomes = business_checks(DuckDBEngine(tiny_lake))

    # Then exactly the checks that guard against that defect fail (kpi_monthly's reconciliation
    # also catches a fact table no longer matching the months built from it)
    assert {(o.table, o.name) for o in outcomes if not o.passed} == failing
