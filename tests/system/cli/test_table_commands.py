"""The table commands end to end: sql, history, rollback, forget, maintain, catalog rebuild; and two
`olist-lakehouse run` processes on one lake at once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from olist_assets.cli.main import main
from olist_assets.core.business.tables import BUSINESS_TABLES
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.tables import BUSINESS, CLEAN
from olist_assets.stores.iceberg.catalogs import CATALOG_FILE
from olist_assets.stores.iceberg.tables import open_tables

pytestmark = pytest.mark.integration
QUERY = (
    "SELECT seller_state, seller_city, count(*) AS sellers FROM clean.sellers "
    "GROUP BY ALL ORDER BY sellers DESC, seller_city LIMIT 20"
)


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("landing")
    assert main(["generate", "--scale", "0.01", "--seed", "7", "--out", str(folder)]) == 0
    return folder


@pytest.fixture(scope="module")
def lake(landing: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lake") / "lake"
    assert main(["run", "--source", str(landing), "--lake", str(folder)]) == 0
    return folder


def orders_drop(landing: Path, month: str, status: str) -> str:
    """A dated orders drop restating the first ten orders of the base file with a new status."""
    lines = (landing / CONTRACTS["orders"].file_name).read_text().splitlines()
    restated = [
        ",".join([*line.split(",")[:2], status, *line.split(",")[3:]]) for line in lines[1:11]
    ]
    return "\n".join([lines[0], *restated]) + "\n"


def test_sql_csv_is_exactly_what_duckdb_copy_writes(lake: Path, capsys) -> None:
    assert main(["sql", "--lake", str(lake), "--format", "csv", QUERY]) == 0
    printed = capsys.readouterr().out

    sellers = open_tables(str(lake), os.environ).scan(CLEAN, "sellers").read_all()
    connection = duckdb.connect()
    connection.register("sellers", sellers)
    out = lake.parent / "expected.csv"
    connection.execute(f"COPY ({QUERY.replace('clean.sellers', 'sellers')}) TO '{out}' (HEADER)")
    assert printed == out.read_text()
    assert printed.startswith("seller_state,seller_city,sellers\n")


def test_sql_names_a_bad_query_in_one_line(lake: Path, capsys) -> None:
    code = main(["sql", "--lake", str(lake), "SELECT nope FROM clean.orders"])

    err = capsys.readouterr().err
    assert code == 2  # bad input, as `--help` documents; 1 is a pipeline run that failed
    assert err.startswith("Error: query failed: ") and "nope" in err
    assert "Traceback" not in err


CANCELED = "SELECT count(*) AS n FROM clean.orders WHERE order_status = 'canceled'"


def canceled(lake: Path, capsys) -> str:
    capsys.readouterr()
    assert main(["sql", "--lake", str(lake), "--format", "csv", CANCELED]) == 0
    return capsys.readouterr().out


def test_history_rollback_and_forget_undo_a_bad_drop(
    landing: Path, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "lake"
    assert main(["run", "--source", str(landing), "--lake", str(work)]) == 0
    good = open_tables(str(work), os.environ).state(CONTRACTS["orders"]).snapshot_id
    before = canceled(work, capsys)
    drop = work / "raw" / "olist_orders_dataset_2018-09.csv"
    drop.write_text(orders_drop(landing, "2018-09", "canceled"))
    assert main(["run", "--source", str(landing), "--lake", str(work)]) == 0
    assert canceled(work, capsys) != before

    assert main(["history", "--lake", str(work), "clean.orders"]) == 0
    history = capsys.readouterr().out
    assert str(good) in history and "olist_orders_dataset_2018-09.csv" in history
    home = tmp_path / "dagster_home"  # not there yet: the rollback creates it
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    assert main(["rollback", "--lake", str(work), "orders", "123"]) == 2  # no such snapshot
    assert f"clean.orders has no snapshot 123 (it has: {good}" in capsys.readouterr().err
    assert main(["rollback", "--lake", str(work), "orders", str(good)]) == 0
    out = capsys.readouterr().out
    assert "Excluded until their files change: olist_orders_dataset_2018-09.csv" in out
    assert "The next run builds again: business.fact_orders, " in out
    with dg.DagsterInstance.get() as instance:
        event = instance.get_latest_materialization_event(dg.AssetKey(["clean", "orders"]))
    assert event.asset_materialization.description == f"rolled back to snapshot {good}"
    monkeypatch.delenv("DAGSTER_HOME")
    assert canceled(work, capsys) == before
    assert main(["run", "--source", str(landing), "--lake", str(work)]) == 0
    assert canceled(work, capsys) == before

    assert main(["forget", "--lake", str(work), "raw/olist_orders_dataset_2018-09.csv"]) == 0
    assert not drop.exists()
    assert canceled(work, capsys) == before


def test_a_business_table_rolled_back_behind_its_inputs_is_built_again_by_the_next_run(
    landing: Path, tmp_path: Path, capsys
) -> None:
    # Given a lake whose business tables were rebuilt after a drop, and fact_orders rolled back to
    # its build from before the drop
    work = tmp_path / "lake"
    assert main(["run", "--source", str(landing), "--lake", str(work)]) == 0
    first = open_tables(str(work), os.environ).load(BUSINESS, "fact_orders").current_snapshot()
    drop = work / "raw" / "olist_orders_dataset_2018-09.csv"
    drop.write_text(orders_drop(landing, "2018-09", "canceled"))
    assert main(["run", "--source", str(landing), "--lake", str(work)]) == 0
    unsold = "SELECT count(*) AS n FROM business.fact_orders WHERE NOT is_sold"
    capsys.readouterr()
    assert main(["sql", "--lake", str(work), "--format", "csv", unsold]) == 0
    after_drop = capsys.readouterr().out
    rollback = ["rollback", "--lake", str(work), "business.fact_orders", str(first.snapshot_id)]
    assert main(rollback) == 0
    assert "The next run builds again: business.fact_orders, business." in capsys.readouterr().out

    # When the pipeline runs, Then fact_orders is built again from the orders as they are now
    assert main(["run", "--source", str(landing), "--lake", str(work)]) == 0
    table = open_tables(str(work), os.environ).load(BUSINESS, "fact_orders")
    assert table.current_snapshot().parent_snapshot_id == first.snapshot_id
    capsys.readouterr()
    assert main(["sql", "--lake", str(work), "--format", "csv", unsold]) == 0
    assert capsys.readouterr().out == after_drop


def test_maintain_and_a_rebuilt_catalog_keep_every_table(
    landing: Path, tmp_path: Path, capsys
) -> None:
    work = tmp_path / "lake"
    assert main(["run", "--source", str(landing), "--lake", str(work)]) == 0
    (work / CATALOG_FILE).unlink()
    capsys.readouterr()

    assert main(["catalog", "rebuild", "--lake", str(work)]) == 0
    tables = 2 * len(CONTRACTS) + len(BUSINESS_TABLES)  # clean and quarantine, business
    assert f"Registered {tables} tables" in capsys.readouterr().out
    assert main(["maintain", "--lake", str(work), "--retain-days", "0"]) == 0
    assert "clean.orders" in capsys.readouterr().out
    count = "SELECT count(*) AS n FROM business.fact_orders"
    assert main(["sql", "--lake", str(work), "--format", "csv", count]) == 0
    assert capsys.readouterr().out == "n\n994\n"


def test_a_copied_lake_is_refused_whole_and_maintain_deletes_nothing_of_either(
    landing: Path, tmp_path: Path, capsys
) -> None:
    original, copy = tmp_path / "lake", tmp_path / "copy"
    assert main(["run", "--source", str(landing), "--lake", str(original)]) == 0
    shutil.copytree(original, copy)
    files = {lake: sorted(lake.rglob("*.parquet")) for lake in (original, copy)}
    capsys.readouterr()

    code = main(["maintain", "--lake", str(copy), "--retain-days", "0"])

    (line,) = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("Error: ")]
    assert code == 2 and "the lake folder was copied or moved" in line
    assert {lake: sorted(lake.rglob("*.parquet")) for lake in (original, copy)} == files


def test_two_runs_on_one_lake_at_once_keep_both_drops(landing: Path, tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    sources = []
    for month, status in (("2018-09", "canceled"), ("2018-10", "unavailable")):
        source = tmp_path / month
        shutil.copytree(landing, source)
        (source / f"olist_orders_dataset_{month}.csv").write_text(
            orders_drop(landing, month, status)
        )
        sources.append(source)
    command = [sys.executable, "-m", "olist_assets.cli.main", "run", "--lake", str(lake)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    runs = [
        subprocess.Popen([*command, "--source", str(s)], env=env, stdout=subprocess.PIPE, text=True)
        for s in sources
    ]
    outputs = [run.communicate(timeout=600)[0] for run in runs]

    assert [run.returncode for run in runs] == [0, 0], outputs
    ledger = open_tables(str(lake), os.environ).state(CONTRACTS["orders"]).ledger
    assert sorted(ledger.batches) == [
        "olist_orders_dataset.csv",
        "olist_orders_dataset_2018-09.csv",
        "olist_orders_dataset_2018-10.csv",
    ]
    statuses = open_tables(str(lake), os.environ).scan(CLEAN, "orders", ["order_status"]).read_all()
    assert statuses["order_status"].to_pylist().count("unavailable") >= 10
