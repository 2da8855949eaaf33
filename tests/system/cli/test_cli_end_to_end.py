"""End to end through the command line: generate, then run every asset into a local or an S3 lake."""

import hashlib
from pathlib import Path

import boto3
import dagster as dg
import pyarrow.parquet as pq
import pytest

from olist_assets.cli.main import main
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.manifest import load_manifest
from olist_assets.stores.locations import open_store

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("landing")
    assert main(["generate", "--scale", "0.01", "--seed", "7", "--out", str(folder)]) == 0
    return folder


def _clean_digests(lake: Path) -> dict[str, str]:
    return {
        path.relative_to(lake).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted((lake / "clean").rglob("*.parquet"))
    }


def test_run_lands_cleans_and_reports_every_table(landing: Path, tmp_path: Path, capsys) -> None:
    lake = tmp_path / "lake"

    code = main(["run", "--source", str(landing), "--lake", str(lake)])

    out = capsys.readouterr().out
    assert code == 0, out
    assert "Result:    OK" in out
    assert f"Report: {lake / 'reports' / 'olist_report.html'}" in out
    assert "fact_orders" in out and "Checks: " in out
    store = open_store(lake)
    for contract in CONTRACTS.values():
        raw = lake / "raw" / contract.file_name
        assert raw.read_bytes() == (landing / contract.file_name).read_bytes()
        manifest = load_manifest(store, contract.name)
        table = pq.read_table(lake / "clean" / contract.name)
        assert table.num_rows == manifest.rows > 0
        assert table.schema.remove_metadata() == contract.arrow_schema.remove_metadata()
        assert f"{contract.name:<30}" in out


def test_second_run_on_same_input_leaves_clean_files_byte_identical(
    landing: Path, tmp_path: Path, capsys
) -> None:
    lake = tmp_path / "lake"
    assert main(["run", "--source", str(landing), "--lake", str(lake)]) == 0
    first = _clean_digests(lake)

    assert main(["run", "--source", str(landing), "--lake", str(lake)]) == 0

    assert _clean_digests(lake) == first
    capsys.readouterr()


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
    sellers.write_bytes(good.replace(b"sao paulo", b"s\xe3o paulo", 1))
    bad_line = good[: good.index(b"sao paulo")].count(b"\n") + 1

    codes = [main(["run", "--source", str(source), "--lake", str(lake)]) for _ in range(2)]

    out = capsys.readouterr().out
    assert codes == [0, 0]
    assert (lake / "raw" / sellers.name).read_bytes() == good
    assert out.count(f"  {sellers}\n      line {bad_line}, column ") == 2
    assert out.count("Result:    OK, 1 file refused (see above)") == 2
    assert "warn raw/sellers files_accepted: 1 file refused (olist_sellers_dataset.csv)" in out
    clean = pq.read_table(lake / "clean" / "sellers")
    assert clean.num_rows == load_manifest(open_store(lake), "sellers").rows > 0


def test_a_clean_step_failure_names_the_file_line_and_column_without_dagster_noise(
    landing: Path, tmp_path: Path, capfd
) -> None:
    # Given a raw file that did not come through the landing check (a lake from an older version)
    lake = tmp_path / "lake"
    dropped = lake / "raw" / "olist_sellers_dataset_2018-09.csv"
    dropped.parent.mkdir(parents=True)
    dropped.write_bytes(
        b'"seller_id","seller_zip_code_prefix","seller_city","seller_state"\n"a"b\n'
    )

    code = main(["run", "--source", str(landing), "--lake", str(lake)])
    out, err = capfd.readouterr()
    verbose = main(["--verbose", "run", "--source", str(landing), "--lake", str(lake)])
    verbose_out, verbose_err = capfd.readouterr()

    assert code == verbose == 1
    assert (
        "  - clean/sellers: olist_sellers_dataset_2018-09.csv, line 2: unreadable CSV: "
        "',' expected after '\"'"
    ) in out
    _assert_plain(out + err)
    assert "Stack Trace" in verbose_out + verbose_err


def test_run_with_the_lake_on_s3_matches_the_local_lake(
    landing: Path, tmp_path: Path, moto_server: str, capsys
) -> None:
    boto3.client("s3").create_bucket(Bucket="lake-bucket")
    local = tmp_path / "lake"
    assert main(["run", "--source", str(landing), "--lake", str(local)]) == 0

    code = main(["run", "--source", str(landing), "--lake", "s3://lake-bucket/olist"])

    assert code == 0, capsys.readouterr().out
    s3 = open_store("s3://lake-bucket/olist")
    for contract in CONTRACTS.values():
        keys = [info.key for info in s3.list(f"clean/{contract.name}/")]
        assert keys == [f"clean/{contract.name}/{contract.file_stem}.parquet"]
        with s3.local_copy(keys[0]) as path:
            remote = pq.read_table(path)
        assert remote.equals(pq.read_table(local / keys[0]))


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
