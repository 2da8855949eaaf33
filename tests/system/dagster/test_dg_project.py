"""The project as the `dg` command line sees it: `dg check defs` loads it, `dg list defs` lists every
asset with its owners and tags, and workspace.yaml names the same code location."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from olist_assets.definitions import build_definitions

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent


def dg(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """dg in this environment, from outside the project (so a developer's .env plays no part)."""
    env = {**os.environ, "VIRTUAL_ENV": str(BIN.parent)}
    return subprocess.run(
        [str(BIN / "dg"), *args, "--target-path", str(ROOT)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_dg_check_defs_loads_the_code_location(tmp_path: Path) -> None:
    checked = dg("check", "defs", cwd=tmp_path)

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "All definitions loaded successfully" in checked.stdout + checked.stderr
    assert "does not match the virtual environment" not in checked.stderr


def test_dg_list_defs_lists_every_asset_with_owners_and_tags(tmp_path: Path) -> None:
    listed = dg("list", "defs", "--json", cwd=tmp_path)

    assert listed.returncode == 0, listed.stderr
    found = json.loads(listed.stdout)
    assets = {asset["asset_key"]: asset for asset in found["assets"]}
    expected = build_definitions("lake", "landing").resolve_asset_graph().get_all_asset_keys()
    assert set(assets) == {key.to_user_string() for key in expected}
    assert all(asset["owners"] and asset["description"] for asset in assets.values())
    assert {"key": "layer", "value": "business"} in assets["business/kpi_monthly"]["tags"]
    assert {job["name"] for job in found["jobs"]} == {
        "full_refresh",
        "business_refresh",
        "landing_refresh",
        "table_maintenance",
    }


def test_workspace_yaml_and_dg_name_the_same_code_location() -> None:
    workspace = yaml.safe_load((ROOT / "workspace.yaml").read_text())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["dg"]

    (entry,) = workspace["load_from"]
    module = entry["python_module"]
    assert module["module_name"] == project["project"]["code_location_target_module"]
    assert module["location_name"] == project["project"]["code_location_name"]
    assert module["attribute"] == "defs"


def test_loading_the_code_location_leaves_matplotlib_to_the_report_run() -> None:
    # every run worker, the code server and `dg check defs` load the definitions; only the report
    # asset draws charts
    probe = (
        "import sys, olist_assets.definitions as d; d.defs(); print('matplotlib' in sys.modules)"
    )

    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )

    assert loaded.stdout.strip() == "False"
