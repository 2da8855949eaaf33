"""The HTML report opens in headless Chromium, offline, with every chart drawn and no console error."""

from __future__ import annotations

from pathlib import Path

import pytest
from dagster_server import DagsterUI

from olist_assets.report.document import write_report
from olist_assets.stores.iceberg.tables import open_tables

pytestmark = [pytest.mark.browser, pytest.mark.integration]

SECTIONS = [
    "Monthly GMV and orders",
    "On-time delivery by state",
    "Review score vs delivery delay",
    "Payment mix",
    "Top categories and sellers",
    "Reconciliation summary",
]


def test_the_report_renders_offline_without_console_errors(
    dagster_ui: DagsterUI, browser, screenshots: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    write_report(open_tables(str(dagster_ui.lake), {}), str(dagster_ui.lake), out)
    page = browser.new_page()
    page.set_viewport_size({"width": 1200, "height": 2000})
    problems: list[str] = []
    requests: list[str] = []
    page.on(
        "console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))

    page.goto(out.as_uri(), wait_until="load")
    headings = page.locator("h2").all_inner_texts()
    drawn = page.evaluate(
        "() => [...document.images].map(image => image.complete && image.naturalWidth > 0)"
    )
    page.screenshot(path=screenshots / "report.png")
    page.close()

    assert problems == []
    assert [url for url in requests if not url.startswith(("file:", "data:"))] == []
    assert all(section in headings for section in SECTIONS)
    assert len(drawn) >= 8 and all(drawn)
