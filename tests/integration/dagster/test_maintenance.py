"""The table maintenance job and its nightly schedule."""

from __future__ import annotations

from olist_assets.core.cleaning import refresh_table
from olist_assets.core.contracts import CONTRACTS
from olist_assets.defs.maintenance import nightly_table_maintenance, table_maintenance
from olist_assets.defs.resources import LakeResource
from olist_assets.generator.dataset import generate_dataset
from olist_assets.stores.iceberg.catalogs import default_config
from olist_assets.stores.iceberg.tables import IcebergTables
from olist_assets.stores.local import LocalStore


def test_the_maintenance_job_maintains_every_table_of_a_lake(tmp_path) -> None:
    lake = tmp_path / "lake"
    store = LocalStore(lake)
    generate_dataset(tmp_path / "files", scale=0.01, seed=7)
    for path in sorted((tmp_path / "files").glob("*.csv")):
        store.put_file(f"raw/{path.name}", path)
    tables = IcebergTables(default_config(str(lake)), store)
    for contract in CONTRACTS.values():
        refresh_table(store, tables, contract)

    result = table_maintenance.execute_in_process(
        resources={"lake": LakeResource(url=str(lake))},
        run_config={"ops": {"maintain_tables": {"config": {"retain_days": 0}}}},
    )

    assert result.success
    assert result.output_for_node("maintain_tables") >= 0  # bytes saved: a fresh lake has little
    assert tables.state(CONTRACTS["orders"]).ledger.rows == 994
    assert tables.scan("clean", "orders").read_all().num_rows == 994


def test_maintenance_runs_nightly_from_the_start() -> None:
    assert nightly_table_maintenance.cron_schedule == "30 4 * * *"
    assert nightly_table_maintenance.default_status.value == "RUNNING"
