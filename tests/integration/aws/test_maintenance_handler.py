"""The scheduled maintenance function on moto (S3 + Glue): the bytes under a table fall, its rows and
its ledger stay, and its retention comes from the environment, checked at the handler's edge."""

from __future__ import annotations

import pytest
from test_landing import SELLER_A, SELLER_B, SELLERS_KEY, sellers_csv, table_rows

from lambda_adapters import handle_landing, handle_maintenance
from olist_assets import settings
from olist_assets.aws.config import ConfigurationError
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.tables import CLEAN

pytestmark = pytest.mark.integration

DROPS = [f"raw/sellers/olist_sellers_dataset_2018-{month:02d}.csv" for month in (9, 10, 11)]


def seller(n: int, city: str) -> str:
    return f'"{n:032x}","13023",{city},SP'


def table_bytes(lake, prefix: str) -> int:
    paginator = lake.s3.get_paginator("list_objects_v2")
    pages = paginator.paginate(Bucket=lake.bucket, Prefix=prefix)
    return sum(item["Size"] for page in pages for item in page.get("Contents", []))


@pytest.fixture
def restated(lake_aws, context):
    """The sellers file, then three monthly drops each restating a seller: four snapshots whose
    copy-on-write commits left superseded data files behind."""
    lake_aws.put(
        SELLERS_KEY, sellers_csv(SELLER_A, SELLER_B, *[seller(n, "campinas") for n in range(1, 40)])
    )
    handle_landing.lambda_handler(lake_aws.event(SELLERS_KEY), context())
    for month, key in enumerate(DROPS, start=1):
        lake_aws.put(key, sellers_csv(seller(month, f"city-{month}"), seller(100 + month, "rio")))
        handle_landing.lambda_handler(lake_aws.event(key), context())
    return lake_aws


def test_scheduled_maintenance_shrinks_the_bytes_under_a_table_and_keeps_its_rows(
    restated, context, monkeypatch
) -> None:
    # Given a sellers table with four snapshots, maintained with no retention
    lake = restated
    rows_before = table_rows(lake.tables(), CLEAN, "sellers")
    ledger_before = lake.tables().state(CONTRACTS["sellers"]).ledger.batches
    bytes_before = table_bytes(lake, "clean/sellers/")
    assert len(lake.tables().load(CLEAN, "sellers").snapshots()) == 4
    monkeypatch.setenv(settings.MAINTENANCE_RETAIN_DAYS, "0")

    # When the schedule invokes the maintenance function
    summary = handle_maintenance.lambda_handler({"source": "aws.events"}, context("maintenance"))

    # Then the table's old snapshots and the files only they referenced are gone, in S3 and Glue
    (sellers,) = [r for r in summary["tables"] if r["table"] == "clean.sellers"]
    assert sellers["snapshots_expired"] == 4 and sellers["files_deleted"] > 0
    assert sellers["bytes_after"] < sellers["bytes_before"] == bytes_before
    assert table_bytes(lake, "clean/sellers/") == sellers["bytes_after"]
    table = lake.tables().load(CLEAN, "sellers")
    assert len(table.snapshots()) == 1
    glue = lake.glue_table(CLEAN, "sellers")["Parameters"]["metadata_location"]
    assert glue == table.metadata_location

    # And the rows and the ledger are unchanged
    assert table_rows(lake.tables(), CLEAN, "sellers").equals(rows_before)
    assert lake.tables().state(CONTRACTS["sellers"]).ledger.batches == ledger_before
    assert summary["retain_days"] == 0


def test_a_retention_that_is_not_a_number_of_days_fails_the_invocation(
    lake_aws, context, monkeypatch
) -> None:
    monkeypatch.setenv(settings.MAINTENANCE_RETAIN_DAYS, "a week")

    with pytest.raises(ConfigurationError, match="OLIST_MAINTENANCE_RETAIN_DAYS must be a number"):
        handle_maintenance.lambda_handler({"source": "aws.events"}, context("maintenance"))
