"""A business table is built only when its inputs or its build version changed
(core/business/builds.py), on the DuckDB engine over the tiny clean layer."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from olist_assets.core.business import builds
from olist_assets.core.business.docs import table_doc
from olist_assets.core.business.engine import BuildResult
from olist_assets.core.business.tables import build_stages, sql_for
from olist_assets.core.tables import BUSINESS, CLEAN
from olist_assets.engines import duckdb_engine
from olist_assets.engines.duckdb_engine import DuckDBEngine
from olist_assets.stores.iceberg.business import input_contents, publish_build, stale_builds
from olist_assets.stores.iceberg.history import rollback
from olist_assets.stores.iceberg.maintenance import compact
from olist_assets.stores.iceberg.tables import IcebergTables
from tests.integration.business.conftest import restate_clean_table, split_clean_table

pytestmark = pytest.mark.integration


def publish_in_two_files(tables: IcebergTables, build: BuildResult) -> int:
    """Publish the rows of a fact_orders build again as two files (as an Athena CTAS may write
    them), from the same inputs, so maintenance has files to compact; returns the snapshot."""
    table = tables.load(BUSINESS, "fact_orders")
    rows = table.scan().to_arrow()
    paths = [f"{build.location}/data/part-{i}.parquet" for i in range(2)]
    for path, part in zip(paths, (rows.slice(0, 6), rows.slice(6)), strict=True):
        with table.io.new_output(path).create() as out:
            pq.write_table(part, out)
    return publish_build(
        tables, "fact_orders", paths, build.inputs, input_contents(tables, build.inputs)
    )


def test_a_build_from_unchanged_inputs_commits_nothing_and_a_changed_input_rebuilds(tiny_lake):
    # Given a built table
    engine = DuckDBEngine(tiny_lake)
    first = engine.build_table("fact_orders")

    # When it is built again while its inputs stand where they were
    again = engine.build_table("fact_orders")

    # Then no snapshot is committed: the result names the standing one, with its rows and inputs
    table = tiny_lake.load(BUSINESS, "fact_orders")
    assert (first.rebuilt, again.rebuilt) == (True, False)
    assert again.snapshot_id == first.snapshot_id == table.current_snapshot().snapshot_id
    assert len(table.snapshots()) == 1
    assert (again.rows, again.inputs, again.location) == (12, first.inputs, first.location)
    assert engine.query("SELECT count(*) AS n FROM business.fact_orders").to_pylist() == [{"n": 12}]

    # When one input gets a new snapshot, Then the next build runs and records it
    restated = restate_clean_table(tiny_lake, "order_reviews")
    rebuilt = engine.build_table("fact_orders")
    assert rebuilt.rebuilt and rebuilt.snapshot_id != first.snapshot_id
    assert rebuilt.inputs["clean.order_reviews"] == restated


def test_a_table_rolled_back_to_an_earlier_build_is_built_again(tiny_lake):
    # Given two builds, the second from a restated input, and a rollback to the first
    engine = DuckDBEngine(tiny_lake)
    first = engine.build_table("fact_orders")
    restate_clean_table(tiny_lake, "orders")
    engine.build_table("fact_orders")
    rollback(tiny_lake, BUSINESS, "fact_orders", first.snapshot_id)

    # When the table is built, Then it is rebuilt: the first build read older inputs
    assert engine.build_table("fact_orders").rebuilt


def test_compaction_rebuilds_nothing_neither_the_table_nor_what_reads_it(tiny_lake):
    # Given fact_orders written as two files (as an Athena CTAS may), customer_rfm built from it,
    # then maintenance compacting fact_orders and a clean input into new snapshots of the same rows
    engine = DuckDBEngine(tiny_lake)
    split_clean_table(tiny_lake, "customers")
    first = engine.build_table("fact_orders")
    publish_in_two_files(tiny_lake, first)
    rfm = engine.build_table("customer_rfm")
    assert compact(tiny_lake, BUSINESS, "fact_orders")[0] == 2
    assert compact(tiny_lake, CLEAN, "customers")[0] == 2
    compacted = tiny_lake.load(BUSINESS, "fact_orders").current_snapshot().snapshot_id

    # When both are built again, Then nothing is committed: the rows they read are the same
    again = engine.build_table("fact_orders")
    assert not again.rebuilt and again.snapshot_id == compacted
    assert again.inputs["clean.customers"] != first.inputs["clean.customers"]
    assert not engine.build_table("customer_rfm").rebuilt
    assert rfm.inputs["business.fact_orders"] != compacted


def test_a_rollback_that_leaves_a_later_builds_schema_rebuilds(tiny_lake, monkeypatch):
    # Given a build, then one from an edited SQL adding a column, then the SQL put back and the
    # table rolled back to the first build (whose version and inputs are current again)
    engine = DuckDBEngine(tiny_lake)
    first = engine.build_table("fact_orders")
    edited = f"SELECT *, 42 AS extra FROM ({sql_for('fact_orders')})"
    with monkeypatch.context() as patched:
        patched.setattr(duckdb_engine, "sql_for", lambda name: edited)
        patched.setattr(builds, "sql_for", lambda name: edited)
        assert engine.build_table("fact_orders").rebuilt
    rollback(tiny_lake, BUSINESS, "fact_orders", first.snapshot_id)
    assert "extra" in tiny_lake.load(BUSINESS, "fact_orders").schema().column_names

    # When it is built, Then it is rebuilt: the table showed the later build's column
    assert engine.build_table("fact_orders").rebuilt
    assert "extra" not in tiny_lake.load(BUSINESS, "fact_orders").schema().column_names


def test_a_table_whose_description_was_changed_by_hand_is_rebuilt(tiny_lake):
    engine = DuckDBEngine(tiny_lake)
    engine.build_table("fact_orders")
    table = tiny_lake.load(BUSINESS, "fact_orders")
    with table.transaction() as transaction:
        transaction.set_properties({"Description": "a later wording"})

    assert engine.build_table("fact_orders").rebuilt
    assert tiny_lake.load(BUSINESS, "fact_orders").properties["Description"] == (
        table_doc("fact_orders").description
    )


def test_a_table_found_current_is_read_at_its_current_snapshot(tiny_lake):
    # Given an engine that read business.fact_orders before another engine rebuilt it
    reader, writer = DuckDBEngine(tiny_lake), DuckDBEngine(tiny_lake)
    writer.build_table("fact_orders")
    assert reader.query("SELECT count(*) AS n FROM business.fact_orders").to_pylist() == [{"n": 12}]
    restate_clean_table(tiny_lake, "orders")
    rebuilt = writer.build_table("fact_orders")

    # When the first engine builds the table and finds it current
    found = reader.build_table("fact_orders")

    # Then it reads the table at that snapshot from now on, not at the one it had pinned
    assert (found.rebuilt, found.snapshot_id) == (False, rebuilt.snapshot_id)
    assert reader.pinned["business.fact_orders"] == rebuilt.snapshot_id


def test_stale_builds_names_what_the_next_build_of_the_layer_builds(tiny_lake):
    # Given the whole layer built
    engine = DuckDBEngine(tiny_lake)
    for name in [name for stage in build_stages() for name in stage]:
        engine.build_table(name)
    assert stale_builds(tiny_lake) == []

    # When clean.sellers holds other rows, Then the tables reading it, and what is built from
    # them, are named in build order
    restate_clean_table(tiny_lake, "sellers")
    assert stale_builds(tiny_lake) == ["fact_order_items", "sales_monthly", "seller_scorecard"]


def test_maintenance_leaves_a_build_rolled_back_past_a_column_change_for_the_next_build(
    tiny_lake, monkeypatch
):
    # Given a build written as two files, a later build adding a column, and a rollback to the
    # first: the table's schema has the column, the files it points at do not
    engine = DuckDBEngine(tiny_lake)
    first = engine.build_table("fact_orders")
    two_files = publish_in_two_files(tiny_lake, first)
    edited = f"SELECT *, 42 AS extra FROM ({sql_for('fact_orders')})"
    with monkeypatch.context() as patched:
        patched.setattr(duckdb_engine, "sql_for", lambda name: edited)
        patched.setattr(builds, "sql_for", lambda name: edited)
        engine.build_table("fact_orders")
    rollback(tiny_lake, BUSINESS, "fact_orders", two_files)

    # When maintenance runs, Then it rewrites nothing of that table, and the next build replaces it
    assert compact(tiny_lake, BUSINESS, "fact_orders") == (0, 0)
    assert tiny_lake.load(BUSINESS, "fact_orders").current_snapshot().snapshot_id == two_files
    assert engine.build_table("fact_orders").rebuilt
    assert engine.query("SELECT count(*) AS n FROM business.fact_orders").to_pylist() == [{"n": 12}]
