"""Drip-feed equivalence: landing the monthly drops one by one, in order, as the landing Lambda
does, gives exactly the clean and business tables of landing the whole dataset at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from olist_assets.core.business.tables import BUSINESS_TABLES
from olist_assets.core.cleaning import refresh_table
from olist_assets.core.contracts import CONTRACTS, contract_for_file
from olist_assets.core.tables import BATCH_COLUMN, BUSINESS, CLEAN
from olist_assets.engines.duckdb_engine import DuckDBEngine
from olist_assets.generator.dataset import generate_dataset
from olist_assets.generator.drops import generate_monthly_drops
from olist_assets.stores.iceberg.catalogs import default_config
from olist_assets.stores.iceberg.tables import IcebergTables
from olist_assets.stores.local import LocalStore

SCALE, SEED = 0.01, 7


def lake(root: Path) -> IcebergTables:
    store = LocalStore(root)
    return IcebergTables(default_config(str(root)), store)


def build_business(tables: IcebergTables) -> None:
    engine = DuckDBEngine(tables)
    for name in BUSINESS_TABLES:
        engine.build_table(name)
    engine.close()


def rows(tables: IcebergTables, namespace: str, name: str) -> list[tuple]:
    table = tables.scan(namespace, name).read_all()
    if BATCH_COLUMN in table.column_names:
        table = table.drop_columns([BATCH_COLUMN])
    return sorted(tuple(row.values()) for row in table.to_pylist())


@pytest.fixture(scope="module")
def lakes(tmp_path_factory) -> tuple[IcebergTables, IcebergTables, int]:
    folder = tmp_path_factory.mktemp("drip")
    whole = lake(folder / "whole")
    generate_dataset(folder / "files", scale=SCALE, seed=SEED)
    for path in sorted((folder / "files").glob("*.csv")):
        whole.store.put_file(f"raw/{path.name}", path)
    for contract in CONTRACTS.values():
        refresh_table(whole.store, whole, contract)
    build_business(whole)

    drip = lake(folder / "drip")
    written = generate_monthly_drops(folder / "drops", scale=SCALE, seed=SEED)
    drops = sorted(written, key=lambda path: (path.count("/"), path))
    for path in drops:
        key = f"raw/{path}"
        drip.store.put_file(key, folder / "drops" / path)
        contract = contract_for_file(Path(path).name)
        refresh_table(drip.store, drip, contract, raw_keys=[key])
    build_business(drip)
    return whole, drip, len({path.split("/")[0] for path in drops if "/" in path})


def test_the_dataset_comes_as_many_monthly_drops(lakes) -> None:
    _, drip, months = lakes

    assert months >= 12
    assert len(drip.state(CONTRACTS["orders"]).ledger.batches) == months


@pytest.mark.parametrize("table", list(CONTRACTS))
def test_clean_tables_are_the_same_row_for_row(lakes, table: str) -> None:
    whole, drip, _ = lakes

    assert rows(drip, CLEAN, table) == rows(whole, CLEAN, table)


@pytest.mark.parametrize("table", list(BUSINESS_TABLES))
def test_business_tables_are_the_same_row_for_row(lakes, table: str) -> None:
    whole, drip, _ = lakes

    assert rows(drip, BUSINESS, table) == rows(whole, BUSINESS, table)
