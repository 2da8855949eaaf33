"""Cleaning the real Olist files: the published figures come out exact, nothing is quarantined."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyarrow.compute as pc
import pytest

from olist_assets.core import lake
from olist_assets.core.checks.clean import primary_key_unique, row_conservation
from olist_assets.core.cleaning import refresh_table
from olist_assets.core.contracts import CONTRACTS, contract_for_file
from olist_assets.core.tables import BATCH_COLUMN
from olist_assets.stores.iceberg.catalogs import default_config
from olist_assets.stores.iceberg.tables import IcebergTables
from olist_assets.stores.local import LocalStore

pytestmark = pytest.mark.real_data

FULL_FILES = [
    "olist_order_payments_dataset.csv",
    "olist_products_dataset.csv",
    "olist_sellers_dataset.csv",
    "product_category_name_translation.csv",
]
HEAD_FILES = [
    "olist_customers_dataset.csv",
    "olist_geolocation_dataset.csv",
    "olist_order_items_dataset.csv",
    "olist_order_payments_dataset.csv",
    "olist_order_reviews_dataset.csv",
    "olist_orders_dataset.csv",
    "olist_products_dataset.csv",
    "olist_sellers_dataset.csv",
]
PAYMENTS_SHA256 = "4f713964f2815dbbaa40b9488268c55aac3627bfce5aa96cf58d1f3616de3cc0"


def new_lake(folder: Path) -> IcebergTables:
    store = LocalStore(folder)
    return IcebergTables(default_config(str(folder)), store)


def land(tables: IcebergTables, path: Path) -> None:
    """Put a real file in its table's raw folder and commit it to its clean table."""
    contract = contract_for_file(path.name)
    tables.store.put_file(lake.raw_key(path.name), path)
    refresh_table(tables.store, tables, contract)


@pytest.fixture(scope="module")
def full_lake(real_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> IcebergTables:
    """A lake holding the four real full files, landed and cleaned."""
    tables = new_lake(tmp_path_factory.mktemp("real-full"))
    for name in FULL_FILES:
        land(tables, real_dir / "full" / name)
    return tables


def clean(tables: IcebergTables, table: str):
    return tables.scan(lake.CLEAN, table).read_all()


def ledger(tables: IcebergTables, table: str):
    """The one batch of the table's ledger."""
    (entry,) = tables.state(CONTRACTS[table]).ledger.batches.values()
    return entry


def test_payments_give_103886_rows_over_99440_orders_summing_exactly(full_lake):
    payments = clean(full_lake, "order_payments")

    assert payments.num_rows == 103_886
    assert pc.count_distinct(payments["order_id"]).as_py() == 99_440
    total = sum(payments["payment_value"].to_pylist(), Decimal(0))
    assert total == Decimal("16008872.12")
    assert str(pc.sum(payments["payment_value"]).as_py()) == "16008872.12"


def test_payments_batch_records_the_original_file_fingerprint(full_lake):
    record = ledger(full_lake, "order_payments")

    assert record.sha256 == PAYMENTS_SHA256
    assert record.size == 5_777_138


def test_sellers_give_3095_rows_with_1027_zip_prefixes_starting_with_zero(full_lake):
    zips = clean(full_lake, "sellers")["seller_zip_code_prefix"].to_pylist()

    assert len(zips) == 3_095
    assert sum(zip_prefix.startswith("0") for zip_prefix in zips) == 1_027
    assert all(len(zip_prefix) == 5 for zip_prefix in zips)


def test_products_give_32951_rows_with_610_missing_categories(full_lake):
    products = clean(full_lake, "products")

    assert products.num_rows == 32_951
    assert products["product_category_name"].null_count == 610
    assert "product_name_length" in products.column_names
    assert pc.count_distinct(products["product_category_name"]).as_py() == 73


def test_translation_gives_71_rows_keyed_by_product_category_name(full_lake):
    translation = clean(full_lake, "product_category_translation")

    assert translation.num_rows == 71
    assert translation.column_names == [
        "product_category_name",
        "product_category_name_english",
        BATCH_COLUMN,
    ]
    assert set(translation[BATCH_COLUMN].to_pylist()) == {"product_category_name_translation.csv"}


@pytest.mark.parametrize("file_name", FULL_FILES)
def test_full_files_are_cleaned_without_quarantine_or_duplicates(full_lake, file_name):
    table = contract_for_file(file_name).name

    record = ledger(full_lake, table)

    assert record.rows_quarantined == 0
    assert record.rows_duplicate == 0
    assert record.rows_read == record.rows_clean
    assert row_conservation(full_lake, CONTRACTS[table]).passed
    assert primary_key_unique(full_lake, CONTRACTS[table]).passed


@pytest.mark.parametrize("file_name", HEAD_FILES)
def test_head_files_are_cleaned_without_quarantine(real_dir, tmp_path, file_name):
    tables = new_lake(tmp_path / "lake")
    contract = contract_for_file(file_name)

    land(tables, real_dir / "heads" / file_name)

    record = ledger(tables, contract.name)
    assert record.rows_quarantined == 0
    assert record.rows_read == record.rows_clean + record.rows_duplicate
    assert row_conservation(tables, contract).passed


def test_reviews_head_keeps_multi_line_comments_whole(real_dir, tmp_path):
    tables = new_lake(tmp_path / "lake")
    path = real_dir / "heads" / "olist_order_reviews_dataset.csv"
    physical_lines = path.read_bytes().count(b"\n")

    land(tables, path)

    record = ledger(tables, "order_reviews")
    messages = clean(tables, "order_reviews")["review_comment_message"].drop_null().to_pylist()
    multi_line = [message for message in messages if "\n" in message]
    assert multi_line
    assert record.rows_read == physical_lines - 1 - sum(m.count("\n") for m in multi_line)
