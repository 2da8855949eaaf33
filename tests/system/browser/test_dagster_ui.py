"""The Dagster UI as a user sees it: the asset graph over GraphQL, then in a real browser."""

from __future__ import annotations

import contextlib
from collections import Counter
from pathlib import Path

import pytest
from dagster_server import DagsterUI
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from olist_assets.core.business.tables import BUSINESS_TABLES
from olist_assets.core.contracts import CONTRACTS
from olist_assets.report.tables import REPORT_COLUMNS

pytestmark = [pytest.mark.browser, pytest.mark.integration]

GROUPS = ("raw", "clean", "business", "report")
ASSETS_QUERY = "{ assetNodes { assetKey { path } groupName dependencyKeys { path } } }"
AUTOMATION_QUERY = """
{ repositoriesOrError { ... on RepositoryConnection { nodes {
    sensors { name sensorState { status } }
    schedules { name scheduleState { status } }
    jobs { name }
} } } }
"""
REPORT_LINEAGE = "/assets/report/olist_report?view=lineage&lineageScope=upstream&lineageDepth=5"


def expected_graph() -> dict[str, tuple[str, set[str]]]:
    """asset key -> (group, upstream keys), from the contracts and the business table catalogue."""
    graph: dict[str, tuple[str, set[str]]] = {}
    for table in CONTRACTS:
        graph[f"raw/{table}"] = ("raw", set())
        graph[f"clean/{table}"] = ("clean", {f"raw/{table}"})
    for table in BUSINESS_TABLES.values():
        upstream = {f"clean/{t}" for t in table.reads} | {f"business/{t}" for t in table.depends_on}
        graph[f"business/{table.name}"] = ("business", upstream)
    graph["report/olist_report"] = ("report", {f"business/{t}" for t in REPORT_COLUMNS})
    return graph


def test_every_asset_is_served_with_its_group_and_upstream_assets(dagster_ui: DagsterUI) -> None:
    nodes = dagster_ui.graphql(ASSETS_QUERY)["assetNodes"]

    served = {
        "/".join(node["assetKey"]["path"]): (
            node["groupName"],
            {"/".join(dep["path"]) for dep in node["dependencyKeys"]},
        )
        for node in nodes
    }

    assert served == expected_graph()
    assert served["clean/orders"] == ("clean", {"raw/orders"})
    assert "clean/orders" in served["business/fact_orders"][1]


def test_sensors_jobs_and_schedule_start_as_documented(dagster_ui: DagsterUI) -> None:
    (repository,) = dagster_ui.graphql(AUTOMATION_QUERY)["repositoriesOrError"]["nodes"]

    sensors = {s["name"]: s["sensorState"]["status"] for s in repository["sensors"]}
    schedules = {s["name"]: s["scheduleState"]["status"] for s in repository["schedules"]}
    assert sensors == {
        "landing_sensor": "RUNNING",
        "olist_automation_sensor": "RUNNING",
        "production_runs_sensor": "STOPPED",
    }
    assert schedules == {"daily_full_refresh": "STOPPED", "nightly_table_maintenance": "RUNNING"}
    assert {"full_refresh", "business_refresh"} <= {job["name"] for job in repository["jobs"]}


def _open(browser, url: str, ready: str):
    """A page once `ready` text is drawn, with Dagster's first-visit newsletter dialog dismissed."""
    page = browser.new_page()
    page.goto(url, wait_until="networkidle")
    page.get_by_text(ready, exact=True).first.wait_for(timeout=60_000)
    skip = page.get_by_role("button", name="Skip")
    with contextlib.suppress(PlaywrightTimeout):
        skip.click(timeout=5_000)
    page.wait_for_timeout(1_000)
    return page


def _shown(label: str, name: str) -> bool:
    """Whether a graph node label shows this name (long names are shortened with an ellipsis)."""
    if "…" not in label:
        return label == name
    head, tail = label.split("…", 1)
    return name.startswith(head) and name.endswith(tail) and len(name) > len(label)


def upstream_of(key: str, graph: dict[str, tuple[str, set[str]]]) -> set[str]:
    """The key and every asset it reads from, directly or not."""
    found, pending = set(), [key]
    while pending:
        current = pending.pop()
        if current not in found:
            found.add(current)
            pending.extend(graph[current][1])
    return found


NODE_LABEL = "[class*='AssetNode_assetName']"


def _labels(page) -> Counter:
    """The asset names drawn on a graph page, each as many times as it is drawn."""
    labels = [label.strip() for label in page.locator(NODE_LABEL).all_inner_texts()]
    names = {key.split("/", 1)[1] for key in expected_graph()}
    return Counter(next((n for n in names if _shown(label, n)), label) for label in labels)


def _drawn_names(browser, url: str, last: str, screenshot: Path | None = None) -> Counter:
    """The asset names drawn on a lineage page, once `last` is drawn."""
    page = _open(browser, url, last)
    drawn = _labels(page)
    if screenshot:
        page.screenshot(path=screenshot)
    page.close()
    return drawn


def _fit_graph(page) -> None:
    """Fold the group list beside the graph, then zoom the graph to fit (a double click on its
    background, top right, where the layers leave room)."""
    jump = page.get_by_placeholder("Jump to…").bounding_box()
    page.mouse.click(jump["x"] + jump["width"] + 22, jump["y"] + jump["height"] / 2)
    page.wait_for_timeout(1_000)
    viewport = page.locator("[class*='zoomSliderContainer']").first.locator("..").bounding_box()
    page.mouse.dblclick(viewport["x"] + viewport["width"] - 160, viewport["y"] + 40)
    page.wait_for_timeout(2_000)


def _graph_screenshot(page, path: Path, margin: int = 30) -> None:
    """A screenshot of the drawn graph only: the box around every node and group, with a margin,
    inside the graph's viewport."""
    labels = page.locator(NODE_LABEL)
    boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
    boxes += [page.locator("svg").get_by_text(g, exact=True).first.bounding_box() for g in GROUPS]
    view = page.locator("[class*='zoomSliderContainer']").first.locator("..").bounding_box()
    left = max(view["x"] + 2, min(b["x"] for b in boxes) - margin)
    top = max(view["y"] + 2, min(b["y"] for b in boxes) - margin)
    right = min(view["x"] + view["width"], max(b["x"] + b["width"] for b in boxes) + margin)
    bottom = min(view["y"] + view["height"], max(b["y"] + b["height"] for b in boxes) + margin)
    clip = {"x": left, "y": top, "width": right - left, "height": bottom - top}
    page.screenshot(path=path, clip=clip)


def test_the_lineage_page_draws_every_asset(
    dagster_ui: DagsterUI, browser, screenshots: Path
) -> None:
    graph = expected_graph()
    report_upstream = upstream_of("report/olist_report", graph)

    report_page = _drawn_names(
        browser, dagster_ui.url + REPORT_LINEAGE, "olist_report", screenshots / "lineage.png"
    )
    # geolocation feeds no business table, so it has a lineage of its own
    geolocation_page = _drawn_names(
        browser, f"{dagster_ui.url}/assets/clean/geolocation?view=lineage", "geolocation"
    )

    assert report_page == Counter(key.split("/", 1)[1] for key in report_upstream)
    assert geolocation_page == Counter({"geolocation": 2})
    assert report_upstream | {"raw/geolocation", "clean/geolocation"} == set(graph)


def test_the_global_lineage_draws_every_asset_with_groups_expanded_layer_after_layer(
    dagster_ui: DagsterUI, browser, screenshots: Path
) -> None:
    # Given the global lineage, its groups expanded as a user does (⌥E, "Expand all groups")
    page = _open(browser, f"{dagster_ui.url}/asset-groups", "report")
    page.keyboard.press("Alt+KeyE")
    page.get_by_text("olist_report", exact=True).first.wait_for(timeout=60_000)
    _fit_graph(page)

    # When every drawn asset and group is read off the page
    drawn = _labels(page)
    boxes = {
        group: page.locator("svg").get_by_text(group, exact=True).first.bounding_box()
        for group in GROUPS
    }
    _graph_screenshot(page, screenshots / "lineage_groups.png")
    page.close()

    # Then every asset is drawn (a raw and a clean node per table) and the layers follow each other
    assert drawn == Counter(key.split("/", 1)[1] for key in expected_graph())
    lefts = [boxes[group]["x"] for group in GROUPS]
    tops = [boxes[group]["y"] for group in GROUPS]
    assert lefts == sorted(lefts) and tops == sorted(tops)


def test_the_report_asset_shows_its_key_chart(
    dagster_ui: DagsterUI, browser, screenshots: Path
) -> None:
    page = _open(browser, f"{dagster_ui.url}/assets/report/olist_report", "[Show Markdown]")
    page.get_by_text("[Show Markdown]", exact=True).first.click()
    chart = page.locator("img[src^='data:image/png;base64,']").first
    chart.wait_for(timeout=30_000)
    page.wait_for_timeout(500)

    width = chart.evaluate("image => image.complete ? image.naturalWidth : 0")
    page.screenshot(path=screenshots / "report_asset.png")
    page.close()

    assert width > 300
