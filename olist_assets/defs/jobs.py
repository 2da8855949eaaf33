"""Jobs for refreshing by hand or on a timetable: everything, or only the business layer."""

from __future__ import annotations

import dagster as dg

from olist_assets.core.lake import BUSINESS

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

daily_full_refresh = dg.ScheduleDefinition(
    name="daily_full_refresh",
    job=full_refresh_job,
    cron_schedule="0 3 * * *",
    execution_timezone="UTC",
    description="A full refresh every night at 03:00 UTC, for landing locations no sensor watches.",
    default_status=dg.DefaultScheduleStatus.STOPPED,
)
