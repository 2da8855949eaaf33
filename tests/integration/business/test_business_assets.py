"""The Dagster business assets and checks, materialized in process over the tiny clean layer."""

from __future__ import annotations

from decimal import Decimal

import dagster as dg
import duckdb
import pytest

from olist_assets.core.business.docs import table_doc
from olist_assets.core.business.tables import BUSINESS_TABLES
from olist_assets.core.tables import BUSINESS, CLEAN
from olist_assets.defs.business import business_assets, business_checks, business_key
from olist_assets.defs.clean import clean_key
from olist_assets.defs.resources import lake_resources
from olist_assets.engines import duckdb_engine
from olist_assets.stores.iceberg.tables import IcebergTables
from tests.integration.business.conftest import tiny_clean_tables

pytestmark = pytest.mark.integration


def snapshot_of(tables: IcebergTables, namespace: str, name: str) -> str:
    """A table's current snapshot id, as the asset metadata shows it."""
    return str(tables.load(namespace, name).current_snapshot().snapshot_id)


def test_each_business_asset_depends_on_the_tables_its_sql_reads():
    deps = {key: set(asset.asset_deps[key]) for asset in business_assets for key in asset.keys}

    assert deps[business_key("fact_order_items")] == {
        clean_key("order_items"),
        clean_key("products"),
        clean_key("product_category_translation"),
        clean_key("sellers"),
        business_key("fact_orders"),
    }
    assert set(deps) == {business_key(name) for name in BUSINESS_TABLES}


def test_materializing_the_business_group_publishes_tables_metadata_and_passing_checks(tiny_lake):
    # Given the tiny clean layer and the business assets with their checks
    resources = lake_resources(tiny_lake.store.url, "landing")

    # When they are materialized in one run
    result = dg.materialize(
        [*business_assets, *business_checks], resources=resources, raise_on_error=False
    )

    # Then every table is written with its row count, documented schema, preview and the headline
    # figures: 10 sold orders of 12, money exact as text and as a float for the plots
    assert result.success
    metadata = {
        e.asset_key: e.materialization.metadata for e in result.get_asset_materialization_events()
    }
    orders = metadata[business_key("fact_orders")]
    assert orders["dagster/row_count"].value == 12
    assert (orders["orders"].value, orders["customers"].value) == (10, 7)
    assert (orders["gmv"].value, orders["gmv_float"].value) == ("930.00", 930.0)
    assert (orders["revenue"].value, orders["revenue_float"].value) == ("1022.50", 1022.5)
    assert orders["on_time_rate"].value == pytest.approx(6 / 8)
    assert orders["avg_review"].value == pytest.approx(33 / 8)
    assert orders["period"].value == "2018-01-01 to 2018-04-01"
    columns = {c.name: c for c in orders["dagster/column_schema"].value.columns}
    assert columns["is_sold"].description == table_doc("fact_orders").columns["is_sold"]
    assert "| o05" in orders["preview"].value
    # And it names the snapshot it committed and the clean snapshots it read
    reads = BUSINESS_TABLES["fact_orders"].reads
    assert orders["input_snapshots"].value == {
        f"{CLEAN}.{name}": snapshot_of(tiny_lake, CLEAN, name) for name in reads
    }
    assert orders["snapshot_id"].value == snapshot_of(tiny_lake, BUSINESS, "fact_orders")
    # And every check ran and passed
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) == sum(len(list(c.check_keys)) for c in business_checks) == 19
    assert all(e.passed for e in evaluations)


def test_a_second_run_over_unchanged_inputs_commits_no_business_snapshot(tiny_lake):
    # Given the business group materialized once
    resources = lake_resources(tiny_lake.store.url, "landing")
    first = dg.materialize(business_assets, resources=resources)

    # When it is materialized again with no clean table changed
    second = dg.materialize(business_assets, resources=resources)

    # Then every table reports the snapshot of the first run as its data version, not rebuilt
    def built(result):
        return {e.asset_key: e.materialization for e in result.get_asset_materialization_events()}

    before, after = built(first), built(second)
    assert set(after) == {business_key(name) for name in BUSINESS_TABLES}
    for key, materialization in after.items():
        assert materialization.metadata["rebuilt"].value is False, key
        assert before[key].metadata["rebuilt"].value is True, key
        assert (
            materialization.tags["dagster/data_version"]
            == before[key].tags["dagster/data_version"]
            == before[key].metadata["snapshot_id"].value
        )
    assert len(tiny_lake.load(BUSINESS, "fact_orders").snapshots()) == 1


def test_a_failing_blocking_check_stops_the_tables_downstream(tiny_lake, write_clean):
    # Given a clean layer holding one order twice (a second batch with the same order_id)
    write_clean({"orders": tiny_clean_tables()["orders"][:1]}, batch="again")
    resources = lake_resources(tiny_lake.store.url, "landing")

    # When the business group is materialized with its checks
    result = dg.materialize(
        [*business_assets, *business_checks], resources=resources, raise_on_error=False
    )

    # Then fact_orders is built, its grain check fails, and nothing downstream is built
    failed = {e.check_name for e in result.get_asset_check_evaluations() if not e.passed}
    built = {e.asset_key for e in result.get_asset_materialization_events()}
    assert "grain_unique" in failed
    assert built == {business_key("fact_orders")}


def test_a_payment_of_an_unknown_order_is_counted_apart_and_blocks_nothing(tiny_lake, write_clean):
    # Given a clean layer holding a payment of an order that does not exist (the foreign-key check
    # of clean/order_payments judges it: a warning below 1% of the references)
    orphan = {
        "order_id": "o99",
        "payment_sequential": 1,
        "payment_type": "boleto",
        "payment_installments": 1,
        "payment_value": Decimal("12.34"),
    }
    write_clean({"order_payments": [orphan]}, batch="orphan")
    resources = lake_resources(tiny_lake.store.url, "landing")

    # When the business group is materialized with its checks
    result = dg.materialize(
        [*business_assets, *business_checks], resources=resources, raise_on_error=False
    )

    # Then every business table is built, and payment conservation passes, naming the orphan
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    built = {e.asset_key for e in result.get_asset_materialization_events()}
    assert all(e.passed for e in evaluations.values())
    assert built == {business_key(name) for name in BUSINESS_TABLES}
    conserved = evaluations["payments_conserved"]
    assert conserved.metadata["orphan_payments"].value == 1
    assert "1 payments of orders not in clean.orders left out" in conserved.description


def test_a_run_opens_one_duckdb_connection_shared_by_its_assets_and_checks_and_closes_it(
    tiny_lake, monkeypatch
):
    # Given a record of every DuckDB connection the engine opens
    opened = []

    def connect(*args, **kwargs):
        connection = real_connect(*args, **kwargs)
        opened.append(connection)
        return connection

    real_connect = duckdb_engine.duckdb.connect
    monkeypatch.setattr(duckdb_engine.duckdb, "connect", connect)

    # When the nine business tables and their checks run in one run
    result = dg.materialize(
        [*business_assets, *business_checks], resources=lake_resources(tiny_lake.store.url, "x")
    )

    # Then they shared one connection, closed when the run ended
    assert result.success
    assert len(opened) == 1
    with pytest.raises(duckdb.ConnectionException):
        opened[0].execute("SELECT 1")


def test_the_engine_is_only_available_inside_a_run(tiny_lake):
    resource = lake_resources(tiny_lake.store.url, "x")["duckdb"]

    with pytest.raises(RuntimeError, match="only available while a run executes"):
        resource.engine()


def test_one_check_of_a_table_runs_alone(tiny_lake):
    resources = lake_resources(tiny_lake.store.url, "x")
    dg.materialize([*business_assets, *business_checks], resources=resources)
    only = dg.AssetCheckKey(business_key("fact_orders"), "orders_conserved")

    result = dg.materialize(
        [*business_assets, *business_checks],
        resources=resources,
        selection=dg.AssetSelection.checks(only),
    )

    (evaluation,) = result.get_asset_check_evaluations()
    assert (evaluation.asset_key, evaluation.check_name, evaluation.passed) == (
        only.asset_key,
        only.name,
        True,
    )
