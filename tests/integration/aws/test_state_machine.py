"""The refresh state machine, executed by a moto server, with the Lambda handlers run in process.

moto runs the real definition (Choice, Wait, Map, Retry, Catch, Fail) but cannot run Lambda code
without Docker and cannot execute Athena SQL. So its Lambda backend's `invoke` is replaced by a
dispatcher that calls our `lambda_handler`s in process (a raised exception becomes a function
error, as in Lambda), and the Athena engine is replaced by a recorder of the tables it is asked to
build; the clean-layer checks of the quality gate run for real on the lake in moto S3.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from moto.awslambda_simple.models import LambdaSimpleBackend
from moto.core.exceptions import JsonRESTError

from lambda_adapters import (
    handle_build_table,
    handle_check_inputs,
    handle_landing,
    handle_quality_checks,
    handle_record_failure,
)
from olist_assets import settings
from olist_assets.aws import quality
from olist_assets.core.business.engine import BuildResult
from olist_assets.core.business.tables import BUSINESS_TABLES
from olist_assets.core.checks.clean import CheckOutcome
from olist_assets.core.tables import BUSINESS

HANDLERS = {
    "check_inputs": handle_check_inputs.lambda_handler,
    "build_table": handle_build_table.lambda_handler,
    "quality_checks": handle_quality_checks.lambda_handler,
    "record_failure": handle_record_failure.lambda_handler,
}

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]
REFUSED = '"a0000000000000000000000000000002","c0000000000000000000000000000001",shipped,not a date'


class RecordingEngine:
    """Stands in for AthenaEngine (moto cannot run SQL): records which tables it builds, in order."""

    built: list[str] = []
    fail_table: str | None = None

    def __init__(self, tables, workgroup, session=None) -> None:
        self.tables = tables

    def build_table(self, name: str, rebuild: bool = False) -> BuildResult:
        if name == self.fail_table:
            raise RuntimeError(f"Athena query failed: table {name} (simulated)")
        self.built.append(name)
        return BuildResult(name, 1, self.tables.location(BUSINESS, name), 0.01)


class Dispatcher:
    """moto's Lambda `invoke` for our functions: runs the handler in process."""

    def __init__(self, context) -> None:
        self.context = context
        self.calls: Counter[str] = Counter()
        self.throttle_next: set[str] = set()
        self.lock = threading.Lock()

    def invoke(self, backend, function_name, qualifier, body, headers, response_headers):
        name = function_name.rsplit(":", 1)[-1].split("-", 1)[1]
        with self.lock:
            self.calls[name] += 1
            throttled = name in self.throttle_next
            self.throttle_next.discard(name)
        if throttled:
            raise JsonRESTError("TooManyRequestsException", "Rate exceeded")
        try:
            result = HANDLERS[name](json.loads(body), self.context(name))
        except Exception as error:
            response_headers["x-amz-function-error"] = "Unhandled"
            return json.dumps(
                {"errorType": type(error).__name__, "errorMessage": str(error)}
            ).encode()
        return json.dumps(result, default=str).encode()


@pytest.fixture
def lambdas(lake_sfn, monkeypatch, context) -> Dispatcher:
    dispatcher = Dispatcher(context)
    monkeypatch.setattr(
        LambdaSimpleBackend,
        "invoke",
        lambda backend, *args: dispatcher.invoke(backend, *args),
    )
    monkeypatch.setattr(RecordingEngine, "built", [])
    monkeypatch.setattr(RecordingEngine, "fail_table", None)
    monkeypatch.setattr(handle_build_table, "AthenaEngine", RecordingEngine)
    monkeypatch.setattr(handle_quality_checks, "AthenaEngine", RecordingEngine)
    monkeypatch.setattr(quality, "business_checks", lambda engine: [PASSED])
    return dispatcher


PASSED = CheckOutcome("grain_unique", "fact_orders", True, True, "order_id is unique")


def land_all(lake, files: dict[str, str], context) -> None:
    for name, text in files.items():
        lake.put(f"raw/{name}", text)
        handle_landing.lambda_handler(lake.event(f"raw/{name}"), context("landing"))


def refresh_after(lake, files: dict[str, str], context, monkeypatch) -> dict:
    """Land all files but the last with their refresh requests sent to a state machine that does
    nothing, then the last one: its execution is the refresh, all inputs present whatever the
    test machine's load (the burst test covers the debounce itself)."""
    *first, last = files
    noop = lake.session.client("stepfunctions").create_state_machine(
        name="olist-noop",
        definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}),
        roleArn="arn:aws:iam::123456789012:role/olist-noop",
    )
    monkeypatch.setenv(settings.STATE_MACHINE_ARN, noop["stateMachineArn"])
    land_all(lake, {name: files[name] for name in first}, context)
    monkeypatch.setenv(settings.STATE_MACHINE_ARN, lake.state_machine_arn)
    land_all(lake, {last: files[last]}, context)
    (execution,) = finished_executions(lake)
    return execution


def finished_executions(lake, timeout: float = 90) -> list[dict]:
    """Every execution of the state machine once none is running, with its parsed output."""
    sfn = lake.session.client("stepfunctions")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        listed = sfn.list_executions(stateMachineArn=lake.state_machine_arn)["executions"]
        if listed and all(e["status"] != "RUNNING" for e in listed):
            return [sfn.describe_execution(executionArn=e["executionArn"]) for e in listed]
        time.sleep(0.2)
    raise AssertionError(f"executions still running after {timeout}s")


def good_files(dataset: dict[str, str]) -> dict[str, str]:
    orders = "olist_orders_dataset.csv"
    lines = [line for line in dataset[orders].splitlines() if not line.startswith(REFUSED)]
    return dataset | {orders: "\n".join(lines) + "\n"}


@pytest.mark.rehearsal  # about a minute: a burst through the state machine on moto
def test_burst_of_landings_refreshes_the_business_layer_once_in_dependency_order(
    lake_sfn, lambdas, dataset, context, monkeypatch
) -> None:
    # Given the nine files of a full load, each landed and requesting a refresh, less than a
    # debounce period apart
    monkeypatch.setenv(settings.REFRESH_DEBOUNCE_SECONDS, "10")
    land_all(lake_sfn, good_files(dataset), context)

    # When the executions they started have run
    executions = finished_executions(lake_sfn)

    # Then one execution refreshed, any other was superseded by it
    outputs = [json.loads(e["output"]) for e in executions]
    assert {e["status"] for e in executions} == {"SUCCEEDED"}
    states = sorted(o["inputs"]["state"] for o in outputs)
    assert states == ["ready"] + ["superseded"] * (len(executions) - 1)
    refreshed = next(o for o in outputs if o["inputs"]["state"] == "ready")
    # And every business table was built once, each after the tables it depends on
    built = RecordingEngine.built
    assert sorted(built) == sorted(BUSINESS_TABLES)
    for name, table in BUSINESS_TABLES.items():
        assert all(built.index(dep) < built.index(name) for dep in table.depends_on)
    # And the quality gate passed on the real clean-layer checks, its report kept in the lake
    assert refreshed["checks"]["passed"] is True
    report = lake_sfn.json(refreshed["checks"]["report"])
    assert {o["table"] for o in report["outcomes"]} >= {"orders", "fact_orders"}
    assert lambdas.calls["record_failure"] == 0


def sns_messages(lake) -> list[tuple[str, str]]:
    from moto.sns.models import sns_backends

    topic = next(iter(sns_backends["123456789012"]["us-east-1"].topics.values()))
    return [(subject, message) for _, message, subject, *_ in topic.sent_notifications]


def test_blocking_check_failure_fails_the_execution_visibly_and_notifies(
    lake_sfn, lambdas, dataset, context, monkeypatch
) -> None:
    # Given a full load whose orders file has half its rows quarantined (blocking above 5%)
    # When the refresh runs
    execution = refresh_after(lake_sfn, dataset, context, monkeypatch)

    # Then the business tables were built, the gate failed the execution with the check's cause
    assert sorted(RecordingEngine.built) == sorted(BUSINESS_TABLES)
    assert execution["status"] == "FAILED"
    assert execution["error"] == "QualityGateFailed"
    assert "orders.quarantine_rate: 1 of 2 records quarantined" in execution["cause"]
    # And the failure is recorded in the lake and sent to the topic
    (record_key,) = lake_sfn.keys("runs/failures/")
    record = lake_sfn.json(record_key)
    assert (record["source"], record["error"]) == ("refresh", "QualityGateFailed")
    assert record["execution"] == execution["name"]
    ((subject, message),) = sns_messages(lake_sfn)
    assert subject == "olist refresh failed: QualityGateFailed" and record_key in message


def test_missing_clean_inputs_fail_the_refresh_before_any_build(
    lake_sfn, lambdas, dataset, context
) -> None:
    land_all(lake_sfn, {"olist_sellers_dataset.csv": dataset["olist_sellers_dataset.csv"]}, context)

    (execution,) = finished_executions(lake_sfn)

    assert (execution["status"], execution["error"]) == ("FAILED", "InputsMissing")
    assert "order_items" in execution["cause"] and "sellers" not in execution["cause"]
    assert RecordingEngine.built == [] and lambdas.calls["build_table"] == 0
    assert lambdas.calls["record_failure"] == 1


def test_failed_build_is_caught_recorded_and_fails_the_execution_with_its_error(
    lake_sfn, lambdas, dataset, context, monkeypatch
) -> None:
    monkeypatch.setattr(RecordingEngine, "fail_table", "fact_orders")

    execution = refresh_after(lake_sfn, good_files(dataset), context, monkeypatch)

    assert (execution["status"], execution["error"]) == ("FAILED", "RuntimeError")
    assert "table fact_orders (simulated)" in execution["cause"]
    assert RecordingEngine.built == [] and lambdas.calls["quality_checks"] == 0
    assert lake_sfn.json(lake_sfn.keys("runs/failures/")[0])["error"] == "RuntimeError"


def test_throttled_lambda_invocation_is_retried(
    lake_sfn, lambdas, dataset, context, monkeypatch
) -> None:
    lambdas.throttle_next = {"quality_checks"}

    execution = refresh_after(lake_sfn, good_files(dataset), context, monkeypatch)

    assert execution["status"] == "SUCCEEDED"
    assert lambdas.calls["quality_checks"] == 2


def test_template_names_the_four_refresh_functions_and_only_them() -> None:
    text = (ROOT / "infrastructure/templates/refresh_business.asl.json").read_text()

    placeholders = set(re.findall(r"\$\{(\w+)\}", text))

    refresh = ("check_inputs", "build_table", "quality_checks", "record_failure")
    expected = {f"{name}_function_arn" for name in refresh}
    assert set(refresh) <= set(settings.LAMBDA_FUNCTIONS)
    assert placeholders == expected
    assert ".sync" not in text
