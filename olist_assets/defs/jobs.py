"""Named jobs, so every run says what started it: by hand, on a timetable, a landed file, the CLI.

Runs carry `olist/trigger` (landing, cli) and, from the command line, the source and lake they
ran on, so the runs page of the UI tells a command-line run from a sensor's.
"""

from __future__ import annotations

import dagster as dg

from olist_assets.core.lake import BUSINESS

TRIGGER = "olist/trigger"

full_refresh_job = dg.define_asset_job(
    name="full_refresh",
    selection=dg.AssetSelection.all(),
    description="Land, clean and rebuild every table, then the report.",
)

business_refresh_job = dg.define_asset_job(
    name="business_refresh",
    selection=dg.AssetSelection.groups(BUSINESS),
    description="Rebuild the business tables from the clean layer as it is.",
)

landing_refresh_job = dg.define_asset_job(
    name="landing_refresh",
    selection=dg.AssetSelection.all(),
    description="Started by landing_sensor: lands the new or changed files into raw/ and refreshes "
    "exactly the clean, business and report assets downstream of them, in one run.",
)

daily_full_refresh = dg.ScheduleDefinition(
    name="daily_full_refresh",
    job=full_refresh_job,
    cron_schedule="0 3 * * *",
    execution_timezone="UTC",
    description="A full refresh every night at 03:00 UTC, for landing locations no sensor watches.",
    default_status=dg.DefaultScheduleStatus.STOPPED,
)


def cli_run_tags(source: str, lake: str) -> dict[str, str]:
    """The tags of a run started by `olist-lakehouse run`: its trigger, source and lake."""
    return {
        TRIGGER: "cli",
        "olist/command": "olist-lakehouse run",
        "olist/source": source,
        "olist/lake": lake,
    }
