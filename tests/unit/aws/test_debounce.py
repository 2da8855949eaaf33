"""The refresh debounce as a state machine, driven by a clock the test controls.

`Pipeline` plays the deployed system around the pure transitions: landings call `request`, waiter
executions wake when their Wait state ends and call `check`, a ready execution builds for
BUILD_SECONDS and then stops running. Both transitions go through one compare-and-swap cell, as
the S3 conditional writes make them, so interleavings can be forced step by step.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from olist_assets.aws import debounce
from olist_assets.aws.debounce import RefreshState

T0 = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
QUIET = 60
BUILD_SECONDS = 300


@dataclass
class Cell:
    """A stored state with a version, written only by compare-and-swap."""

    state: RefreshState = field(default_factory=RefreshState)
    version: int = 0

    def read(self) -> tuple[RefreshState, int]:
        return self.state, self.version

    def swap(self, state: RefreshState, expected: int) -> bool:
        if expected != self.version:
            return False
        self.state, self.version = state, self.version + 1
        return True


@dataclass
class Pipeline:
    """Landings, waiter executions and builds over a fake clock (seconds after T0)."""

    cell: Cell = field(default_factory=Cell)
    now: float = 0.0
    running: set[str] = field(default_factory=set)
    wakeups: list[tuple[float, str]] = field(default_factory=list)
    started: list[str] = field(default_factory=list)
    refreshes: list[tuple[str, float, int]] = field(default_factory=list)

    def clock(self) -> datetime:
        return T0 + timedelta(seconds=self.now)

    def drop(self) -> str | None:
        """A file lands now: record the request, start the waiter it names."""
        state, version = self.cell.read()
        after, waiter = debounce.request(state, self.clock(), state.waiter in self.running)
        assert self.cell.swap(after, version)
        if waiter:
            self.started.append(waiter)
            self.running.add(waiter)
            heapq.heappush(self.wakeups, (self.now, waiter))
        return waiter

    def check(self, execution: str) -> debounce.Verdict:
        state, version = self.cell.read()
        running = state.claimed_by in self.running and state.claimed_by != execution
        after, verdict = debounce.check(state, execution, self.clock(), QUIET, running)
        assert self.cell.swap(after, version)
        return verdict

    def run_until(self, until: float) -> None:
        """Let executions wake, wait, build and finish up to time `until`."""
        while self.wakeups and self.wakeups[0][0] <= until:
            self.now, execution = heapq.heappop(self.wakeups)
            if execution.startswith("done:"):
                self.running.discard(execution.removeprefix("done:"))
                continue
            verdict = self.check(execution)
            if verdict.state == "waiting":
                heapq.heappush(self.wakeups, (self.now + verdict.wait_seconds, execution))
            elif verdict.state == "ready":
                claimed = self.cell.state.claimed
                self.refreshes.append((execution, self.now, claimed))
                heapq.heappush(self.wakeups, (self.now + BUILD_SECONDS, f"done:{execution}"))
            else:
                self.running.discard(execution)
        self.now = max(self.now, until)

    def drops_at(self, *times: float) -> None:
        for at in times:
            self.run_until(at)
            self.drop()


@pytest.fixture
def pipeline() -> Pipeline:
    return Pipeline()


def test_a_burst_of_unevenly_spaced_drops_gives_one_refresh_after_it_goes_quiet(pipeline):
    # Given drops each within the quiet period of the previous, crossing many minute boundaries
    times = [0, 5, 59, 100, 159, 160, 210, 269, 300, 359]
    pipeline.drops_at(*times)

    # When the burst has gone quiet and everything has run
    pipeline.run_until(10_000)

    # Then exactly one refresh ran, a quiet period after the last drop, covering all ten
    assert len(pipeline.started) == 1
    ((execution, built_at, claimed),) = pipeline.refreshes
    assert execution == pipeline.started[0]
    assert built_at == times[-1] + QUIET and claimed == len(times)


def test_five_hundred_drops_over_fourteen_minutes_start_one_execution_and_one_refresh(pipeline):
    rng = random.Random(12)
    times = [0.0]
    while len(times) < 500:
        times.append(times[-1] + rng.uniform(0, 3.4))

    pipeline.drops_at(*times)
    pipeline.run_until(times[-1] + 3_600)

    assert times[-1] > 14 * 60
    assert len(pipeline.started) == 1 and len(pipeline.refreshes) == 1
    assert pipeline.refreshes[0][2] == 500


def test_drops_further_apart_than_the_quiet_period_are_refreshed_separately(pipeline):
    pipeline.drops_at(0, 10)
    pipeline.run_until(1_000)
    pipeline.drops_at(2_000)
    pipeline.run_until(5_000)

    assert [(at, claimed) for _, at, claimed in pipeline.refreshes] == [(70, 2), (2_060, 3)]


def test_a_drop_during_the_refresh_gets_exactly_one_more_refresh_after_it(pipeline):
    # Given a burst whose refresh has started (claimed at 60, building until 360)
    pipeline.drops_at(0)
    pipeline.run_until(61)
    assert len(pipeline.refreshes) == 1

    # When two more files land while it builds
    second_waiter = pipeline.drop()
    pipeline.drops_at(100)
    pipeline.run_until(10_000)

    # Then one more refresh runs, covering both, only once the first has finished building
    assert second_waiter is not None and len(pipeline.started) == 2
    (_, first_at, _), (execution, second_at, claimed) = pipeline.refreshes
    assert execution == second_waiter and claimed == 3
    assert second_at >= first_at + BUILD_SECONDS


def test_a_claim_racing_a_drop_that_wins_keeps_the_waiter_waiting(pipeline):
    # Given a waiter whose quiet period is over
    pipeline.drops_at(0)
    waiter = pipeline.started[0]
    pipeline.now = 61
    # When it reads the state to claim, and a drop lands and writes first
    state, version = pipeline.cell.read()
    claim, verdict = debounce.check(state, waiter, pipeline.clock(), QUIET, False)
    assert verdict.state == "ready"
    assert pipeline.drop() is None
    # Then its claim is refused, and recomputed on the new state it waits a full quiet period
    assert not pipeline.cell.swap(claim, version)
    retry = pipeline.check(waiter)
    assert (retry.state, retry.wait_seconds) == ("waiting", QUIET)
    pipeline.run_until(10_000)
    assert [(at, claimed) for _, at, claimed in pipeline.refreshes] == [(121, 2)]


def test_a_drop_racing_a_claim_that_wins_starts_exactly_one_more_refresh(pipeline):
    # Given a waiter whose quiet period is over, and a landing that read the state
    pipeline.drops_at(0)
    waiter = pipeline.started[0]
    pipeline.now = 61
    state, version = pipeline.cell.read()
    late, started = debounce.request(state, pipeline.clock(), True)
    assert started is None
    # When the waiter claims first
    assert pipeline.check(waiter).state == "ready"
    # Then the landing's write is refused; recomputed, it names a new waiter for itself
    assert not pipeline.cell.swap(late, version)
    new_waiter = pipeline.drop()
    assert new_waiter is not None and new_waiter != waiter
    assert pipeline.cell.state.claimed == 1 and pipeline.cell.state.requests == 2


def test_a_waiter_that_died_before_claiming_is_replaced_by_the_next_drop(pipeline):
    pipeline.drops_at(0)
    dead = pipeline.started[0]
    pipeline.running.discard(dead)
    pipeline.wakeups.clear()

    pipeline.drops_at(30)
    replacement = pipeline.started[-1]
    pipeline.run_until(10_000)

    assert replacement != dead and len(pipeline.started) == 2
    assert pipeline.check(dead).state == "superseded"
    assert [(e, claimed) for e, _, claimed in pipeline.refreshes] == [(replacement, 2)]


def test_a_retried_check_of_the_claiming_execution_is_ready_again(pipeline):
    pipeline.drops_at(0)
    waiter = pipeline.started[0]
    pipeline.now = 60
    assert pipeline.check(waiter).state == "ready"

    again = pipeline.check(waiter)

    assert again.state == "ready" and pipeline.cell.state.claimed_by == waiter


def test_a_manual_execution_builds_at_once_and_the_waiter_then_has_nothing_left(pipeline):
    pipeline.drops_at(0)
    pipeline.now = 10

    manual = pipeline.check("a1b2c3-started-by-hand")

    assert manual.state == "ready" and pipeline.cell.state.claimed == 1
    pipeline.running.add("a1b2c3-started-by-hand")
    heapq.heappush(pipeline.wakeups, (10 + BUILD_SECONDS, "done:a1b2c3-started-by-hand"))
    pipeline.run_until(10_000)
    assert pipeline.refreshes == [] and pipeline.cell.state.waiter is None


def test_a_manual_execution_waits_for_a_running_refresh(pipeline):
    pipeline.drops_at(0)
    pipeline.run_until(61)

    verdict = pipeline.check("by-hand")

    assert (verdict.state, verdict.wait_seconds) == ("waiting", QUIET)
    assert "still running" in verdict.reason


def test_pending_seconds_count_from_the_oldest_unclaimed_request(pipeline):
    pipeline.drops_at(0, 40)
    assert debounce.pending_seconds(pipeline.cell.state, T0 + timedelta(seconds=90)) == 90

    pipeline.run_until(101)

    assert debounce.pending_seconds(pipeline.cell.state, pipeline.clock()) is None


def test_state_round_trips_through_json() -> None:
    state = RefreshState(
        requests=3,
        last_request_at=T0,
        first_pending_at=T0,
        waiter="refresh-x",
        claimed=2,
        claimed_by="refresh-w",
        claimed_at=T0 - timedelta(minutes=5),
    )

    assert RefreshState.from_json(state.to_json()) == state


def test_waiter_names_are_valid_unique_execution_names() -> None:
    names = {debounce.waiter_name(T0, n) for n in range(1, 1001)}

    assert len(names) == 1000
    assert all(len(n) <= 80 and n.startswith(debounce.WAITER_PREFIX) for n in names)
