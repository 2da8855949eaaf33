"""A reader sees a table before or after a refresh, never between; a crash anywhere leaves the last
committed snapshot current and readable, and the next run converges to the uninterrupted result."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.io.pyarrow import PyArrowFile

from olist_assets.core.cleaning import refresh_table
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.tables import CLEAN, QUARANTINE
from olist_assets.engines.duckdb_engine import DuckDBEngine
from olist_assets.stores.iceberg.catalogs import default_config
from olist_assets.stores.iceberg.tables import IcebergTables
from olist_assets.stores.local import LocalStore

ORDERS = CONTRACTS["orders"]
BASE = "raw/olist_orders_dataset.csv"
DROP = "raw/2018-09/olist_orders_dataset.csv"
ORDER_COUNT = 1000
RESTATED = 300


class InjectedCrash(RuntimeError):
    """The process 'dies' here: nothing after this point runs."""


def order(n: int, status: str = "delivered") -> str:
    return f"{n:032x},{n:032x},{status},2018-09-02 10:00:00,,,,2018-09-20 00:00:00"


def write_lake(root: Path, olist_csv) -> tuple[LocalStore, IcebergTables]:
    """A lake holding the base orders file, refreshed, and the restating drop waiting in raw/."""
    store = LocalStore(root)
    store.write_bytes(BASE, olist_csv("orders", *[order(n) for n in range(ORDER_COUNT)]).encode())
    tables = IcebergTables(default_config(str(root)), store)
    refresh_table(store, tables, ORDERS)
    restated = [order(n, "canceled") for n in range(RESTATED)]
    drop = olist_csv("orders", *restated, order(5000), f"{5001:032x},broken")
    store.write_bytes(DROP, drop.encode())
    return store, tables


def content(tables: IcebergTables) -> tuple[list[tuple], list[tuple]]:
    """The clean and quarantine rows, sorted: what a run leaves, whatever files hold it."""
    clean = tables.scan(CLEAN, "orders").read_all().to_pylist()
    quarantined = tables.scan(QUARANTINE, "orders").read_all().to_pylist()
    return sorted(tuple(r.values()) for r in clean), sorted(tuple(r.values()) for r in quarantined)


def test_a_reader_polling_during_a_restating_drop_never_sees_duplicates_or_an_empty_table(
    tmp_path, olist_csv
):
    store, tables = write_lake(tmp_path / "lake", olist_csv)
    before = tables.load(CLEAN, "orders").current_snapshot().snapshot_id
    seen, problems, done = {}, [], threading.Event()

    def poll() -> None:
        while not done.is_set():
            engine = DuckDBEngine(IcebergTables(tables.config, store))
            rows, keys = (
                engine.query(
                    "SELECT count(*) AS n, count(DISTINCT order_id) AS k FROM clean.orders"
                )
                .to_pylist()[0]
                .values()
            )
            snapshot = engine.pinned["clean.orders"]
            engine.close()
            seen[snapshot] = seen.get(snapshot, 0) + 1
            if rows != keys or rows == 0:
                problems.append((snapshot, rows, keys))

    reader = threading.Thread(target=poll)
    reader.start()
    try:
        result = refresh_table(store, tables, ORDERS)
        after = result.snapshot_id
        while seen.get(after, 0) < 3:
            done.wait(0.05)
    finally:
        done.set()
        reader.join()

    assert problems == []
    assert before in seen and after in seen
    assert set(seen) == {before, after}


WRITES = [
    (LocalStore, "put_file"),
    (LocalStore, "write_bytes"),
    (PyArrowFile, "create"),
    (SqlCatalog, "commit_table"),
]


def instrument(patch: pytest.MonkeyPatch, on_write) -> None:
    """Call `on_write()` before every file write (lake store, Iceberg files) and catalog commit."""
    for owner, name in WRITES:
        original = getattr(owner, name)

        def wrapped(*args, _original=original, **kwargs):
            on_write()
            return _original(*args, **kwargs)

        patch.setattr(owner, name, wrapped)


def crash_on(write: int):
    """An `on_write` that raises InjectedCrash at the given write (1 = the first)."""
    calls = {"n": 0}

    def on_write() -> None:
        calls["n"] += 1
        if calls["n"] == write:
            raise InjectedCrash(f"crash at write {write}")

    return on_write


def injection_points(tmp_path: Path, olist_csv, monkeypatch) -> tuple[int, tuple]:
    """How many writes and commits one refresh makes (an uninterrupted run), and its result."""
    store, tables = write_lake(tmp_path / "reference", olist_csv)
    calls = []
    with monkeypatch.context() as patch:
        instrument(patch, lambda: calls.append(1))
        refresh_table(store, tables, ORDERS)
    return len(calls), content(tables)


def test_a_crash_at_any_write_or_commit_leaves_the_last_snapshot_and_the_next_run_converges(
    tmp_path, olist_csv, monkeypatch
):
    points, expected = injection_points(tmp_path, olist_csv, monkeypatch)
    assert points >= 10

    for crash_at in range(1, points + 1):
        store, tables = write_lake(tmp_path / f"crash-{crash_at}", olist_csv)
        committed = tables.load(CLEAN, "orders").current_snapshot().snapshot_id
        before = content(tables)
        with monkeypatch.context() as patch:
            instrument(patch, crash_on(crash_at))
            with pytest.raises(InjectedCrash):
                refresh_table(store, tables, ORDERS)

        reopened = IcebergTables(tables.config, store)
        current = reopened.load(CLEAN, "orders").current_snapshot().snapshot_id
        clean_rows, _ = content(reopened)
        if current == committed:
            assert clean_rows == before[0], f"crash at {crash_at} changed the committed snapshot"
        else:
            assert clean_rows == expected[0], f"crash at {crash_at} committed half a change"
        refresh_table(store, reopened, ORDERS)
        assert content(reopened) == expected, f"crash at {crash_at} did not converge"
