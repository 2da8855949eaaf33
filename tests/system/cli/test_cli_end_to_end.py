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
        raw = lake / "raw" / contract.name / contract.file_name
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
    assert "olist_sellers_dataset.csv" in out
    assert "seller_city" in out and "'city'" in out
    assert "Result:    FAILED" in out


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
    # the UI shows which job ran, that the command line started it, and on what
    assert runs[0].job_name == "full_refresh"
    assert runs[0].tags["olist/trigger"] == "cli"
    assert runs[0].tags["olist/source"] == str(landing)
    assert runs[0].tags["olist/lake"] == str(tmp_path / "lake")
