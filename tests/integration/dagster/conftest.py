"""A lake holding small hand-built business tables, with the columns the business layer writes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from olist_assets.core.tables import BUSINESS
from olist_assets.stores.iceberg.business import publish_build
from olist_assets.stores.iceberg.datafiles import new_data_path
from olist_assets.stores.iceberg.tables import IcebergTables

MONEY = pa.decimal128(18, 2)
JAN, FEB, MAR = dt.date(2018, 1, 1), dt.date(2018, 2, 1), dt.date(2018, 3, 1)

# order, customer, status, sold, month, items_price, items_total, payment_total, review, delivered,
# late, delay, reconciliation
ORDERS = [
    ("o1", "c1", "delivered", True, JAN, "90.00", "100.00", "100.00", 5, True, False, -10, "reconciled"),
    ("o2", "c2", "delivered", True, JAN, "45.00", "50.00", "50.00", 4, True, False, -3, "reconciled"),
    ("o3", "c1", "delivered", True, FEB, "75.00", "80.00", "80.00", 1, True, True, 12, "reconciled"),
    ("o4", "c3", "delivered", True, FEB, "25.00", "30.00", "35.00", 2, True, True, 2, "payment_gt_items"),
    ("o5", "c4", "canceled", False, FEB, "18.00", "20.00", "20.00", None, False, None, None, "reconciled"),
    ("o6", "c5", "shipped", True, MAR, "0.00", "0.00", "15.00", None, False, None, None, "payment_without_items"),
    ("o7", "c6", "delivered", True, MAR, "55.00", "60.00", "0.00", 3, True, False, 0, "items_without_payment"),
]  # fmt: skip


def _money(values) -> pa.Array:
    return pa.array([Decimal(v) for v in values], pa.decimal128(12, 2))


def _orders() -> pa.Table:
    columns = list(zip(*ORDERS, strict=True))
    return pa.table(
        {
            "order_id": columns[0],
            "customer_unique_id": columns[1],
            "order_status": columns[2],
            "is_sold": columns[3],
            "purchase_month": pa.array(columns[4], pa.date32()),
            "items_price": _money(columns[5]),
            "items_total": _money(columns[6]),
            "payment_total": _money(columns[7]),
            "review_score": pa.array(columns[8], pa.int32()),
            "is_delivered": columns[9],
            "is_late": pa.array(columns[10], pa.bool_()),
            "delay_days": pa.array(columns[11], pa.int32()),
            "reconciliation_status": columns[12],
        }
    )


def business_tables() -> dict[str, pa.Table]:
    """Every table the report reads; figures agree with ORDERS (GMV excludes the canceled o5)."""
    return {
        "fact_orders": _orders(),
        "kpi_monthly": pa.table(
            {
                "month": pa.array([JAN, FEB, MAR], pa.date32()),
                "orders": [2, 2, 2],
                "gmv": pa.array([Decimal("135.00"), Decimal("100.00"), Decimal("55.00")], MONEY),
            }
        ),
        "sales_monthly": pa.table(
            {
                "month": pa.array([JAN, JAN, FEB, MAR], pa.date32()),
                "product_category": ["toys", "bed_bath_table", "toys", "unknown"],
                "customer_state": ["SP", "RJ", "SP", "MG"],
                "orders": [1, 1, 2, 1],
                "gmv": pa.array(
                    [Decimal("90.00"), Decimal("45.00"), Decimal("100.00"), Decimal("55.00")], MONEY
                ),
                "revenue": pa.array(
                    [Decimal("100.00"), Decimal("50.00"), Decimal("110.00"), Decimal("60.00")],
                    MONEY,
                ),
            }
        ),
        "delivery_performance": pa.table(
            {
                "month": pa.array([JAN, FEB, MAR], pa.date32()),
                "customer_state": ["SP", "SP", "RJ"],
                "delivered_orders": [2, 2, 1],
                "late_orders": [0, 2, 0],
                "impossible_deliveries": [0, 0, 0],
            }
        ),
        "payment_mix": pa.table(
            {
                "month": pa.array([JAN, JAN, FEB, MAR], pa.date32()),
                "payment_type": ["credit_card", "boleto", "credit_card", "voucher"],
                "payments": [1, 1, 2, 1],
                "value": pa.array(
                    [Decimal("100.00"), Decimal("50.00"), Decimal("115.00"), Decimal("15.00")],
                    MONEY,
                ),
            }
        ),
        "seller_scorecard": pa.table(
            {
                "seller_id": ["s1", "s2", "s3"],
                "seller_state": ["SP", "PR", "MG"],
                "orders": [3, 2, 0],
                "gmv": pa.array([Decimal("190.00"), Decimal("100.00"), Decimal("0.00")], MONEY),
                "avg_review_score": [4.0, 2.5, None],
                "on_time_rate": [1.0, 0.5, None],
            }
        ),
        "customer_rfm": pa.table(
            {
                "customer_unique_id": ["c1", "c2", "c3", "c6"],
                "segment": ["champions", "recent", "recent", "recent"],
            }
        ),
        "cohort_retention": pa.table(
            {
                "cohort_month": pa.array([JAN, JAN, JAN, FEB, FEB, MAR], pa.date32()),
                "months_since_first": [0, 1, 2, 0, 1, 0],
                "cohort_customers": [2, 2, 2, 1, 1, 2],
                "customers": [2, 1, 0, 1, 0, 2],
                "retention_rate": [1.0, 0.5, 0.0, 1.0, 0.0, 1.0],
            }
        ),
    }


def write_business_tables(tables: IcebergTables, business: dict[str, pa.Table]) -> None:
    """Publish each table as a build of its Iceberg business table (one snapshot each)."""
    for name, rows in business.items():
        path = new_data_path(tables.location(BUSINESS, name))
        with tables.file_io(path).new_output(path).create() as out:
            pq.write_table(rows, out)
        publish_build(tables, name, [path], inputs={}, contents={})


@pytest.fixture
def business_lake(tables: IcebergTables) -> IcebergTables:
    write_business_tables(tables, business_tables())
    return tables
