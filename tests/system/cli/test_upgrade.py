"""A lake written by the previous version (per-batch Parquet and manifests/) is rebuilt from its
raw/ zone into Iceberg tables with the same rows."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow.parquet as pq

from olist_assets.cli.main import main
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.tables import BATCH_COLUMN, CLEAN
from olist_assets.generator.dataset import generate_dataset
from olist_assets.stores.iceberg.tables import open_tables


def write_old_lake(lake: Path, files: Path) -> None:
    """The 0.1 layout: raw/<table>/<file>, clean/<table>/<batch>.parquet, manifests/<table>.json."""
    for contract in CONTRACTS.values():
        raw = lake / "raw" / contract.name / contract.file_name
        raw.parent.mkdir(parents=True)
        raw.write_bytes((files / contract.file_name).read_bytes())
        clean = lake / "clean" / contract.name / f"{contract.file_stem}.parquet"
        clean.parent.mkdir(parents=True)
        pq.write_table(contract.arrow_schema.empty_table(), clean)
        manifest = lake / "manifests" / f"{contract.name}.json"
        manifest.parent.mkdir(exist_ok=True)
        manifest.write_text(json.dumps({"table": contract.name, "batches": {}}))


def test_upgrade_rebuilds_every_clean_table_from_raw_and_removes_the_old_files(
    tmp_path: Path, capsys
) -> None:
    files, lake = tmp_path / "files", tmp_path / "lake"
    generate_dataset(files, scale=0.01, seed=7)
    write_old_lake(lake, files)

    assert main(["upgrade", "--lake", str(lake)]) == 0

    assert not [p for p in (lake / "manifests").rglob("*") if p.is_file()]
    assert not list((lake / "clean").glob("*/*.parquet"))
    tables = open_tables(str(lake), os.environ)
    for contract in CONTRACTS.values():
        table = tables.scan(CLEAN, contract.name).read_all()
        assert set(table[BATCH_COLUMN].to_pylist()) == {f"{contract.name}/{contract.file_name}"}
        assert table.num_rows == tables.state(contract).ledger.rows > 0
    assert "clean.orders: 994 rows from raw/" in capsys.readouterr().out


def test_upgrading_an_upgraded_lake_says_there_is_nothing_to_upgrade(tmp_path: Path, capsys):
    files, lake = tmp_path / "files", tmp_path / "lake"
    generate_dataset(files, scale=0.01, seed=7)
    write_old_lake(lake, files)
    assert main(["upgrade", "--lake", str(lake)]) == 0
    capsys.readouterr()

    assert main(["upgrade", "--lake", str(lake)]) == 0

    assert capsys.readouterr().out.startswith(f"Nothing to upgrade: {lake} has no 0.1 files")
