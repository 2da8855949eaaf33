"""The rule deciding whether a business table needs building (core/business/builds.py)."""

from __future__ import annotations

import pytest

from olist_assets.core.business import builds
from olist_assets.core.business.builds import (
    INPUTS_PROPERTY,
    VERSION_PROPERTY,
    build_is_current,
    build_properties,
    build_version,
)

INPUTS = {"clean.orders": 11, "clean.customers": 22}


def test_a_snapshot_built_from_the_current_inputs_by_the_current_version_is_current():
    summary = {"total-records": "12", **build_properties("fact_orders", INPUTS)}

    assert build_is_current("fact_orders", summary, dict(reversed(INPUTS.items())))


@pytest.mark.parametrize(
    "inputs_now",
    [
        {"clean.orders": 12, "clean.customers": 22},
        {"clean.orders": 11},
        {**INPUTS, "clean.order_items": 33},
    ],
    ids=["an input has a new snapshot", "an input is no longer read", "a new input is read"],
)
def test_a_snapshot_built_from_other_inputs_is_not_current(inputs_now):
    summary = build_properties("fact_orders", INPUTS)

    assert not build_is_current("fact_orders", summary, inputs_now)


def test_a_snapshot_that_records_no_build_is_not_current():
    assert not build_is_current("fact_orders", {}, INPUTS)
    assert not build_is_current("fact_orders", {INPUTS_PROPERTY: "{}"}, {})


def test_an_edit_to_the_sql_makes_every_earlier_build_stale(monkeypatch):
    summary = build_properties("fact_orders", INPUTS)
    edited = builds.sql_for("fact_orders") + "\nLIMIT 1"
    monkeypatch.setattr(builds, "sql_for", lambda name: edited)

    assert summary[VERSION_PROPERTY] != build_version("fact_orders")
    assert not build_is_current("fact_orders", summary, INPUTS)


def test_the_version_covers_the_documentation_that_becomes_the_tables_comments(
    monkeypatch, tmp_path
):
    before = build_version("fact_orders")
    edited = tmp_path / "fact_orders.toml"
    edited.write_bytes(builds.doc_file("fact_orders").read_bytes() + b"\n# reworded\n")
    monkeypatch.setattr(builds, "doc_file", lambda name: edited)

    assert build_version("fact_orders") != before
    assert len(before) == 16 and before != build_version("fact_order_items")
