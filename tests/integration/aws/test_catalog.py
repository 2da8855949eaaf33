"""The clean tables' Glue entries follow the contracts, and are only written when they drift."""

import pytest

from olist_assets.aws.glue import ensure_clean_table
from olist_assets.core.contracts import CONTRACTS

pytestmark = pytest.mark.integration
ORDERS = CONTRACTS["orders"]
LOCATION = "s3://olist-lake-test/clean/orders/"


def test_table_is_created_then_left_alone_then_repaired_when_it_drifts(lake_aws) -> None:
    glue = lake_aws.session.client("glue")

    created = ensure_clean_table(glue, "olist_clean", ORDERS, LOCATION)
    unchanged = ensure_clean_table(glue, "olist_clean", ORDERS, LOCATION)
    table = glue.get_table(DatabaseName="olist_clean", Name="orders")["Table"]
    table["StorageDescriptor"]["Columns"].pop()
    glue.update_table(
        DatabaseName="olist_clean",
        TableInput={"Name": "orders", "StorageDescriptor": table["StorageDescriptor"]},
    )
    repaired = ensure_clean_table(glue, "olist_clean", ORDERS, LOCATION)

    assert (created, unchanged, repaired) == ("created", "unchanged", "updated")
    table = glue.get_table(DatabaseName="olist_clean", Name="orders")["Table"]
    columns = table["StorageDescriptor"]["Columns"]
    assert [(c["Name"], c["Type"]) for c in columns] == [
        (c.name, c.athena_type) for c in ORDERS.columns
    ]
    assert table["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"].endswith(
        "ParquetHiveSerDe"
    )
    assert table["TableType"] == "EXTERNAL_TABLE"
