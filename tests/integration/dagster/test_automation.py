"""Declarative automation: one landed file updates exactly the assets downstream of it."""

from __future__ import annotations

import dagster as dg
import pytest

from olist_assets.defs.automation import automation_sensor, follow_inputs
from olist_assets.defs.business import business_assets
from olist_assets.defs.clean import clean_assets
from olist_assets.defs.raw import raw_assets
from olist_assets.defs.report import olist_report
from olist_assets.defs.resources import lake_resources

pytestmark = pytest.mark.filterwarnings("ignore::dagster.BetaWarning")

ASSETS = [*raw_assets, *follow_inputs([*clean_assets, *business_assets]), olist_report]
DEFS = dg.Definitions(
    assets=ASSETS,
    sensors=[automation_sensor],
    resources=lake_resources("lake", "landing"),
)


def _keys(assets) -> set[dg.AssetKey]:
    return {key for asset in assets for key in asset.keys}


def _requested(result) -> set[str]:
    return {key.to_user_string() for key in _keys(ASSETS) if result.get_num_requested(key)}


@pytest.fixture
def settled() -> tuple[dg.DagsterInstance, object]:
    """Every asset materialized once and a first evaluation done: nothing is pending."""
    instance = dg.DagsterInstance.ephemeral()
    for key in _keys(ASSETS):
        instance.report_runless_asset_event(dg.AssetMaterialization(key))
    first = dg.evaluate_automation_conditions(defs=DEFS, instance=instance)
    quiet = dg.evaluate_automation_conditions(defs=DEFS, instance=instance, cursor=first.cursor)
    assert _requested(quiet) == set()
    return instance, quiet.cursor


def test_follow_inputs_makes_every_asset_eager_and_changes_nothing_else() -> None:
    followed = follow_inputs(clean_assets)

    for before, after in zip(clean_assets, followed, strict=True):
        (spec,) = after.specs
        (original,) = before.specs
        assert spec.automation_condition.get_label() == "eager"
        assert (spec.key, spec.group_name, spec.deps) == (
            original.key,
            original.group_name,
            original.deps,
        )


def test_raw_assets_have_no_condition_they_follow_the_landing_sensor() -> None:
    assert all(spec.automation_condition is None for a in raw_assets for spec in a.specs)


def test_a_landed_sellers_file_updates_only_what_reads_sellers(settled) -> None:
    instance, cursor = settled

    instance.report_runless_asset_event(dg.AssetMaterialization(dg.AssetKey(["raw", "sellers"])))
    result = dg.evaluate_automation_conditions(defs=DEFS, instance=instance, cursor=cursor)

    graph = DEFS.resolve_asset_graph()
    downstream = dg.AssetSelection.assets(dg.AssetKey(["raw", "sellers"])).downstream(
        include_self=False
    )
    expected = {key.to_user_string() for key in downstream.resolve(graph)}
    assert _requested(result) == expected
    assert {"clean/sellers", "business/seller_scorecard", "report/olist_report"} <= expected
    assert not {"clean/orders", "business/fact_orders", "raw/sellers"} & expected


def test_nothing_runs_while_an_input_is_missing() -> None:
    instance = dg.DagsterInstance.ephemeral()
    first = dg.evaluate_automation_conditions(defs=DEFS, instance=instance)

    instance.report_runless_asset_event(dg.AssetMaterialization(dg.AssetKey(["raw", "orders"])))
    result = dg.evaluate_automation_conditions(defs=DEFS, instance=instance, cursor=first.cursor)

    # clean/orders has its only input; business tables still miss the other clean tables
    assert _requested(result) == {"clean/orders"}


def test_the_automation_sensor_covers_every_asset_and_runs_from_the_start() -> None:
    sensors = {sensor.name for sensor in DEFS.get_repository_def().sensor_defs}

    assert automation_sensor.default_status == dg.DefaultSensorStatus.RUNNING
    # covering every asset means Dagster adds no default sensor, which would start stopped
    assert sensors == {"olist_automation_sensor"}
