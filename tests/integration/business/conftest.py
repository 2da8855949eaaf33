"""A tiny hand-built clean layer: twelve orders covering every case the business rules must get right.

| order | person | case |
|---|---|---|
| o01 | u1 | two items of one seller, one payment |
| o02 | u2 | two sellers, credit card + voucher, delivered on the estimated date late in the day |
| o03 | u3 | delivered five days late |
| o04 | u1 | repeat person (other customer_id), two vouchers and a card, 0.01 over the items |
| o05 | u4 | canceled |
| o06 | u5 | unavailable, paid, no items |
| o07 | u6 | product without category, no payment |
| o08 | u7 | shipped, paid less than the items |
| o09 | u8 | late, two sellers, allocation needing a rounding cent, two reviews |
| o10 | u2 | repeat person, who moved from RJ to SP |
| o11 | u9 | created, no items, no payment |
| o12 | u3 | repeat person two months later, untranslated category, delivered past midnight |
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

import pyarrow as pa
import pytest

from olist_assets.core.business.tables import build_stages
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.tables import BATCH_COLUMN, CLEAN
from olist_assets.engines.duckdb_engine import DuckDBEngine
from olist_assets.stores.iceberg.catalogs import default_config
from olist_assets.stores.iceberg.commits import commit_files
from olist_assets.stores.iceberg.datafiles import current_files, write_data_files
from olist_assets.stores.iceberg.rewrite import table_schema
from olist_assets.stores.iceberg.tables import IcebergTables
from olist_assets.stores.local import LocalStore


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def money(text: str) -> Decimal:
    return Decimal(text)


CUSTOMERS = [
    ("c01", "u1", "SP"),
    ("c02", "u2", "RJ"),
    ("c03", "u3", "MG"),
    ("c04", "u1", "SP"),
    ("c05", "u4", "SP"),
    ("c06", "u5", "RJ"),
    ("c07", "u6", "SP"),
    ("c08", "u7", "MG"),
    ("c09", "u8", "SP"),
    ("c10", "u2", "SP"),
    ("c11", "u9", "PR"),
    ("c12", "u3", "SP"),
]

# order, customer, status, purchased, delivered to customer, estimated delivery
ORDERS = [
    ("o01", "c01", "delivered", "2018-01-05 10:00", "2018-01-10 15:00", "2018-01-20"),
    ("o02", "c02", "delivered", "2018-01-10 09:00", "2018-01-25 18:30", "2018-01-25"),
    ("o03", "c03", "delivered", "2018-02-01 08:00", "2018-02-20 12:00", "2018-02-15"),
    ("o04", "c04", "delivered", "2018-03-03 12:00", "2018-03-08 09:00", "2018-03-20"),
    ("o05", "c05", "canceled", "2018-03-10 16:00", None, "2018-03-30"),
    ("o06", "c06", "unavailable", "2018-03-12 11:00", None, "2018-04-02"),
    ("o07", "c07", "delivered", "2018-02-03 10:00", "2018-02-11 10:00", "2018-02-19"),
    ("o08", "c08", "shipped", "2018-02-10 13:00", None, "2018-03-01"),
    ("o09", "c09", "delivered", "2018-02-25 11:00", "2018-03-05 17:00", "2018-03-01"),
    ("o10", "c10", "delivered", "2018-03-15 14:00", "2018-03-19 10:00", "2018-04-01"),
    ("o11", "c11", "created", "2018-04-02 09:00", None, "2018-04-25"),
    ("o12", "c12", "delivered", "2018-04-05 23:30", "2018-04-06 01:00", "2018-04-20"),
]

# order, item, product, seller, price, freight
ORDER_ITEMS = [
    ("o01", 1, "p1", "s1", "100.00", "10.00"),
    ("o01", 2, "p1", "s1", "100.00", "10.00"),
    ("o02", 1, "p2", "s1", "50.00", "5.00"),
    ("o02", 2, "p3", "s2", "30.00", "5.00"),
    ("o03", 1, "p2", "s2", "80.00", "20.00"),
    ("o04", 1, "p1", "s1", "10.00", "0.00"),
    ("o04", 2, "p1", "s1", "10.00", "0.00"),
    ("o04", 3, "p1", "s1", "10.00", "0.00"),
    ("o05", 1, "p1", "s3", "40.00", "8.00"),
    ("o07", 1, "p4", "s1", "70.00", "10.00"),
    ("o08", 1, "p1", "s2", "200.00", "15.50"),
    ("o09", 1, "p2", "s1", "33.33", "0.00"),
    ("o09", 2, "p2", "s2", "66.67", "0.00"),
    ("o10", 1, "p1", "s1", "50.00", "5.00"),
    ("o12", 1, "p3", "s3", "120.00", "12.00"),
]

# order, sequential, type, installments, value
ORDER_PAYMENTS = [
    ("o01", 1, "credit_card", 3, "220.00"),
    ("o02", 1, "credit_card", 2, "60.00"),
    ("o02", 2, "voucher", 1, "30.00"),
    ("o03", 1, "boleto", 1, "100.00"),
    ("o04", 1, "voucher", 1, "10.00"),
    ("o04", 2, "voucher", 1, "10.00"),
    ("o04", 3, "credit_card", 1, "10.01"),
    ("o05", 1, "credit_card", 1, "48.00"),
    ("o06", 1, "boleto", 1, "25.00"),
    ("o08", 1, "credit_card", 10, "200.00"),
    ("o09", 1, "credit_card", 2, "99.99"),
    ("o10", 1, "debit_card", 1, "55.00"),
    ("o12", 1, "credit_card", 4, "132.00"),
]

# review, order, score, created
ORDER_REVIEWS = [
    ("r01", "o01", 5, "2018-01-11"),
    ("r02", "o02", 4, "2018-01-26"),
    ("r03", "o03", 2, "2018-02-21"),
    ("r04", "o04", 5, "2018-03-09"),
    ("r07", "o07", 3, "2018-02-12"),
    ("r09a", "o09", 1, "2018-03-06"),
    ("r09b", "o09", 4, "2018-03-10"),
    ("r10", "o10", 5, "2018-03-20"),
    ("r12", "o12", 5, "2018-04-07"),
]

PRODUCTS = [
    ("p1", "beleza_saude"),
    ("p2", "informatica_acessorios"),
    ("p3", "pc_gamer"),
    ("p4", None),
]

SELLERS = [("s1", "SP"), ("s2", "RJ"), ("s3", "MG"), ("s4", "PR")]

TRANSLATIONS = [
    ("beleza_saude", "health_beauty"),
    ("informatica_acessorios", "computers_accessories"),
]


def tiny_clean_tables() -> dict[str, list[dict]]:
    """The clean rows of every table, as dicts holding every non-null column of the contracts."""
    return {
        "customers": [
            {
                "customer_id": c,
                "customer_unique_id": u,
                "customer_zip_code_prefix": "01000",
                "customer_city": "cidade",
                "customer_state": state,
            }
            for c, u, state in CUSTOMERS
        ],
        "orders": [
            {
                "order_id": o,
                "customer_id": c,
                "order_status": status,
                "order_purchase_timestamp": ts(bought),
                "order_delivered_customer_date": ts(delivered) if delivered else None,
                "order_estimated_delivery_date": ts(estimated),
            }
            for o, c, status, bought, delivered, estimated in ORDERS
        ],
        "order_items": [
            {
                "order_id": o,
                "order_item_id": i,
                "product_id": p,
                "seller_id": s,
                "shipping_limit_date": ts("2018-01-01"),
                "price": money(price),
                "freight_value": money(freight),
            }
            for o, i, p, s, price, freight in ORDER_ITEMS
        ],
        "order_payments": [
            {
                "order_id": o,
                "payment_sequential": seq,
                "payment_type": kind,
                "payment_installments": installments,
                "payment_value": money(value),
            }
            for o, seq, kind, installments, value in ORDER_PAYMENTS
        ],
        "order_reviews": [
            {
                "review_id": r,
                "order_id": o,
                "review_score": score,
                "review_creation_date": ts(created),
            }
            for r, o, score, created in ORDER_REVIEWS
        ],
        "products": [{"product_id": p, "product_category_name": c} for p, c in PRODUCTS],
        "sellers": [
            {
                "seller_id": s,
                "seller_zip_code_prefix": "02000",
                "seller_city": "cidade",
                "seller_state": state,
            }
            for s, state in SELLERS
        ],
        "product_category_translation": [
            {"product_category_name": pt, "product_category_name_english": en}
            for pt, en in TRANSLATIONS
        ],
        "geolocation": [],
    }


def write_clean_layer(
    tables: IcebergTables, rows_by_table: dict[str, list[dict]], batch: str = "tiny"
) -> None:
    """Commit each table's rows as one batch of its Iceberg clean table (created when missing).

    The rows are written as the clean tables hold them (contract columns and `_batch`), one
    snapshot per table; no ledger is written, since no raw file was landed.
    """
    for name, rows in rows_by_table.items():
        contract = CONTRACTS[name]
        schema = table_schema(contract)
        table = tables.create(CLEAN, name, schema, contract.description)
        data = pa.Table.from_pylist([row | {BATCH_COLUMN: batch} for row in rows], schema=schema)
        paths = write_data_files(table, schema, data.to_batches())
        snapshot = table.current_snapshot()
        base = snapshot.snapshot_id if snapshot else None
        commit_files(table, base, [], paths, {}, {"olist.operation": "test-fixture"})


def restate_clean_table(tables: IcebergTables, name: str) -> int:
    """Commit clean.<name>'s rows again, unchanged, as a new snapshot (returned): an input that
    changed as far as a business build can tell, so the next build of a table reading it runs."""
    table = tables.load(CLEAN, name)
    base = table.current_snapshot().snapshot_id
    paths = write_data_files(
        table, table_schema(CONTRACTS[name]), table.scan().to_arrow().to_batches()
    )
    commit_files(table, base, current_files(table, base), paths, {}, {"olist.operation": "restate"})
    return table.current_snapshot().snapshot_id


def split_clean_table(tables: IcebergTables, name: str) -> int:
    """Commit clean.<name>'s rows again as two small files (a new snapshot, returned), so that
    maintenance has something to compact."""
    table = tables.load(CLEAN, name)
    base = table.current_snapshot().snapshot_id
    rows = table.scan().to_arrow()
    half = rows.num_rows // 2
    schema = table_schema(CONTRACTS[name])
    paths = [
        path
        for part in (rows.slice(0, half), rows.slice(half))
        for path in write_data_files(table, schema, part.to_batches())
    ]
    commit_files(table, base, current_files(table, base), paths, {}, {"olist.operation": "split"})
    return table.current_snapshot().snapshot_id


@pytest.fixture(scope="module")
def shared_tiny_lake(tmp_path_factory: pytest.TempPathFactory) -> IcebergTables:
    """The tiny lake, made once for a module's tests that only read it."""
    folder = tmp_path_factory.mktemp("tiny") / "lake"
    tables = IcebergTables(default_config(str(folder)), LocalStore(folder))
    write_clean_layer(tables, tiny_clean_tables())
    return tables


@pytest.fixture
def tiny_lake(tables: IcebergTables) -> IcebergTables:
    """A lake whose clean tables hold the twelve hand-built orders."""
    write_clean_layer(tables, tiny_clean_tables())
    return tables


@pytest.fixture
def write_tiny_layer():
    """Commit the twelve hand-built orders into the clean tables of any lake (local or S3)."""
    return lambda tables: write_clean_layer(tables, tiny_clean_tables())


@pytest.fixture
def tiny_tables() -> dict[str, list[dict]]:
    """The hand-built clean rows, to change before writing them (see write_clean)."""
    return tiny_clean_tables()


@pytest.fixture
def write_clean(tables: IcebergTables):
    """Commit rows of clean tables into the lake as one more batch (see write_clean_layer)."""
    return functools.partial(write_clean_layer, tables)


@pytest.fixture(scope="module")
def tiny_business(shared_tiny_lake: IcebergTables) -> Iterator[DuckDBEngine]:
    """An engine over the tiny clean layer with every business table built, shared by a module."""
    engine = DuckDBEngine(shared_tiny_lake)
    for stage in build_stages():
        for name in stage:
            engine.build_table(name)
    yield engine
    engine.close()
