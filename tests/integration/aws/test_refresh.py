"""Debounce of business refresh requests: one execution per window, one build per burst."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from olist_assets.aws.refresh import (
    execution_name,
    refresh_readiness,
    request_refresh,
    required_clean_tables,
)
from olist_assets.core import lake
from olist_assets.core.cleaning import refresh_table
from olist_assets.core.contracts import CONTRACTS
from olist_assets.stores.iceberg.tables import IcebergTables
from olist_assets.stores.local import LocalStore

NOON = datetime(2024, 5, 1, 12, 0, 5, tzinfo=UTC)
DEBOUNCE = 60


class ExecutionAlreadyExists(Exception):
    pass


class RecordingStepFunctions:
    """Start executions by name, refusing a name twice, as Step Functions does."""

    exceptions = type("Exceptions", (), {"ExecutionAlreadyExists": ExecutionAlreadyExists})

    def __init__(self) -> None:
        self.started: list[str] = []

    def start_execution(self, stateMachineArn: str, name: str, input: str) -> dict:  # noqa: N803
        if name in self.started:
            raise ExecutionAlreadyExists(name)
        self.started.append(name)
        return {"executionArn": f"{stateMachineArn}:{name}"}


@pytest.fixture
def sfn() -> RecordingStepFunctions:
    return RecordingStepFunctions()


def land_tables(store: LocalStore, tables: IcebergTables, dataset: dict[str, str], names) -> None:
    """Land the small dataset's file of each named table and commit it to its clean table."""
    for name in names:
        contract = CONTRACTS[name]
        store.write_bytes(lake.raw_key(contract.file_name), dataset[contract.file_name].encode())
        refresh_table(store, tables, contract)


@pytest.fixture
def clean_lake(store: LocalStore, tables: IcebergTables, dataset) -> LocalStore:
    """A lake with rows in every clean table the business SQL reads."""
    land_tables(store, tables, dataset, required_clean_tables())
    return store


def request(store, sfn, at: datetime) -> dict:
    return request_refresh(store, sfn, "arn:sm", "raw/olist_orders_dataset.csv", at, DEBOUNCE)


def test_requests_in_one_window_share_one_execution(store, sfn) -> None:
    first = request(store, sfn, NOON)
    second = request(store, sfn, NOON + timedelta(seconds=40))

    assert first == {"execution": "refresh-20240501T120000Z", "joined_existing": False}
    assert second == {"execution": "refresh-20240501T120000Z", "joined_existing": True}
    assert sfn.started == ["refresh-20240501T120000Z"]


def test_execution_waits_for_a_quiet_period_then_claims_the_request(
    clean_lake, tables, sfn
) -> None:
    name = request(clean_lake, sfn, NOON)["execution"]

    early = refresh_readiness(clean_lake, tables, name, NOON + timedelta(seconds=15), DEBOUNCE)
    quiet = refresh_readiness(clean_lake, tables, name, NOON + timedelta(seconds=60), DEBOUNCE)

    assert early == {"state": "waiting", "wait_seconds": 45}
    assert quiet["state"] == "ready" and quiet["stages"][0] == ["fact_orders"]


def test_execution_of_an_older_window_is_superseded_by_a_newer_request(
    clean_lake, tables, sfn
) -> None:
    older = request(clean_lake, sfn, NOON)["execution"]
    newer = request(clean_lake, sfn, NOON + timedelta(seconds=70))["execution"]

    verdict = refresh_readiness(clean_lake, tables, older, NOON + timedelta(seconds=75), DEBOUNCE)

    assert verdict == {"state": "superseded", "by": newer}
    assert len(sfn.started) == 2


def test_manual_execution_builds_at_once_once_the_last_request_was_served(
    clean_lake, tables, sfn
) -> None:
    name = request(clean_lake, sfn, NOON)["execution"]
    refresh_readiness(clean_lake, tables, name, NOON + timedelta(seconds=90), DEBOUNCE)

    manual = refresh_readiness(
        clean_lake, tables, "by-hand", NOON + timedelta(seconds=91), DEBOUNCE
    )

    assert manual["state"] == "ready"


def test_missing_clean_tables_are_named(store, tables, sfn, dataset) -> None:
    land_tables(store, tables, dataset, ["orders"])

    verdict = refresh_readiness(store, tables, "by-hand", NOON, DEBOUNCE)

    assert verdict["state"] == "missing"
    assert "orders" not in verdict["missing"] and "order_items" in verdict["missing"]


def test_window_names_are_aligned_to_the_debounce_period() -> None:
    assert execution_name(NOON + timedelta(seconds=54), 60) == "refresh-20240501T120000Z"
    assert execution_name(NOON + timedelta(seconds=55), 60) == "refresh-20240501T120100Z"
    assert execution_name(NOON, 0) == "refresh-20240501T120005Z"
