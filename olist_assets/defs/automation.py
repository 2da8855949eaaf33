"""Declarative automation: clean and business assets follow their inputs, as the Lambdas do in AWS."""

from __future__ import annotations

from collections.abc import Iterable

import dagster as dg

INTERVAL_SECONDS = 5


def follow_inputs(assets: Iterable[dg.AssetsDefinition]) -> list[dg.AssetsDefinition]:
    """The assets, each updating as soon as any input updates (eager), never while one is missing."""
    return [
        asset.map_asset_specs(
            lambda spec: spec.replace_attributes(
                automation_condition=dg.AutomationCondition.eager()
            )
        )
        for asset in assets
    ]


automation_sensor = dg.AutomationConditionSensorDefinition(
    name="olist_automation_sensor",
    target=dg.AssetSelection.all(),
    description="Evaluates the automation conditions of every asset (running from the start, "
    "unlike Dagster's default automation sensor, which starts stopped).",
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=INTERVAL_SECONDS,
)
