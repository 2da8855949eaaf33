"""The code location reads its settings when Dagster loads it, not when Python imports it."""

from __future__ import annotations

import dagster as dg
import pytest

import olist_assets.definitions as code_location
from olist_assets import settings


def _lake(definitions: dg.Definitions):
    return definitions.resources["lake"].url


def test_settings_set_after_import_are_the_ones_the_loaded_definitions_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(settings.LAKE_URL, "s3://lake-bucket/prefix")
    monkeypatch.setenv(settings.PRODUCTION_RUNS, "1")

    loaded = code_location.defs()

    assert _lake(loaded) == dg.EnvVar(settings.LAKE_URL)
    sensors = {sensor.name: sensor for sensor in loaded.sensors}
    assert sensors["production_runs_sensor"].default_status == dg.DefaultSensorStatus.RUNNING


def test_unset_settings_fall_back_to_the_embedded_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (settings.LAKE_URL, settings.LANDING_URL, settings.PRODUCTION_RUNS):
        monkeypatch.delenv(name, raising=False)

    loaded = code_location.defs()

    assert _lake(loaded) == settings.DEFAULT_LAKE_URL
    assert loaded.resources["landing"].url == settings.DEFAULT_LANDING_URL
    sensors = {sensor.name: sensor for sensor in loaded.sensors}
    assert sensors["production_runs_sensor"].default_status == dg.DefaultSensorStatus.STOPPED


def test_the_business_engine_reads_the_same_lake_as_the_other_assets() -> None:
    resources = code_location.definitions_from({settings.LAKE_URL: "x"}).resources

    assert resources["duckdb"].lake is resources["lake"]
