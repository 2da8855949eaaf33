"""Table contracts: names, keys, types and file-name matching of the nine Olist tables."""

from __future__ import annotations

import pyarrow as pa
import pytest

from olist_assets.core.contracts import (
    CONTRACTS,
    MONEY,
    UnknownFileError,
    athena_type,
    contract_for_file,
)

REAL_FILE_NAMES = {
    "customers": "olist_customers_dataset.csv",
    "geolocation": "olist_geolocation_dataset.csv",
    "orders": "olist_orders_dataset.csv",
    "order_items": "olist_order_items_dataset.csv",
    "order_payments": "olist_order_payments_dataset.csv",
    "order_reviews": "olist_order_reviews_dataset.csv",
    "products": "olist_products_dataset.csv",
    "sellers": "olist_sellers_dataset.csv",
    "product_category_translation": "product_category_name_translation.csv",
}


def test_there_is_one_contract_per_olist_file_under_its_clean_table_name():
    assert {name: c.file_name for name, c in CONTRACTS.items()} == REAL_FILE_NAMES


def test_misspelled_product_columns_map_to_clean_length_names():
    products = CONTRACTS["products"]
    assert "product_name_lenght" in products.source_columns
    assert "product_description_lenght" in products.source_columns
    assert "product_name_length" in products.column_names
    assert "product_description_length" in products.column_names
    assert not any("lenght" in name for name in products.column_names)
    assert not any("lenght" in name for name in products.arrow_schema.names)


@pytest.mark.parametrize("contract", CONTRACTS.values(), ids=CONTRACTS.keys())
def test_key_and_foreign_key_columns_exist(contract):
    assert set(contract.primary_key) <= set(contract.column_names)
    for fk in contract.foreign_keys:
        parent = CONTRACTS[fk.table]
        assert set(fk.columns) <= set(contract.column_names)
        assert fk.ref_columns == parent.primary_key


def test_order_reviews_are_keyed_by_review_and_order_because_review_id_repeats():
    assert CONTRACTS["order_reviews"].primary_key == ("review_id", "order_id")


def test_geolocation_has_no_key_and_is_identified_by_all_its_columns():
    geolocation = CONTRACTS["geolocation"]
    assert geolocation.primary_key == ()
    assert geolocation.key_columns == tuple(geolocation.column_names)


def test_untranslated_categories_are_known_orphans_of_the_translation_reference():
    (fk,) = CONTRACTS["products"].foreign_keys
    assert fk.table == "product_category_translation"
    assert fk.known_orphans == {"pc_gamer", "portateis_cozinha_e_preparadores_de_alimentos"}


def test_arrow_schema_types_ids_zips_money_timestamps_and_counts():
    items = CONTRACTS["order_items"].arrow_schema
    assert items.field("order_id").type == pa.string()
    assert items.field("order_item_id").type == pa.int32()
    assert items.field("price").type == pa.decimal128(12, 2)
    assert items.field("freight_value").type == MONEY
    assert items.field("shipping_limit_date").type == pa.timestamp("us")
    assert items.field("shipping_limit_date").type.tz is None
    assert CONTRACTS["sellers"].arrow_schema.field("seller_zip_code_prefix").type == pa.string()
    assert CONTRACTS["order_payments"].arrow_schema.field("payment_value").type == MONEY
    assert CONTRACTS["products"].arrow_schema.field("product_weight_g").type == pa.int32()


def test_arrow_schema_nullability_follows_the_contract():
    orders = CONTRACTS["orders"].arrow_schema
    assert not orders.field("order_id").nullable
    assert not orders.field("order_purchase_timestamp").nullable
    assert orders.field("order_approved_at").nullable
    assert orders.field("order_delivered_customer_date").nullable
    assert CONTRACTS["products"].arrow_schema.field("product_category_name").nullable


def test_athena_types_of_the_contract_columns():
    items = CONTRACTS["order_items"]
    ddl = {c.name: c.athena_type for c in items.columns}
    assert ddl == {
        "order_id": "string",
        "order_item_id": "int",
        "product_id": "string",
        "seller_id": "string",
        "shipping_limit_date": "timestamp",
        "price": "decimal(12,2)",
        "freight_value": "decimal(12,2)",
    }
    assert CONTRACTS["geolocation"].column("geolocation_lat").athena_type == "double"
    assert athena_type(pa.int64()) == "bigint"


def test_every_contract_column_has_an_athena_type():
    for contract in CONTRACTS.values():
        assert all(column.athena_type for column in contract.columns)


def test_athena_type_refuses_an_arrow_type_it_cannot_map():
    with pytest.raises(ValueError, match="no Athena type"):
        athena_type(pa.list_(pa.string()))


@pytest.mark.parametrize("table, file_name", REAL_FILE_NAMES.items())
def test_original_file_names_map_to_their_table(table, file_name):
    assert contract_for_file(file_name).name == table


@pytest.mark.parametrize(
    "file_name, table",
    [
        ("olist_orders_dataset_2018-09.csv", "orders"),
        ("olist_orders_dataset-2018-10.csv", "orders"),
        ("olist_order_items_dataset_2018-09-30.csv", "order_items"),
        ("product_category_name_translation-2024-02-29.csv", "product_category_translation"),
    ],
)
def test_dated_drops_map_to_their_table(file_name, table):
    assert contract_for_file(file_name).name == table


@pytest.mark.parametrize(
    "file_name",
    [
        "orders.csv",
        "olist_orders.csv",
        "olist_orders_dataset.parquet",
        "olist_orders_dataset.csv.bak",
        "olist_orders_datasetX.csv",
        "olist_marketing_qualified_leads_dataset.csv",
        "olist_orders_dataset.CSV",
        "olist_orders_dataset - Copy.csv",
        "olist_orders_dataset_backup.csv",
        "olist_order_items_dataset 2018 09.csv",
        "olist_order_payments_dataset_2018_09_delta.csv",
        "olist_orders_dataset_2018-13.csv",
        "olist_orders_dataset_2023-02-29.csv",
    ],
)
def test_unknown_file_names_raise_unknown_file_error(file_name):
    with pytest.raises(UnknownFileError, match="not an Olist file"):
        contract_for_file(file_name)
