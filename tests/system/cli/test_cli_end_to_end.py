"""End to end through the command line: generate, then run every asset into a local or an S3 lake."""

import os
import re
from pathlib import Path

import boto3
import dagster as dg
import pytest

from olist_assets.cli.main import main
from olist_assets.core.business.tables import BUSINESS_TABLES
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.tables import BATCH_COLUMN, BUSINESS, CLEAN
from olist_assets.definitions import build_definitions
from olist_assets.defs.landing_sensor import landing_sensor
from olist_assets.stores.iceberg.catalogs import DEFAULT_GLUE_DATABASES
from olist_assets.stores.iceberg.tables import open_tables

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("landing")
    assert main(["generate", "--scale", "0.01", "--seed", "7", "--out", str(folder)]) == 0
    return folder


def _snapshots(lake: Path | str) -> dict[str, int | None]:
    """The current snapshot of every clean and business table."""
    tables = open_tables(str(lake), os.environ)
    clean = {name: tables.state(contract).snapshot_id for name, contract in CONTRACTS.items()}
    business = {
        f"business.{name}": tables.load(BUSINESS, name).current_snapshot().snapshot_id
        for name in BUSINESS_TABLES
    }
    return clean | business


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
    layers = r"raw [\d.]+ s, clean [\d.]+ s, checks [\d.]+ s, business [\d.]+ s, report [\d.]+ s"
    assert re.search(rf"^Wall time: [\d.]+ s \({layers}\)$", out, re.MULTILINE), out
    tables = open_tables(str(lake), os.environ)
    for contract in CONTRACTS.values():
        raw = lake / "raw" / contract.file_name
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
    assert re.search(r"^fact_orders +[\d,]+  built$", capsys.readouterr().out, re.MULTILINE)
    first = _snapshots(lake)

    assert main(["run", "--source", str(landing), "--lake", str(lake)]) == 0

    assert _snapshots(lake) == first
    out = capsys.readouterr().out
    for name in BUSINESS_TABLES:
        assert re.search(rf"^{name} +[\d,]+  unchanged \(built from these inputs\)$", out, re.M)


def test_rebuild_business_builds_every_business_table_of_an_unchanged_lake(
    landing: Path, tmp_path: Path, capsys
) -> None:
    lake = tmp_path / "lake"
    assert main(["run", "--source", str(landing), "--lake", str(lake)]) == 0
    first = _snapshots(lake)

    assert main(["run", "--source", str(landing), "--lake", str(lake), "--rebuild-business"]) == 0

    after = _snapshots(lake)
    changed = {name for name in first if after[name] != first[name]}
    assert changed == {f"business.{name}" for name in BUSINESS_TABLES}
    assert "unchanged" not in capsys.readouterr().out.split("business table")[-1]


def _copy(landing: Path, source: Path) -> Path:
    source.mkdir()
    for path in landing.iterdir():
        (source / path.name).write_bytes(path.read_bytes())
    return source


def _assert_plain(output: str) -> None:
    """No traceback, no Dagster stack trace or log line, no class path reaches the terminal."""
    for noise in ("Traceback", "Stack Trace", " - dagster - ", "olist_assets.", "dagster._core"):
        assert noise not in output


def test_run_exits_non_zero_naming_file_line_and_column_on_a_bad_first_file(
    landing: Path, tmp_path: Path, capfd
) -> None:
    source = _copy(landing, tmp_path / "source")
    sellers = source / CONTRACTS["sellers"].file_name
    sellers.write_text(sellers.read_text().replace('"seller_city"', '"city"', 1))

    code = main(["run", "--source", str(source), "--lake", str(tmp_path / "lake")])

    out, err = capfd.readouterr()
    assert code == 1
    assert (
        "  - raw/sellers: no accepted olist_sellers_dataset.csv (nor a dated drop) in "
        f"{source}: refused olist_sellers_dataset.csv: line 1, column 3: header does not match "
        "the contract: missing columns ['seller_city']; unexpected columns ['city']"
    ) in out
    assert re.search(r"^Wall time: [\d.]+ s \(raw [\d.]+ s, clean [\d.]+ s", out, re.MULTILINE)
    assert "Result:    FAILED" in out
    _assert_plain(out + err)


def test_a_bad_file_replacing_a_good_one_is_refused_and_the_table_keeps_the_good_one(
    landing: Path, tmp_path: Path, capsys
) -> None:
    source, lake = _copy(landing, tmp_path / "source"), tmp_path / "lake"
    assert main(["run", "--source", str(source), "--lake", str(lake)]) == 0
    capsys.readouterr()
    sellers = source / CONTRACTS["sellers"].file_name
    good = sellers.read_bytes()
    resaved = good.replace(b"sao paulo", "são paulo".encode("latin-1"))  # a spreadsheet's re-save
    sellers.write_bytes(resaved)
    first_accent = next(i for i, line in enumerate(resaved.splitlines(), 1) if not line.isascii())

    codes = [main(["run", "--source", str(source), "--lake", str(lake)]) for _ in range(2)]

    out = capsys.readouterr().out
    assert codes == [0, 0]
    assert (lake / "raw" / sellers.name).read_bytes() == good
    assert out.count(f"  {sellers}\n      not UTF-8 throughout: ") == 2
    assert f"the first on line {first_accent}; it looks Windows-1252" in out
    assert out.count("Result:    OK, 1 file refused (see above)") == 2
    assert "warn raw/sellers files_accepted: 1 file refused (olist_sellers_dataset.csv)" in out
    tables = open_tables(str(lake), os.environ)
    clean = tables.scan(CLEAN, "sellers").read_all()
    assert clean.num_rows == tables.state(CONTRACTS["sellers"]).ledger.rows > 0


def test_an_unreadable_raw_file_is_refused_naming_its_line_and_column_and_the_table_keeps_its_rows(
    landing: Path, tmp_path: Path, capfd
) -> None:
    # Given a raw file that did not come through the landing check (a lake from an older version)
    lake = tmp_path / "lake"
    dropped = lake / "raw" / "olist_sellers_dataset_2018-09.csv"
    dropped.parent.mkdir(parents=True)
    dropped.write_bytes(b'"seller_id","seller_zip","seller_city","seller_state"\n"a","1",x,SP\n')

    code = main(["run", "--source", str(landing), "--lake", str(lake)])
    out, err = capfd.readouterr()
    verbose = main(["--verbose", "run", "--source", str(landing), "--lake", str(lake)])
    verbose_out, verbose_err = capfd.readouterr()

    assert code == verbose == 0
    assert (
        "  raw/olist_sellers_dataset_2018-09.csv\n"
        "      line 1, column 2: header does not match the contract: missing columns "
        "['seller_zip_code_prefix']; unexpected columns ['seller_zip']\n"
        f"      replace it, or remove it: olist-lakehouse forget --lake {lake} "
        "raw/olist_sellers_dataset_2018-09.csv"
    ) in out
    assert "Result:    OK, 1 file refused (see above)" in out
    _assert_plain(out + err)
    assert "warn clean/sellers rejected_files: 1 raw file refused" in verbose_out


@pytest.mark.rehearsal  # about a minute: the whole pipeline against moto S3 and Glue
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
    # the UI shows which job ran, that the command line started it, and on what
    assert runs[0].job_name == "full_refresh"
    assert runs[0].tags["olist/trigger"] == "cli"
    assert runs[0].tags["olist/source"] == str(landing)
    assert runs[0].tags["olist/lake"] == str(tmp_path / "lake")


def _sensor_requests(
    source: Path, lake: Path, cursor: str | None
) -> tuple[list[dg.RunRequest], str | None]:
    """One evaluation of the landing sensor of `make dev` over the same landing folder and lake."""
    definitions = build_definitions(str(lake), str(source))
    resources = {name: definitions.resources[name] for name in ("landing", "lake")}
    context = dg.build_sensor_context(cursor=cursor, definitions=definitions, resources=resources)
    result = landing_sensor(context)
    return list(result.run_requests or []), result.cursor


def test_after_run_the_landing_sensor_lands_nothing_again_then_exactly_a_changed_file(
    landing: Path, tmp_path: Path, capsys
) -> None:
    source, lake = _copy(landing, tmp_path / "landing"), tmp_path / "lake"
    for path in source.iterdir():  # dropped a while ago: the sensor need not wait for them
        os.utime(path, (path.stat().st_mtime - 60, path.stat().st_mtime - 60))
    assert main(["run", "--source", str(source), "--lake", str(lake)]) == 0
    capsys.readouterr()

    untouched, cursor = _sensor_requests(source, lake, cursor=None)  # a fresh DAGSTER_HOME
    orders = source / CONTRACTS["orders"].file_name
    orders.write_bytes(orders.read_bytes() + b"\n")
    os.utime(orders, (orders.stat().st_mtime - 60, orders.stat().st_mtime - 60))
    (changed,), _ = _sensor_requests(source, lake, cursor)

    assert untouched == []
    assert [key.to_user_string() for key in changed.asset_selection if key.path[0] == "raw"] == [
        "raw/orders"
    ]
