"""The build_table Lambda keeps a run record of each business table it builds, for the Dagster sensor.

moto cannot execute Athena SQL, so `AthenaEngine.build_table` is stubbed to return the BuildResult a
CTAS would; everything after it (the handler, the record, its key, S3) runs for real on moto.
"""

from __future__ import annotations

import pytest

from lambda_adapters import handle_build_table
from olist_assets.core import lake, runs
from olist_assets.core.business.engine import BuildResult
from olist_assets.engines.athena_engine import AthenaEngine

LOCATION = "s3://olist-lake-test/business/fact_orders"
SNAPSHOT = 6150123412341234123
INPUTS = {"clean.orders": 3012345678901234567, "clean.order_payments": 412345678901234567}


@pytest.fixture
def stubbed_athena(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """AthenaEngine.build_table returning a fixed result (moto has no Athena); returns what it built."""
    built: list[str] = []

    def build_table(
        engine: AthenaEngine, name: str, rebuild: bool = False, run_id: str | None = None
    ) -> BuildResult:
        built.append(f"{name}, rebuild" if rebuild else name)
        return BuildResult(name, 1234, LOCATION, 12.34567, SNAPSHOT, INPUTS)

    monkeypatch.setattr(AthenaEngine, "build_table", build_table)
    return built


def test_a_build_writes_a_run_record_with_rows_location_snapshots_duration_and_execution(
    lake_aws, stubbed_athena, context
) -> None:
    event = {"table": "fact_orders", "execution": "refresh-2026-11-25T1700"}

    output = handle_build_table.lambda_handler(event, context("build_table"))

    (key,) = lake_aws.keys(f"{runs.BUSINESS}/")
    assert stubbed_athena == ["fact_orders"]
    assert output["run_record"] == key and key.startswith(f"{runs.BUSINESS}/fact_orders/")
    assert (output["name"], output["rows"], output["location"]) == ("fact_orders", 1234, LOCATION)
    record = lake_aws.json(key)
    assert record.pop("finished_at").startswith("20")
    assert record == {
        "table": "fact_orders",
        "rows": 1234,
        "location": LOCATION,
        "duration_seconds": 12.346,
        "snapshot_id": SNAPSHOT,
        "inputs": INPUTS,
        "execution": "refresh-2026-11-25T1700",
        "code_version": "test-0000000",
        "rebuilt": True,
    }


def test_a_rebuild_can_be_asked_for_in_the_event(lake_aws, stubbed_athena, context) -> None:
    event = {"table": "fact_orders", "rebuild": True}

    handle_build_table.lambda_handler(event, context("build_table"))
    handle_build_table.lambda_handler({"table": "fact_orders"}, context("build_table"))

    assert stubbed_athena == ["fact_orders, rebuild", "fact_orders"]


def test_a_rebuild_that_is_not_a_boolean_is_refused(lake_aws, stubbed_athena, context) -> None:
    event = {"table": "fact_orders", "rebuild": "true"}

    with pytest.raises(ValueError, match="rebuild must be true or false"):
        handle_build_table.lambda_handler(event, context("build_table"))
    assert stubbed_athena == []


def test_each_build_gets_its_own_record_and_a_manual_one_has_no_execution(
    lake_aws, stubbed_athena, context
) -> None:
    handle_build_table.lambda_handler({"table": "fact_orders"}, context("build_table"))
    handle_build_table.lambda_handler({"table": "fact_orders"}, context("build_table"))

    keys = lake_aws.keys(f"{runs.BUSINESS}/fact_orders/")
    assert len(keys) == 2
    assert [lake_aws.json(key)["execution"] for key in keys] == [None, None]


def test_an_unknown_table_is_refused_and_records_nothing(lake_aws, stubbed_athena, context):
    with pytest.raises(ValueError, match="not a business table"):
        handle_build_table.lambda_handler({"table": "nope"}, context("build_table"))

    assert stubbed_athena == [] and lake_aws.keys(f"{lake.RUNS}/") == []
