"""The business freshness policy on a controlled clock: passing, warning, failing, then recovering.

The state is computed by the evaluator Dagster's freshness daemon runs for a time-window policy,
with Dagster's clock frozen at chosen instants and materializations recorded at them.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import dagster as dg
from dagster._core.definitions.freshness import FreshnessState
from dagster._core.definitions.freshness_evaluator import TimeWindowFreshnessPolicyEvaluator
from dagster._core.loader import LoadingContextForTest
from dagster._core.test_utils import freeze_time

from olist_assets.definitions import build_definitions
from olist_assets.defs.business import BUSINESS_FRESHNESS, business_key

KPI = business_key("kpi_monthly")
BUILT = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def test_every_business_asset_and_the_report_carry_the_policy_and_nothing_upstream_does() -> None:
    graph = build_definitions("lake", "landing").resolve_asset_graph()

    policies = {
        key.to_user_string(): graph.get(key).freshness_policy for key in graph.get_all_asset_keys()
    }

    business = {k for k in policies if k.startswith("business/")} | {"report/olist_report"}
    assert {k for k, policy in policies.items() if policy == BUSINESS_FRESHNESS} == business
    assert all(policies[k] is None for k in policies if k not in business)
    assert BUSINESS_FRESHNESS.fail_window.to_timedelta() == timedelta(hours=24)


def test_kpi_monthly_fails_a_day_after_its_last_build_and_recovers_when_rebuilt() -> None:
    node = build_definitions("lake", "landing").resolve_asset_graph().get(KPI)
    with dg.DagsterInstance.ephemeral() as instance:

        def state_at(moment: datetime) -> FreshnessState:
            with freeze_time(moment):
                context = LoadingContextForTest(instance)
                return asyncio.run(
                    TimeWindowFreshnessPolicyEvaluator().evaluate_freshness(context, node)
                )

        def build_at(moment: datetime) -> None:
            with freeze_time(moment):
                instance.report_runless_asset_event(dg.AssetMaterialization(KPI))

        never_built = state_at(BUILT)
        build_at(BUILT)
        states = [state_at(BUILT + timedelta(hours=h)) for h in (1, 13, 25)]
        build_at(BUILT + timedelta(hours=26))
        recovered = state_at(BUILT + timedelta(hours=27))

    assert never_built == FreshnessState.UNKNOWN
    assert states == [FreshnessState.PASS, FreshnessState.WARN, FreshnessState.FAIL]
    assert recovered == FreshnessState.PASS
