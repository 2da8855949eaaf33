"""The Dagster webserver on loopback over a freshly built lake, and headless Debian Chromium.

The lake is built the way a user builds it (`olist-lakehouse generate`, then `run` with
DAGSTER_HOME set, so the materializations show in the UI); the webserver loads the code location
from workspace.yaml. Every process started here is stopped by its process group.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from dagster_server import (
    BIN,
    CHROMIUM_FLAGS,
    ROOT,
    DagsterUI,
    free_port,
    run,
    stop,
    wait_until_loaded,
)


@pytest.fixture(scope="session")
def dagster_ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DagsterUI]:
    base = tmp_path_factory.mktemp("dagster_ui")
    home, lake, landing, log = base / "home", base / "lake", base / "landing", base / "ui.log"
    home.mkdir()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "OLIST_LAKE_URL": str(lake),
        "OLIST_LANDING_URL": str(landing),
    }
    cli = str(BIN / "olist-lakehouse")
    run([cli, "generate", "--scale", "0.01", "--seed", "7", "--out", str(landing)], env, log)
    run([cli, "run", "--source", str(landing), "--lake", str(lake)], env, log)
    port = free_port()
    # outside the project root, so the project's .env (which Dagster lets override the
    # environment) does not point the code location back at data/lake
    command = [str(BIN / "dagster-webserver"), "-w", str(ROOT / "workspace.yaml")]
    with log.open("a") as out:
        process = subprocess.Popen(
            [*command, "-h", "127.0.0.1", "-p", str(port)],
            cwd=base,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    ui = DagsterUI(f"http://127.0.0.1:{port}", lake, log)
    try:
        wait_until_loaded(ui, process)
        yield ui
    finally:
        stop(process)


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: $OLIST_SCREENSHOTS (docs/screenshots for the README), else a temp dir."""
    folder = os.environ.get("OLIST_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.skip(
            "Debian's chromium is not installed here; CI installs it (.ci/install_chromium.sh)"
        )
    return path


# Dagster UI preferences, kept in the browser's localStorage: graphs flow top to bottom, so the four
# layers of expanded groups fit one screen, and the left navigation is folded.
UI_PREFERENCES = {"asset-graph-direction": '"vertical"', "large-screen-nav-open": "false"}


@pytest.fixture(scope="module")
def browser(chromium: str, tmp_path_factory: pytest.TempPathFactory):
    """A headless Chromium (the system one; Playwright only drives it) with a fresh profile and the
    UI preferences set.

    Module-scoped: Playwright's sync API keeps an asyncio loop running while it is open, which
    other tests (Dagster's automation evaluation calls asyncio.run) must not inherit.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium_profile")),
            executable_path=chromium,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1800, "height": 820},
            device_scale_factor=2,  # screenshots sharp enough to read the asset names
        )
        context.add_init_script(
            "".join(
                f"localStorage.setItem({json.dumps(key)}, {json.dumps(value)});"
                for key, value in UI_PREFERENCES.items()
            )
        )
        try:
            yield context
        finally:
            context.close()
