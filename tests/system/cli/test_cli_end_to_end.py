"""End to end through the command line: generate, then run every asset into a local or an S3 lake."""

import os
from pathlib import Path

import boto3
import dagster as dg
import pytest

from olist_assets.cli.main import main
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.tables import BATCH_COLUMN, CLEAN
from olist_assets.stores.iceberg.catalogs import DEFAULT_GLUE_DATABASES
from olist_assets.stores.iceberg.tables import open_tables

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("landing")
    assert main(["generate", "--scale", "0.01", "--seed", "7", "--out", str(folder)]) == 0
    return folder


def _snapshots(lake: Path | str) -> dict[str, int | None]:
    tables = open_tables(str(lake), os.environ)
    return {name: tables.state(contract).snapshot_id for name, contract in CONTRACTS.items()}


def _clean_rows(lake: Path | str, table: str) -> list[tuple]:
    rows = open_tables(str(lake), os.environ).scan(CLEAN, table).read_all()
    return sorted(tuple(row.values()) for row in rows.drop_columns([BATCH_COLUMN]).to_pylist())


def test_run_lands_cleans_and_reports_every_table(landing: Path, tmp_path: Path, capsys) -> None:
    lake = tmp_path / "lake"

    code = main(["run", "--source", str(landing), "--lake", str(lake)])

    out = capsys.readouterr().out
    assert code == 0, out
    assert "Result:    OK" in out
    assert f"Report: {lake / 'reports' / 'olist_report.html'}" in out
    assert "fact_orders" in out and "Checks: " in out
    tables = open_tables(str(lake), os.environ)
    for contract in CONTRACTS.values():
        raw = lake / "raw" / contract.name / contract.file_name
        assert raw.read_bytes() == (landing / contract.file_name).read_bytes()
        ledger = tables.state(contract).ledger
        table = tables.scan(CLEAN, contract.name).read_all()
        assert table.num_rows == ledger.rows > 0
        assert table.column_names == [*contract.column_names, BATCH_COLUMN]
        assert f"{contract.name:<30}" in out


def test_second_run_on_the_same_input_commits_nothing(
    landing: Path, tmp_path: Path, capsys
) -> None:
    lake = tmp_path / "lake"
    assert main(["run", "--source", str(landing), "--lake", str(lake)]) == 0
    first = _snapshots(lake)

    assert main(["run", "--source", str(landing), "--lake", str(lake)]) == 0

    assert _snapshots(lake) == first
    capsys.readouterr()


def test_run_exits_non_zero_naming_file_and_columns_on_bad_header(
    landing: Path, tmp_path: Path, capsys
) -> None:
    source = tmp_path / "source"
    source.mkdir()
    for path in landing.iterdir():
        (source / path.name).write_bytes(path.read_bytes())
    sellers = source / CONTRACTS["sellers"].file_name
    sellers.write_text(sellers.read_text().replace('"seller_city"', '"city"', 1))

    code = main(["run", "--source", str(source), "--lake", str(tmp_path / "lake")])

    out = capsys.readouterr().out
    assert code == 1
    assert "raw/sellers/olist_sellers_dataset.csv: header does not match" in out
    assert "seller_city" in out and "'city'" in out
    assert "olist-lakehouse forget --lake" in out
    assert "Result:    FAILED" in out


def test_run_with_the_lake_on_s3_matches_the_local_lake(
    landing: Path, tmp_path: Path, moto_server: str, capsys
) -> None:
    boto3.client("s3").create_bucket(Bucket="lake-bucket")
    for database in DEFAULT_GLUE_DATABASES.values():
        boto3.client("glue").create_database(DatabaseInput={"Name": database})
    local = tmp_path / "lake"
    assert main(["run", "--source", str(landing), "--lake", str(local)]) == 0

    code = main(["run", "--source", str(landing), "--lake", "s3://lake-bucket/olist"])

    assert code == 0, capsys.readouterr().out
    for contract in CONTRACTS.values():
        assert _clean_rows("s3://lake-bucket/olist", contract.name) == _clean_rows(
            local, contract.name
        )
    glue = boto3.client("glue").get_table(DatabaseName="olist_lakehouse_clean", Name="orders")
    assert glue["Table"]["Parameters"]["table_type"] == "ICEBERG"


def test_run_records_into_dagster_home_creating_it_when_missing(
    landing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    home = tmp_path / "dagster_home"
    monkeypatch.setenv("DAGSTER_HOME", str(home))

    code = main(["run", "--source", str(landing), "--lake", str(tmp_path / "lake")])

    capsys.readouterr()
    assert code == 0
    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs()
    assert len(runs) == 1 and runs[0].is_success
