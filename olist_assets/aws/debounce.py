"""One business refresh per burst of landings: the debounce as a pure state machine.

The shared state records the refresh requests (one per landed file), the one execution waiting for
the burst to go quiet (the waiter) and the latest claim (which requests a refresh took on). Two
transitions, each a pure function of the state, the time and what the caller observed:

- `request`: a file landed. The first request with no live waiter names a new waiter, which the
  caller starts; every later request only moves `last_request_at`, so the waiter keeps waiting.
- `check`: an execution asks what to do. The waiter waits until no request arrived for the quiet
  period and the previous claimed refresh is no longer running, then claims every request so far
  and builds: one refresh per burst, however the drops are spaced. A request after the claim
  names the next waiter: exactly one more refresh, after it. A manual execution (any name not
  made by `waiter_name`) builds once the previous refresh is done, without waiting for quiet.

Writers race (landings run concurrently, an execution checks while a file lands); the caller
applies a transition with a compare-and-swap on the stored state and recomputes on a conflict,
so every transition is applied to the state it was computed from.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any, Literal

WAITER_PREFIX = "refresh-"


@dataclass(frozen=True)
class RefreshState:
    """The debounce's shared state; times are timezone-aware datetimes."""

    requests: int = 0
    last_request_at: datetime | None = None
    first_pending_at: datetime | None = None
    waiter: str | None = None
    claimed: int = 0
    claimed_by: str | None = None
    claimed_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            name: value.isoformat() if isinstance(value, datetime) else value
            for name, value in asdict(self).items()
        }

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> RefreshState:
        times = ("last_request_at", "first_pending_at", "claimed_at")
        return cls(
            **{
                name: datetime.fromisoformat(value) if name in times and value else value
                for name, value in body.items()
                if name in cls.__dataclass_fields__
            }
        )


@dataclass(frozen=True)
class Verdict:
    """What a checking execution does next: wait (seconds), build (ready) or end (superseded)."""

    state: Literal["waiting", "ready", "superseded"]
    wait_seconds: int = 0
    reason: str = ""


def waiter_name(now: datetime, request_number: int) -> str:
    """A unique execution name for the waiter of request `request_number`."""
    return f"{WAITER_PREFIX}{now:%Y%m%dT%H%M%SZ}-{request_number:06d}"


def request(
    state: RefreshState, now: datetime, waiter_alive: bool
) -> tuple[RefreshState, str | None]:
    """A file landed: the new state and the waiter to start, if this request needs one.

    `waiter_alive` says whether the recorded waiter's execution is still running (ignored when
    there is none): a waiter that died before claiming is replaced, so no request is stranded.
    """
    number = state.requests + 1
    after = replace(
        state,
        requests=number,
        last_request_at=now,
        first_pending_at=state.first_pending_at or now,
    )
    if state.waiter is not None and waiter_alive:
        return after, None
    waiter = waiter_name(now, number)
    return replace(after, waiter=waiter), waiter


def check(
    state: RefreshState,
    execution: str,
    now: datetime,
    quiet_seconds: int,
    claimant_running: bool,
) -> tuple[RefreshState, Verdict]:
    """An execution checks in: the new state and its verdict.

    `claimant_running` says whether the execution that made the latest claim is still running
    (ignored when it is the caller or there is none): a new refresh waits for it to finish.
    """
    if execution == state.claimed_by:
        return state, Verdict("ready", reason="this execution holds the latest claim")
    is_waiter = execution == state.waiter
    if not is_waiter and execution.startswith(WAITER_PREFIX):
        return state, Verdict("superseded", reason=f"the waiter is now {state.waiter}")
    if is_waiter and state.last_request_at is not None:
        quiet_for = (now - state.last_request_at).total_seconds()
        if quiet_for < quiet_seconds:
            return state, Verdict("waiting", _whole_seconds(quiet_seconds - quiet_for))
    if is_waiter and state.claimed >= state.requests:
        return replace(state, waiter=None), Verdict("superseded", reason="already refreshed")
    if state.claimed_by is not None and claimant_running:
        reason = f"the refresh {state.claimed_by} is still running"
        return state, Verdict("waiting", max(quiet_seconds, 1), reason)
    claimed = replace(
        state,
        claimed=state.requests,
        claimed_by=execution,
        claimed_at=now,
        waiter=None if is_waiter else state.waiter,
        first_pending_at=None,
    )
    return claimed, Verdict("ready", reason=f"claimed requests up to {state.requests}")


def pending_seconds(state: RefreshState, now: datetime) -> float | None:
    """How long the oldest request no refresh has claimed has waited, or None if none waits."""
    if state.first_pending_at is None:
        return None
    return (now - state.first_pending_at).total_seconds()


def _whole_seconds(seconds: float) -> int:
    """Step Functions waits whole seconds: round up, and never wait zero."""
    return max(math.ceil(seconds), 1)
