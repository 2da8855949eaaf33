"""The code location: every layer's assets, checks, jobs, automation and sensors, bound to settings.

`defs` is loaded by `dg dev` / `dg check defs` ([tool.dg] in pyproject.toml) and by workspace.yaml;
the environment is read when Dagster loads it, never at import.
"""

import os
from collections.abc import Mapping

import dagster as dg

from olist_assets import settings
from olist_assets.defs.automation import automation_sensor, follow_inputs
from olist_assets.defs.business import business_assets, business_checks
from olist_assets.defs.clean import clean_assets, clean_checks
from olist_assets.defs.jobs import (
    business_refresh_job,
    daily_full_refresh,
    full_refresh_job,
    landing_refresh_job,
)
from olist_assets.defs.landing_sensor import landing_sensor
from olist_assets.defs.maintenance import nightly_table_maintenance, table_maintenance
from olist_assets.defs.production_runs import build_production_runs_sensor, production_runs_enabled
from olist_assets.defs.raw import raw_assets
from olist_assets.defs.report import olist_report
from olist_assets.defs.resources import lake_resources


def build_definitions(
    lake_url: str | dg.EnvVar, landing_url: str | dg.EnvVar, production_runs: bool = False
) -> dg.Definitions:
    """All assets, checks, automation and resources for one lake and one landing location."""
    return dg.Definitions(
        assets=[*raw_assets, *follow_inputs([*clean_assets, *business_assets]), olist_report],
        asset_checks=[*clean_checks, *business_checks],
        jobs=[full_refresh_job, business_refresh_job, landing_refresh_job, table_maintenance],
        schedules=[daily_full_refresh, nightly_table_maintenance],
        sensors=[landing_sensor, automation_sensor, build_production_runs_sensor(production_runs)],
        executor=dg.in_process_executor,
        resources=lake_resources(lake_url, landing_url),
    )


def definitions_from(environ: Mapping[str, str]) -> dg.Definitions:
    """The definitions for an environment: its lake and landing settings (shown as environment
    variables in the UI when set, else the embedded defaults) and the production-runs switch."""
    return build_definitions(
        _setting(environ, settings.LAKE_URL, settings.DEFAULT_LAKE_URL),
        _setting(environ, settings.LANDING_URL, settings.DEFAULT_LANDING_URL),
        production_runs=production_runs_enabled(environ),
    )


def _setting(environ: Mapping[str, str], name: str, default: str) -> str | dg.EnvVar:
    return dg.EnvVar(name) if name in environ else default


@dg.definitions
def defs() -> dg.Definitions:
    """The code location, for the environment Dagster loads it in."""
    return definitions_from(os.environ)
