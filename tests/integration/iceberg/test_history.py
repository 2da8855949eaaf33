"""Time travel and recovery: snapshots listed, a bad drop rolled back and not landed again, the
catalog rebuilt from the tables' metadata files, the tables maintained (fewer bytes, same rows)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from olist_assets.core.cleaning import refresh_table
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.tables import CLEAN, QUARANTINE
from olist_assets.stores.iceberg.catalogs import CATALOG_FILE, rebuild_sql_catalog
from olist_assets.stores.iceberg.history import rollback, snapshot_history
from olist_assets.stores.iceberg.maintenance import maintain_lake
from olist_assets.stores.iceberg.tables import IcebergTables

SELLERS = CONTRACTS["sellers"]
BASE = "olist_sellers_dataset.csv"


def seller(n: int, city: str = "campinas", zip_prefix: str = "13023") -> str:
    return f'"{n:032x}","{zip_prefix}",{city},SP'


def cities(tables) -> dict[int, str]:
    found = tables.scan(CLEAN, "sellers", ["seller_id", "seller_city"]).read_all().to_pylist()
    return {int(row["seller_id"], 16): row["seller_city"] for row in found}


@pytest.fixture
def dropped(store, tables, land, olist_csv):
    """A base file, then a bad September drop restating seller 1 (one record quarantined)."""
    land(f"sellers/{BASE}", olist_csv("sellers", seller(1), seller(2)))
    good = refresh_table(store, tables, SELLERS).snapshot_id
    drop = olist_csv("sellers", seller(1, "errado"), seller(3), seller(4, zip_prefix="x"))
    key = land("sellers/olist_sellers_dataset_2018-09.csv", drop)
    bad = refresh_table(store, tables, SELLERS).snapshot_id
    return good, bad, key


def test_history_lists_each_snapshot_with_its_operation_batches_and_rows(tables, dropped):
    good, bad, _ = dropped

    lines = snapshot_history(tables, CLEAN, "sellers")

    assert [line.snapshot_id for line in lines] == [good, bad]
    assert [line.rows for line in lines] == [2, 3]
    assert lines[1].batches == "sellers/olist_sellers_dataset_2018-09.csv"
    assert [line.current for line in lines] == [False, True]


def test_rolling_back_a_bad_drop_restores_the_table_and_the_next_run_leaves_it_out(
    store, tables, land, olist_csv, dropped
):
    good, _, key = dropped

    undone = rollback(tables, CLEAN, "sellers", good)

    assert undone == [key.removeprefix("raw/")]
    assert cities(tables) == {1: "campinas", 2: "campinas"}
    assert tables.scan(QUARANTINE, "sellers").read_all().num_rows == 0
    again = refresh_table(store, tables, SELLERS)
    assert not again.changed
    assert cities(tables) == {1: "campinas", 2: "campinas"}
    land("sellers/olist_sellers_dataset_2018-09.csv", olist_csv("sellers", seller(3)))
    fixed = refresh_table(store, tables, SELLERS)
    assert fixed.changed and fixed.ledger.exclusions == {}
    assert cities(tables) == {1: "campinas", 2: "campinas", 3: "campinas"}


def test_rolling_back_to_an_unknown_snapshot_names_the_ones_there_are(tables, dropped):
    good, bad, _ = dropped

    with pytest.raises(ValueError, match=f"{good}, {bad}"):
        rollback(tables, CLEAN, "sellers", 12345)


def test_a_lost_catalog_is_rebuilt_from_the_tables_metadata(store, tables, dropped):
    _, bad, _ = dropped
    (store.root / CATALOG_FILE).unlink()

    registered = rebuild_sql_catalog(tables.config, store)

    rebuilt = IcebergTables(tables.config, store)
    assert "clean.sellers" in registered and "quarantine.sellers" in registered
    assert rebuilt.load(CLEAN, "sellers").current_snapshot().snapshot_id == bad
    assert rebuilt.state(SELLERS).ledger.rows == 3


def test_maintenance_compacts_expires_and_deletes_what_nothing_references(
    store, tables, land, olist_csv
):
    land(f"sellers/{BASE}", olist_csv("sellers", *[seller(n) for n in range(1, 50)]))
    refresh_table(store, tables, SELLERS)
    for month in range(1, 13):
        drop = olist_csv("sellers", seller(month, f"city-{month}"), seller(100 + month))
        land(f"sellers/olist_sellers_dataset_2018-{month:02d}.csv", drop)
        refresh_table(store, tables, SELLERS)
    files_before = len(list(tables.load(CLEAN, "sellers").scan().plan_files()))
    before = cities(tables)
    a_month_later = datetime.now(tz=UTC) + timedelta(days=30)

    results = maintain_lake(tables, retention=timedelta(days=7), now=a_month_later)

    sellers = next(r for r in results if r.table == "clean.sellers")
    assert sellers.files_compacted == files_before and sellers.files_written == 1
    assert sellers.snapshots_expired >= 13
    assert sellers.files_deleted > 0
    assert sellers.bytes_after < sellers.bytes_before
    assert cities(tables) == before
    assert len(tables.load(CLEAN, "sellers").snapshots()) == 1
    assert not refresh_table(store, tables, SELLERS).changed
