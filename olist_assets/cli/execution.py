"""Materialize every asset in process and collect what happened, for the command line."""

import time
from collections import defaultdict
from dataclasses import dataclass, field

import dagster as dg

from olist_assets.cli.errors import step_failure_message
from olist_assets.core.business.tables import BUSINESS_TABLES
from olist_assets.core.lake import BUSINESS
from olist_assets.definitions import build_definitions
from olist_assets.defs.jobs import cli_run_tags, full_refresh_job


@dataclass(frozen=True)
class CheckLine:
    asset: str
    name: str
    passed: bool
    blocking: bool
    description: str


@dataclass
class RunOutcome:
    """Materialization metadata per asset, check results and failures of one in-process run."""

    materialized: dict[str, dict] = field(default_factory=dict)
    checks: list[CheckLine] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (step, message)
    not_run: list[str] = field(default_factory=list)
    seconds: float = 0.0
    layer_seconds: dict[str, float] = field(default_factory=dict)
    """Seconds in the steps of each layer (raw, clean, business, report) and of the checks."""

    @property
    def failed_checks(self) -> list[CheckLine]:
        return [c for c in self.checks if not c.passed and c.blocking]

    @property
    def ok(self) -> bool:
        return not self.failures and not self.failed_checks and not self.not_run


def materialize_all(
    lake_url: str,
    landing_url: str,
    instance: dg.DagsterInstance,
    log_level: str = "CRITICAL",
    rebuild_business: bool = False,
) -> RunOutcome:
    """Run the whole asset graph (raw, clean, business, checks) against one lake, as the
    full_refresh job tagged with its trigger (cli), source and lake, so the UI shows what ran.

    Dagster's console log (with its stack traces) is silent by default: the outcome carries every
    failure as one line; a lower `log_level` ("DEBUG" for --verbose) shows it. With
    `rebuild_business`, every business table is built even if its inputs did not change.
    """
    definitions = build_definitions(lake_url=lake_url, landing_url=landing_url)
    job = definitions.resolve_job_def(full_refresh_job.name)
    run_config: dict = {"loggers": {"console": {"config": {"log_level": log_level}}}}
    if rebuild_business:
        run_config["ops"] = {
            f"{BUSINESS}__{name}": {"config": {"rebuild": True}} for name in BUSINESS_TABLES
        }
    started = time.perf_counter()
    result = job.execute_in_process(
        instance=instance,
        raise_on_error=False,
        run_config=run_config,
        tags=cli_run_tags(source=landing_url, lake=lake_url),
    )
    outcome = RunOutcome(
        seconds=time.perf_counter() - started,
        layer_seconds=seconds_by_layer(instance, result.run_id, job),
    )
    for event in result.get_asset_materialization_events():
        materialization = event.materialization
        outcome.materialized[materialization.asset_key.to_user_string()] = {
            key: value.value for key, value in materialization.metadata.items()
        }
    for evaluation in result.get_asset_check_evaluations():
        outcome.checks.append(
            CheckLine(
                asset=evaluation.asset_key.to_user_string(),
                name=evaluation.check_name,
                passed=evaluation.passed,
                blocking=evaluation.severity == dg.AssetCheckSeverity.ERROR,
                description=evaluation.description or "",
            )
        )
    for event in result.get_step_failure_events():
        step = event.step_key.replace("__", "/")
        outcome.failures.append((step, step_failure_message(event.step_failure_data.error)))
    planned = {key.to_user_string() for key in job.asset_layer.selected_asset_keys}
    outcome.not_run = sorted(planned - set(outcome.materialized))
    return outcome


STEP_EVENTS = {
    dg.DagsterEventType.STEP_START,
    dg.DagsterEventType.STEP_SUCCESS,
    dg.DagsterEventType.STEP_FAILURE,
}


def seconds_by_layer(
    instance: dg.DagsterInstance, run_id: str, job: dg.JobDefinition
) -> dict[str, float]:
    """Seconds spent in each layer's asset steps and in the check steps ("checks"), from the run's
    step start and end events (what Dagster's UI shows as step durations)."""
    layer_of = {"__".join(k.path): k.path[0] for k in job.asset_layer.selected_asset_keys}
    started: dict[str, float] = {}
    totals: dict[str, float] = defaultdict(float)
    for record in instance.all_logs(run_id, of_type=STEP_EVENTS):
        if record.dagster_event.event_type == dg.DagsterEventType.STEP_START:
            started[record.step_key] = record.timestamp
        elif record.step_key in started:
            layer = layer_of.get(record.step_key, "checks")
            totals[layer] += record.timestamp - started.pop(record.step_key)
    return dict(totals)
