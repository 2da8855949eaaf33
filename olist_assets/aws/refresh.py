"""Business refresh requests over the debounce state machine, with the state kept in the lake.

The state (`debounce.RefreshState`) is one JSON object, `runs/refresh/state.json`. Landings and
checking executions update it concurrently, so each update is a compare-and-swap with S3
conditional writes: read the object and its ETag, compute the transition, then PutObject with
If-Match on that ETag (If-None-Match: * to create it). S3 refuses the write (412, or 409 while
another conditional write is in flight) when someone else wrote first; the update then re-reads
and recomputes. No state written repeats an earlier one (the request count only grows and every
claim records its time), so its ETag differs from every earlier state's: a stale ETag never matches.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from olist_assets.aws import debounce
from olist_assets.core import lake
from olist_assets.core.business.tables import BUSINESS_TABLES, build_stages
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.tables import Tables
from olist_assets.stores.s3 import S3Store

STATE_KEY = f"{lake.RUNS}/refresh/state.json"
CONFLICT_CODES = frozenset({"PreconditionFailed", "ConditionalRequestConflict", "412", "409"})
MAX_ATTEMPTS = 8

log = logging.getLogger("olist.refresh")
T = TypeVar("T")


class StateConflict(RuntimeError):
    """Another writer changed the refresh state between this writer's read and its write."""


@dataclass
class RefreshStates:
    """The refresh state object in the lake, read with its ETag and written conditionally."""

    store: S3Store
    key: str = STATE_KEY

    def read(self) -> tuple[debounce.RefreshState, str | None]:
        """The current state and its ETag; the initial state and None when there is none yet."""
        client = self.store.client
        try:
            got = client.get_object(Bucket=self.store.bucket, Key=self.store.prefix + self.key)
        except client.exceptions.NoSuchKey:
            return debounce.RefreshState(), None
        body = json.loads(got["Body"].read())
        return debounce.RefreshState.from_json(body), got["ETag"]

    def write(self, state: debounce.RefreshState, etag: str | None) -> None:
        """Replace the state read with `etag` (create it when None); StateConflict if it changed."""
        condition = {"IfMatch": etag} if etag else {"IfNoneMatch": "*"}
        client = self.store.client
        try:
            client.put_object(
                Bucket=self.store.bucket,
                Key=self.store.prefix + self.key,
                Body=json.dumps(state.to_json(), sort_keys=True).encode(),
                ContentType="application/json",
                **condition,
            )
        except client.exceptions.ClientError as error:
            if error.response["Error"]["Code"] in CONFLICT_CODES:
                raise StateConflict(str(error)) from error
            raise

    def update(
        self, transition: Callable[[debounce.RefreshState], tuple[debounce.RefreshState, T]]
    ) -> tuple[debounce.RefreshState, T]:
        """Apply `transition` to the current state atomically, recomputing after a conflict."""
        return _retrying_conflicts(lambda: self._update_once(transition))()

    def _update_once(self, transition):
        state, etag = self.read()
        after, result = transition(state)
        if after != state:
            self.write(after, etag)
        return after, result


def _retrying_conflicts(attempt: Callable[[], T]) -> Callable[[], T]:
    """Retry on StateConflict with full jitter (50 ms up to 2 s), at most MAX_ATTEMPTS times."""
    return retry(
        retry=retry_if_exception_type(StateConflict),
        stop=stop_after_attempt(MAX_ATTEMPTS),
        wait=wait_random_exponential(multiplier=0.05, max=2),
        reraise=True,
    )(attempt)


def execution_arn(state_machine_arn: str, name: str) -> str:
    """arn:...:stateMachine:<machine> and a name -> arn:...:execution:<machine>:<name>."""
    return f"{state_machine_arn.replace(':stateMachine:', ':execution:', 1)}:{name}"


def execution_running(sfn, state_machine_arn: str, name: str) -> bool:
    """Whether the named execution exists and is still running."""
    try:
        described = sfn.describe_execution(executionArn=execution_arn(state_machine_arn, name))
    except sfn.exceptions.ExecutionDoesNotExist:
        return False
    return described["status"] == "RUNNING"


def request_refresh(
    states: RefreshStates, sfn, state_machine_arn: str, raw_key: str, now: datetime
) -> dict[str, Any]:
    """Record a landing's refresh request; start the waiter execution if it needs a new one."""

    def transition(state: debounce.RefreshState):
        alive = state.waiter is not None and execution_running(sfn, state_machine_arn, state.waiter)
        return debounce.request(state, now, alive)

    state, waiter = states.update(transition)
    if waiter is not None:
        try:
            sfn.start_execution(
                stateMachineArn=state_machine_arn,
                name=waiter,
                input=json.dumps({"first_request": raw_key}),
            )
        except sfn.exceptions.ExecutionAlreadyExists:
            log.info("waiter %s was already started (a retried request)", waiter)
    return {
        "waiter": state.waiter,
        "started": waiter,
        "requests": state.requests,
        "pending_seconds": debounce.pending_seconds(state, now),
    }


def check_refresh(
    states: RefreshStates,
    tables: Tables,
    sfn,
    state_machine_arn: str,
    execution: str,
    now: datetime,
    quiet_seconds: int,
) -> dict[str, Any]:
    """Where this execution stands: waiting, superseded, missing inputs, or ready (with stages)."""
    missing: list[str] | None = None

    def transition(state: debounce.RefreshState):
        nonlocal missing
        claimant = state.claimed_by
        running = (
            claimant is not None
            and claimant != execution
            and execution_running(sfn, state_machine_arn, claimant)
        )
        after, verdict = debounce.check(state, execution, now, quiet_seconds, running)
        if verdict.state == "ready" and after != state:
            missing = missing_clean_tables(tables) if missing is None else missing
            if missing:
                return state, verdict
        return after, verdict

    state, verdict = states.update(transition)
    result: dict[str, Any] = {
        "state": verdict.state,
        "reason": verdict.reason,
        "pending_seconds": debounce.pending_seconds(state, now),
    }
    if verdict.state == "waiting":
        result["wait_seconds"] = verdict.wait_seconds
    elif verdict.state == "ready" and missing:
        result |= {
            "state": "missing",
            "missing": missing,
            "cause": f"no clean data yet for {missing}",
        }
    elif verdict.state == "ready":
        result["stages"] = build_stages()
    return result


def required_clean_tables() -> list[str]:
    """The clean tables the business SQL reads."""
    return sorted({table for t in BUSINESS_TABLES.values() for table in t.reads})


def missing_clean_tables(tables: Tables) -> list[str]:
    """The clean tables the business SQL reads that hold no rows yet (their Iceberg ledgers)."""
    return [t for t in required_clean_tables() if not tables.state(CONTRACTS[t]).ledger.rows]
