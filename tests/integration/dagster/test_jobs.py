"""Refresh jobs and the schedule: what they select, and a full refresh that ends with the report."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from olist_assets.core.lake import REPORT_KEY
from olist_assets.definitions import build_definitions
from olist_assets.defs.business import business_assets
from olist_assets.defs.jobs import daily_full_refresh
from olist_assets.defs.report import REPORT_ASSET_KEY
from olist_assets.generator.dataset import generate_dataset


def _selected(definitions: dg.Definitions, name: str) -> set[str]:
    job = definitions.resolve_job_def(name)
    return {key.to_user_string() for key in job.asset_layer.selected_asset_keys}


def test_full_refresh_selects_every_asset_and_business_refresh_only_the_business_group() -> None:
    definitions = build_definitions("lake", "landing")
    every = {key.to_user_string() for key in definitions.resolve_asset_graph().get_all_asset_keys()}

    assert _selected(definitions, "full_refresh") == every
    assert _selected(definitions, "landing_refresh") == every
    assert _selected(definitions, "business_refresh") == {
        key.to_user_string() for asset in business_assets for key in asset.keys
    }


def test_the_daily_schedule_is_off_until_switched_on() -> None:
    assert daily_full_refresh.default_status == dg.DefaultScheduleStatus.STOPPED
    assert daily_full_refresh.job_name == "full_refresh"


@pytest.mark.integration
def test_full_refresh_on_generated_data_builds_every_layer_and_the_report(tmp_path: Path) -> None:
    landing, lake = tmp_path / "landing", tmp_path / "lake"
    generate_dataset(landing, scale=0.005, seed=3)
    definitions = build_definitions(str(lake), str(landing))

    with dg.DagsterInstance.ephemeral() as instance:
        result = definitions.resolve_job_def("full_refresh").execute_in_process(instance=instance)
        report = instance.get_latest_materialization_event(REPORT_ASSET_KEY)

    assert result.success
    html = (lake / REPORT_KEY).read_text(encoding="utf-8")
    assert "Monthly GMV and orders" in html and "Reconciliation summary" in html
    metadata = report.asset_materialization.metadata
    assert metadata["monthly_gmv_and_orders"].value.startswith(
        "![Monthly GMV and orders](data:image/png;base64,"
    )
    assert metadata["orders"].value > 0
