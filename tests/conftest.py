"""Shared fixtures: a lake in a temporary folder, landing files into its raw zone, real files.

Tests skip only when a tool or the real files are absent on a developer's machine; in CI (CI=true),
where .ci/run provides all of them, such a skip is turned into a failure so nothing passes unrun.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from olist_assets.core import lake, settings
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.storage import LocalStore


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("CI") == "true":
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where .ci/run provides every requirement: {reason}"


def olist_header(table: str, newline: str = "\n") -> str:
    """The header line of a table's file, quoted the way the real files quote it."""
    contract = CONTRACTS[table]
    names = contract.source_columns
    if contract.header_quoted:
        names = [f'"{name}"' for name in names]
    return ",".join(names) + newline


@pytest.fixture
def olist_csv() -> Callable[..., str]:
    """Build a table's CSV text: its real header, then the given data lines."""

    def build(table: str, *lines: str, newline: str = "\n", final_newline: bool = True) -> str:
        text = olist_header(table, newline) + newline.join(lines)
        return text + newline if lines and final_newline else text

    return build


@pytest.fixture
def store(tmp_path: Path) -> LocalStore:
    return LocalStore(tmp_path / "lake")


@pytest.fixture
def land(store: LocalStore) -> Callable[..., str]:
    """Write a file into raw/<table>/ and return its key; `landed_at` sets its mtime (epoch s)."""

    def write(table: str, file_name: str, content: str | bytes, landed_at: float | None = None):
        key = lake.raw_key(table, file_name)
        store.write_bytes(key, content.encode() if isinstance(content, str) else content)
        if landed_at is not None:
            os.utime(store.root / key, (landed_at, landed_at))
        return key

    return write


@pytest.fixture(scope="session")
def real_dir() -> Path:
    """The folder of real Olist files (full/ and heads/), or a skip saying why it is needed."""
    folder = os.environ.get(settings.REAL_DIR)
    if not folder:
        pytest.skip(f"{settings.REAL_DIR} is not set: the real Olist files are needed")
    return Path(folder)
