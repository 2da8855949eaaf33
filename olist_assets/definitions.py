"""The Dagster code location: every layer's assets, checks, automation and sensors, bound to settings."""

import os

import dagster as dg

from olist_assets import settings
from olist_assets.defs.automation import automation_sensor, follow_inputs
from olist_assets.defs.business import business_assets, business_checks
from olist_assets.defs.clean import clean_assets, clean_checks
from olist_assets.defs.jobs import business_refresh_job, daily_full_refresh, full_refresh_job
from olist_assets.defs.maintenance import nightly_table_maintenance, table_maintenance
from olist_assets.defs.production_runs import build_production_runs_sensor, production_runs_enabled
from olist_assets.defs.raw import raw_assets
from olist_assets.defs.report import olist_report
from olist_assets.defs.resources import LakeResource, LandingResource
from olist_assets.defs.sensors import landing_sensor


def build_definitions(
    lake_url: str | dg.EnvVar, landing_url: str | dg.EnvVar, production_runs: bool = False
) -> dg.Definitions:
    """All assets, checks, automation and resources for one lake and one landing location."""
    return dg.Definitions(
        assets=[*raw_assets, *follow_inputs([*clean_assets, *business_assets]), olist_report],
        asset_checks=[*clean_checks, *business_checks],
        jobs=[full_refresh_job, business_refresh_job, table_maintenance],
        schedules=[daily_full_refresh, nightly_table_maintenance],
        sensors=[landing_sensor, automation_sensor, build_production_runs_sensor(production_runs)],
        executor=dg.in_process_executor,
        resources={
            "lake": LakeResource(url=lake_url),
            "landing": LandingResource(url=landing_url),
        },
    )


def _setting(name: str, default: str) -> str | dg.EnvVar:
    """The environment variable when it is set (shown as such in the UI), else the embedded default."""
    return dg.EnvVar(name) if name in os.environ else default


defs = build_definitions(
    _setting(settings.LAKE_URL, settings.DEFAULT_LAKE_URL),
    _setting(settings.LANDING_URL, settings.DEFAULT_LANDING_URL),
    production_runs=production_runs_enabled(os.environ),
)
