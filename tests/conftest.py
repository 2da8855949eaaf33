"""Shared fixtures: a lake in a temporary folder, landing files into its raw zone, real files, a
throwaway Dagster instance and a moto server on loopback.

Tests skip only when a tool or the real files are absent on a developer's machine; in CI (CI=true),
where .ci/run provides all of them, such a skip is turned into a failure so nothing passes unrun.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from moto.core.exceptions import JsonRESTError

from olist_assets import settings
from olist_assets.core import lake
from olist_assets.core.contracts import CONTRACTS
from olist_assets.stores.iceberg.catalogs import default_config
from olist_assets.stores.iceberg.tables import IcebergTables
from olist_assets.stores.local import LocalStore
from tests.support.moto import running_moto

EVENTS = Path(__file__).resolve().parent / "events"


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
def tables(store: LocalStore) -> IcebergTables:
    """The Iceberg tables of the `store` lake, in its SQL catalog (`<lake>/catalog.db`)."""
    return IcebergTables(default_config(str(store.root)), store)


@pytest.fixture
def land(store: LocalStore) -> Callable[..., str]:
    """Write a file into raw/<path> and return its key; `landed_at` sets its mtime (epoch s)."""

    def write(path: str, content: str | bytes, landed_at: float | None = None):
        key = lake.raw_key(path)
        store.write_bytes(key, content.encode() if isinstance(content, str) else content)
        if landed_at is not None:
            os.utime(store.root / key, (landed_at, landed_at))
        return key

    return write


@pytest.fixture
def sample_event() -> Callable[[str], dict]:
    """Load one of tests/events/*.json, as is."""
    return lambda name: json.loads((EVENTS / name).read_text())


@pytest.fixture(scope="session")
def real_dir() -> Path:
    """The folder of real Olist files (full/ and heads/), or a skip saying why it is needed."""
    folder = os.environ.get(settings.REAL_DIR)
    if not folder:
        pytest.skip(f"{settings.REAL_DIR} is not set: the real Olist files are needed")
    return Path(folder)


@pytest.fixture(autouse=True)
def ephemeral_dagster_instance(monkeypatch: pytest.MonkeyPatch) -> None:
    """Command-line runs in tests use a throwaway Dagster instance, never the developer's."""
    monkeypatch.delenv("DAGSTER_HOME", raising=False)


class _GlueConcurrentModification(JsonRESTError):
    def __init__(self, table: str, version: str) -> None:
        super().__init__(
            "ConcurrentModificationException",
            f"Table {table} was updated since version {version}",
        )


@pytest.fixture(autouse=True)
def glue_enforces_table_versions(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto 5.2.5 ignores UpdateTable's VersionId; real Glue refuses a stale one with
    ConcurrentModificationException, which is what Iceberg's optimistic commits rely on."""
    from moto.glue.responses import GlueResponse

    original = GlueResponse.update_table
    lock = threading.Lock()

    def update_table(self):
        version = self.parameters.get("VersionId")
        database = self.parameters.get("DatabaseName")
        name = self.parameters.get("TableInput", {}).get("Name")
        with lock:
            if version is not None:
                current = self.glue_backend.get_table(database, name).as_dict()["VersionId"]
                if str(current) != str(version):
                    raise _GlueConcurrentModification(f"{database}.{name}", version)
            return original(self)

    monkeypatch.setattr(GlueResponse, "update_table", update_table)


@pytest.fixture
def moto_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with running_moto(monkeypatch) as endpoint:
        yield endpoint
