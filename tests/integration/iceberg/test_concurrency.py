"""Optimistic concurrency without locks: concurrent landings of one table all end up in it.

Eight threads land eight different dated files of one table at once, ten times over, on the
embedded SQL catalog and on the Glue catalog (a moto server): every batch is in the ledger and its
rows in the table, and commits really did conflict and retry (the figure is printed).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import boto3
import pytest

from olist_assets.core.cleaning import refresh_table
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.tables import CLEAN
from olist_assets.stores.iceberg.catalogs import default_config
from olist_assets.stores.iceberg.tables import IcebergTables
from olist_assets.stores.local import LocalStore
from olist_assets.stores.s3 import S3Store

ORDERS = CONTRACTS["orders"]
THREADS = 8
ROUNDS = 10
BUCKET = "olist-concurrency"
ROWS_PER_DROP = 5


def order_line(n: int) -> str:
    return f"{n:032x},{n:032x},delivered,2018-09-02 10:00:00,,,,2018-09-20 00:00:00"


def drop(month: int, olist_csv) -> str:
    """A dated drop of orders; consecutive drops restate each other's first order."""
    first = month * ROWS_PER_DROP
    lines = [order_line(n) for n in range(first - 1, first + ROWS_PER_DROP)]
    return olist_csv("orders", *lines)


def land_concurrently(open_tables: Callable[[], IcebergTables], keys: list[str]) -> int:
    """Refresh each key in its own thread with its own catalog client; returns conflicts retried."""
    conflicts, errors = [], []
    barrier = threading.Barrier(len(keys))

    def land(key: str) -> None:
        tables = open_tables()
        barrier.wait()
        try:
            result = refresh_table(tables.store, tables, ORDERS, raw_keys=[key])
            conflicts.append(result.conflicts)
        except Exception as error:  # reported below with the key
            errors.append(f"{key}: {error!r}")

    threads = [threading.Thread(target=land, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return sum(conflicts)


def assert_every_batch_landed(tables: IcebergTables, keys: list[str]) -> None:
    ledger = tables.state(ORDERS).ledger
    assert sorted(entry.raw_key for entry in ledger.batches.values()) == sorted(keys)
    table = tables.scan(CLEAN, "orders", ["order_id", "_batch"]).read_all()
    assert table.num_rows == ledger.rows == len(set(table["order_id"].to_pylist()))
    assert set(table["_batch"].to_pylist()) == {key.removeprefix("raw/") for key in keys}


def run_rounds(make_tables: Callable[[int], Callable[[], IcebergTables]], olist_csv) -> int:
    """ROUNDS rounds of THREADS concurrent landings, each round on a new lake; returns conflicts."""
    total = 0
    for round_ in range(ROUNDS):
        open_tables = make_tables(round_)
        keys = []
        for month in range(1, THREADS + 1):
            key = f"raw/orders/olist_orders_dataset_2018-{month:02d}.csv"
            open_tables().store.write_bytes(key, drop(month, olist_csv).encode())
            keys.append(key)
        total += land_concurrently(open_tables, keys)
        assert_every_batch_landed(open_tables(), keys)
    return total


def report(catalog: str, conflicts: int, capsys) -> None:
    with capsys.disabled():
        print(
            f"\n{catalog}: {ROUNDS} x {THREADS} concurrent landings, {conflicts} conflicts retried"
        )


def test_concurrent_landings_on_the_sql_catalog_lose_no_batch(tmp_path, olist_csv, capsys):
    def make_tables(round_: int) -> Callable[[], IcebergTables]:
        root = tmp_path / f"lake-{round_}"
        return lambda: IcebergTables(default_config(str(root)), LocalStore(root))

    conflicts = run_rounds(make_tables, olist_csv)

    report("SQL catalog", conflicts, capsys)
    assert conflicts >= 1


@pytest.mark.integration
@pytest.mark.rehearsal  # 3 to 6 minutes: every Glue and S3 call goes through a moto server
def test_concurrent_landings_on_the_glue_catalog_lose_no_batch(moto_server, olist_csv, capsys):
    s3 = boto3.client("s3")
    glue = boto3.client("glue")
    s3.create_bucket(Bucket=BUCKET)

    def make_tables(round_: int) -> Callable[[], IcebergTables]:
        databases = {ns: f"r{round_}_{ns}" for ns in ("clean", "quarantine", "business")}
        for name in databases.values():
            glue.create_database(DatabaseInput={"Name": name})
        lake = f"s3://{BUCKET}/round-{round_}"
        config = default_config(
            lake, "glue", databases=databases, endpoint=moto_server, region="us-east-1"
        )
        return lambda: IcebergTables(config, S3Store(BUCKET, f"round-{round_}", boto3.Session()))

    conflicts = run_rounds(make_tables, olist_csv)

    report("Glue catalog", conflicts, capsys)
    assert conflicts >= 1
