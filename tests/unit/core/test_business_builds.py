"""The rule deciding whether a business table needs building (core/business/builds.py)."""

from __future__ import annotations

import json

import pytest

from olist_assets.core.business import builds
from olist_assets.core.business.builds import (
    CONTENT_OF_PROPERTY,
    CONTENTS_PROPERTY,
    INPUTS_PROPERTY,
    VERSION_PROPERTY,
    build_is_current,
    build_properties,
    build_version,
    content_of,
)

INPUTS = {"clean.orders": 11, "clean.customers": 22}
CONTENTS = {"clean.orders": "11", "clean.customers": "7"}


def test_a_snapshot_built_from_the_contents_held_now_by_the_current_version_is_current():
    summary = {"total-records": "12", **build_properties("fact_orders", INPUTS, CONTENTS)}

    assert build_is_current("fact_orders", summary, dict(reversed(CONTENTS.items())))
    assert json.loads(summary[INPUTS_PROPERTY]) == INPUTS


@pytest.mark.parametrize(
    "contents_now",
    [
        {"clean.orders": "12", "clean.customers": "7"},
        {"clean.orders": "11"},
        {**CONTENTS, "clean.order_items": "33"},
    ],
    ids=["an input holds other rows", "an input is no longer read", "a new input is read"],
)
def test_a_snapshot_built_from_other_contents_is_not_current(contents_now):
    summary = build_properties("fact_orders", INPUTS, CONTENTS)

    assert not build_is_current("fact_orders", summary, contents_now)


def test_a_snapshot_that_records_no_build_is_not_current():
    assert not build_is_current("fact_orders", {}, CONTENTS)
    assert not build_is_current("fact_orders", {CONTENTS_PROPERTY: "{}"}, {})


def test_a_compaction_holds_the_content_of_the_snapshot_it_compacted():
    assert content_of(22, {}) == "22"
    assert content_of(23, {CONTENT_OF_PROPERTY: "7", "olist.operation": "compact"}) == "7"


def test_an_edit_to_the_sql_makes_every_earlier_build_stale(monkeypatch):
    summary = build_properties("fact_orders", INPUTS, CONTENTS)
    edited = builds.sql_for("fact_orders") + "\nLIMIT 1"
    monkeypatch.setattr(builds, "sql_for", lambda name: edited)

    assert summary[VERSION_PROPERTY] != build_version("fact_orders")
    assert not build_is_current("fact_orders", summary, CONTENTS)


def test_the_version_covers_the_documentation_that_becomes_the_tables_comments(
    monkeypatch, tmp_path
):
    before = build_version("fact_orders")
    edited = tmp_path / "fact_orders.toml"
    edited.write_bytes(builds.doc_file("fact_orders").read_bytes() + b"\n# reworded\n")
    monkeypatch.setattr(builds, "doc_file", lambda name: edited)

    assert build_version("fact_orders") != before
    assert len(before) == 16 and before != build_version("fact_order_items")
