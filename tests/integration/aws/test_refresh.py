"""Refresh requests on moto: the debounce state in S3 under conditional writes, the waiter started
in Step Functions, and the missing-inputs check before a claim.

The transitions themselves are proved over a fake clock in tests/unit/aws/test_debounce.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from olist_assets.aws import debounce
from olist_assets.aws.refresh import (
    STATE_KEY,
    RefreshStates,
    StateConflict,
    check_refresh,
    execution_running,
    request_refresh,
    required_clean_tables,
)
from olist_assets.core import lake
from olist_assets.core.cleaning import refresh_table
from olist_assets.core.contracts import CONTRACTS

pytestmark = pytest.mark.integration

NOON = datetime(2024, 5, 1, 12, 0, 5, tzinfo=UTC)
QUIET = 60


@pytest.fixture
def states(lake_aws) -> RefreshStates:
    return RefreshStates(lake_aws.tables().store)


def land_tables(lake_aws, dataset: dict[str, str], names: list[str]) -> None:
    """Land the small dataset's file of each named table and commit it to its clean table."""
    tables = lake_aws.tables()
    for name in names:
        contract = CONTRACTS[name]
        tables.store.write_bytes(
            lake.raw_key(contract.file_name), dataset[contract.file_name].encode()
        )
        refresh_table(tables.store, tables, contract)


@pytest.fixture
def sfn(lake_aws):
    return lake_aws.session.client("stepfunctions")


def executions(lake_aws) -> list[dict]:
    sfn = lake_aws.session.client("stepfunctions")
    return sfn.list_executions(stateMachineArn=lake_aws.state_machine_arn)["executions"]


def request(lake_aws, states, sfn, at: datetime) -> dict:
    return request_refresh(states, sfn, lake_aws.state_machine_arn, "raw/x.csv", at)


def test_the_first_request_creates_the_state_and_starts_one_waiter(lake_aws, states, sfn):
    first = request(lake_aws, states, sfn, NOON)
    later = [request(lake_aws, states, sfn, NOON + timedelta(seconds=s)) for s in (30, 80, 130)]

    assert first["started"] == first["waiter"] and first["started"].startswith("refresh-")
    assert [r["started"] for r in later] == [None, None, None]
    assert [e["name"] for e in executions(lake_aws)] == [first["waiter"]]
    stored, _ = states.read()
    assert (stored.requests, stored.last_request_at) == (4, NOON + timedelta(seconds=130))
    assert lake_aws.keys("runs/refresh/") == [STATE_KEY]


def test_a_write_from_a_stale_read_is_refused(lake_aws, states, sfn):
    request(lake_aws, states, sfn, NOON)
    state, etag = states.read()
    request(lake_aws, states, sfn, NOON + timedelta(seconds=1))

    with pytest.raises(StateConflict):
        states.write(debounce.RefreshState(requests=99), etag)
    assert states.read()[0].requests == 2


def test_creating_the_state_twice_is_refused(states):
    states.write(debounce.RefreshState(requests=1), None)

    with pytest.raises(StateConflict):
        states.write(debounce.RefreshState(requests=7), None)
    assert states.read()[0].requests == 1


def test_an_update_recomputes_after_a_conflict_and_loses_no_request(lake_aws, states):
    # Given a writer that lands between this update's read and its write, once
    intruded = []

    def transition(state):
        if not intruded:
            intruded.append(True)
            _, etag = states.read()
            states.write(debounce.RefreshState(requests=state.requests + 1), etag)
        return debounce.request(state, NOON, waiter_alive=True)

    # When the update runs
    after, _ = states.update(transition)

    # Then it was recomputed on the intruder's state: both requests are counted
    assert after.requests == 2 and states.read()[0].requests == 2
    assert len(intruded) == 1


def test_a_waiter_that_stopped_is_replaced_by_the_next_request(lake_aws, states, sfn):
    first = request(lake_aws, states, sfn, NOON)["waiter"]
    arn = f"{lake_aws.state_machine_arn.replace(':stateMachine:', ':execution:')}:{first}"
    sfn.stop_execution(executionArn=arn, error="Aborted", cause="test")

    second = request(lake_aws, states, sfn, NOON + timedelta(seconds=5))

    assert not execution_running(sfn, lake_aws.state_machine_arn, first)
    assert second["started"] not in (None, first)
    assert execution_running(sfn, lake_aws.state_machine_arn, second["started"])


def test_the_waiter_waits_for_quiet_then_claims_and_gets_the_build_stages(
    lake_aws, states, sfn, dataset
):
    land_tables(lake_aws, dataset, required_clean_tables())
    waiter = request(lake_aws, states, sfn, NOON)["waiter"]

    def check(seconds: int) -> dict:
        at = NOON + timedelta(seconds=seconds)
        return check_refresh(
            states, lake_aws.tables(), sfn, lake_aws.state_machine_arn, waiter, at, QUIET
        )

    early, quiet = check(15), check(60)

    assert (early["state"], early["wait_seconds"], early["pending_seconds"]) == ("waiting", 45, 15)
    assert quiet["state"] == "ready" and quiet["stages"][0] == ["fact_orders"]
    assert quiet["pending_seconds"] is None
    stored, _ = states.read()
    assert (stored.claimed, stored.claimed_by, stored.waiter) == (1, waiter, None)


def test_missing_clean_tables_are_named_and_the_claim_is_not_taken(lake_aws, states, sfn, dataset):
    land_tables(lake_aws, dataset, ["orders"])
    waiter = request(lake_aws, states, sfn, NOON)["waiter"]

    verdict = check_refresh(
        states,
        lake_aws.tables(),
        sfn,
        lake_aws.state_machine_arn,
        waiter,
        NOON + timedelta(seconds=90),
        QUIET,
    )

    assert verdict["state"] == "missing"
    assert "orders" not in verdict["missing"] and "order_items" in verdict["missing"]
    stored, _ = states.read()
    assert (stored.claimed, stored.waiter) == (0, waiter)
