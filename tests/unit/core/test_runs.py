"""Run records: the typed landing and build records their writers and the production-runs sensor
share, and the keys that keep a record inside runs/."""

from __future__ import annotations

import json

import pytest

from olist_assets.core import runs
from olist_assets.core.runs import BuildRun, LandingRun, LandingStatus


def test_a_landing_run_written_and_read_back_is_the_same_record() -> None:
    run = LandingRun(
        key="lake/raw/orders/olist_orders_dataset.csv",
        status=LandingStatus.CLEANED,
        table="orders",
        rows_read=10,
        rows_clean=9,
        rows_quarantined=1,
        rows_duplicate=0,
        snapshot_id=42,
        outputs=("clean.orders@42",),
    )

    document = json.loads(json.dumps(run.to_json()))

    assert LandingRun.from_json(document) == run
    assert document["status"] == "cleaned" and "reason" not in document  # no value, no field


def test_a_record_from_an_older_or_newer_writer_keeps_the_fields_this_version_knows() -> None:
    document = {"key": "k", "status": "duplicate", "first_status": "unchanged", "refresh": {}}

    run = LandingRun.from_json(document)

    assert (run.status, run.first_status) == (LandingStatus.DUPLICATE, LandingStatus.UNCHANGED)


def test_a_writer_cannot_record_a_status_or_field_the_reader_does_not_know() -> None:
    with pytest.raises(ValueError, match="'landed'"):
        LandingRun(key="k", status="landed")
    with pytest.raises(TypeError, match="row_read"):
        LandingRun(key="k", status=LandingStatus.CLEANED, row_read=3)


def test_a_build_run_round_trips_with_its_input_snapshots() -> None:
    run = BuildRun(
        table="fact_orders", rows=3, location="s3://b/business/fact_orders", inputs={"orders": 7}
    )

    assert BuildRun.from_json(json.loads(json.dumps(run.to_json()))) == run


def test_a_landing_record_key_never_leaves_runs_landing() -> None:
    key = runs.landing_record_key("raw/../clean/orders/x.csv", "v/1")

    assert key == "runs/landing/raw/%2E%2E/clean/orders/x.csv/v_1.json"
