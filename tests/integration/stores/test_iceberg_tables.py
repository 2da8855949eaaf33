"""The Iceberg table adapter over a lake folder: what its commits leave in a table's folder."""

from __future__ import annotations

from olist_assets.core import lake
from olist_assets.core.cleaning import refresh_table
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.tables import CLEAN, QUARANTINE


def test_refreshing_an_existing_table_leaves_no_metadata_file_outside_its_history(
    store, tables, land, olist_csv
):
    # Given three monthly drops of sellers, each landed by its own refresh (one with a bad row)
    for month, city in (("2018-01", "campinas"), ("2018-02", "sorocaba"), ("2018-03", "jundiai")):
        rows = [f'"3442f8959a84dea7ee197c632cb2df15","13023",{city},SP', "bad,x,y,SP"]
        land(f"sellers/olist_sellers_dataset_{month}.csv", olist_csv("sellers", *rows))
        refresh_table(store, tables, CONTRACTS["sellers"])

    # Then every metadata file in the clean and quarantine tables' folders is one of their versions
    for namespace in (CLEAN, QUARANTINE):
        table = tables.load(namespace, "sellers")
        versions = {entry.metadata_file for entry in table.metadata.metadata_log}
        written = {
            f"{tables.config.warehouse}/{info.key}"
            for info in store.list(lake.table_prefix(namespace, "sellers"))
            if info.key.endswith(".metadata.json")
        }
        assert written == versions | {table.metadata_location}, namespace
        assert len(table.snapshots()) == 3
