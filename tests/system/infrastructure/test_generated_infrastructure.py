"""The Terraform's inputs rendered from Python (infrastructure/generated/) match the code they mirror."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest

from olist_assets import settings
from olist_assets.core import lake

INFRASTRUCTURE = Path(__file__).resolve().parents[3] / "infrastructure"
GENERATED = INFRASTRUCTURE / "generated"


@pytest.fixture(scope="module")
def render_generated():
    sys.path.insert(0, str(INFRASTRUCTURE))
    try:
        yield importlib.import_module("render_generated")
    finally:
        sys.path.remove(str(INFRASTRUCTURE))


def generated(name: str) -> dict:
    return json.loads((GENERATED / name).read_text())


def test_committed_files_equal_a_fresh_render(render_generated):
    assert render_generated.stale_files() == [], (
        "run .venv/bin/python infrastructure/render_generated.py"
    )


def test_lake_prefixes_are_the_lake_zones():
    assert generated("lake.json")["zones"] == {zone: f"{zone}/" for zone in lake.ZONES}


def test_lambda_catalogue_equals_settings():
    catalogue = generated("lambda_functions.json")
    assert set(catalogue["functions"]) == set(settings.LAMBDA_FUNCTIONS)
    for name, spec in settings.LAMBDA_FUNCTIONS.items():
        assert catalogue["functions"][name]["handler"] == spec["handler"]
        assert set(catalogue["functions"][name]["env"]) == set(spec["env"])
        assert catalogue["functions"][name]["layers"] == spec["layers"]
    every_env = {env for spec in settings.LAMBDA_FUNCTIONS.values() for env in spec["env"]}
    assert every_env <= set(catalogue["environment"].values())


def test_stale_files_are_reported(render_generated, monkeypatch, tmp_path):
    (tmp_path / "lake.json").write_text('{"zones": {}}\n')
    monkeypatch.setattr(render_generated, "GENERATED", tmp_path)
    assert render_generated.stale_files() == ["lake.json", "lambda_functions.json"]
