"""Production run records (written by the real landing and build code under moto) become asset events."""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import boto3
import dagster as dg
import pytest

from olist_assets.aws.events import ObjectEvent
from olist_assets.aws.landing import Landing, land_object
from olist_assets.core import runs
from olist_assets.core.business.engine import BuildResult
from olist_assets.defs.production_runs import (
    build_events,
    build_production_runs_sensor,
    new_records,
    production_runs_enabled,
)
from olist_assets.defs.resources import LakeResource
from olist_assets.stores.iceberg.tables import open_tables

BUCKET = "olist-prod-lake"
REGION = "us-east-1"
SELLER = "3442f8959a84dea7ee197c632cb2df15,13023,campinas,SP"
SELLER_2 = "d1b65fc7debc3361ea86b5f14c68d2e2,13844,mogi guacu,SP"
SEQUENCERS = itertools.count(1)


@dataclass
class Production:
    """A lake bucket where the real landing code runs, and the sensor's state across evaluations."""

    landing: Landing
    sensor: dg.SensorDefinition
    cursor: str | None = None

    def upload(self, key: str, body: str) -> dict:
        """Put an object and run the landing Lambda's core on it, as S3 would trigger it."""
        s3 = self.landing.store.client
        put = s3.put_object(Bucket=BUCKET, Key=key, Body=body.encode())
        sequencer = f"{next(SEQUENCERS):018X}"
        event = ObjectEvent(
            BUCKET, key, put["ETag"].strip('"'), put.get("VersionId"), sequencer, len(body), None
        )
        return land_object(self.landing, event)

    def delete(self, key: str) -> dict:
        """Delete an object and run the landing Lambda's core on its removal event."""
        self.landing.store.client.delete_object(Bucket=BUCKET, Key=key)
        sequencer = f"{next(SEQUENCERS):018X}"
        event = ObjectEvent(BUCKET, key, "", None, sequencer, None, None, removed=True)
        return land_object(self.landing, event)

    def evaluate(self) -> list[dg.AssetMaterialization | dg.AssetObservation]:
        context = dg.build_sensor_context(
            cursor=self.cursor, resources={"lake": LakeResource(url=f"s3://{BUCKET}/")}
        )
        result = self.sensor(context)
        self.cursor = result.cursor
        return list(result.asset_events or [])


@pytest.fixture
def production(moto_server: str) -> Iterator[Production]:
    """The lake bucket on a moto server (pyiceberg reaches S3 with its own client), its tables in
    moto's Glue catalog."""
    session = boto3.Session(region_name=REGION)
    session.client("s3").create_bucket(Bucket=BUCKET)
    tables = open_tables(f"s3://{BUCKET}/", os.environ, session=session)
    landing = Landing(store=tables.store, tables=tables, code_version="test-1")
    yield Production(landing, build_production_runs_sensor(enabled=False))


def _by_key(events) -> dict[str, dg.AssetMaterialization | dg.AssetObservation]:
    return {f"{type(e).__name__}:{e.asset_key.to_user_string()}": e for e in events}


def _value(event, name: str):
    return event.metadata[name].value


def test_a_cleaned_file_is_reported_as_raw_and_clean_materializations(
    production: Production, olist_csv: Callable[..., str]
) -> None:
    record = production.upload(
        "raw/sellers/olist_sellers_dataset.csv", olist_csv("sellers", SELLER)
    )

    events = _by_key(production.evaluate())

    assert record["status"] == "cleaned"
    assert set(events) == {"AssetMaterialization:raw/sellers", "AssetMaterialization:clean/sellers"}
    clean = events["AssetMaterialization:clean/sellers"]
    assert _value(clean, "rows_read") == 1
    assert _value(clean, "rows_clean") == 1
    assert _value(clean, "rows_quarantined") == 0
    assert _value(clean, "dagster/row_count") == 1
    assert _value(clean, "duration_seconds") == record["duration_s"]
    assert _value(clean, "source_key") == f"s3://{BUCKET}/raw/sellers/olist_sellers_dataset.csv"
    assert _value(clean, "code_version") == "test-1"
    assert _value(clean, "run_record").startswith(f"s3://{BUCKET}/{runs.LANDING}/")


def test_a_business_build_record_is_reported_as_a_business_materialization(
    production: Production, olist_csv
) -> None:
    production.upload("raw/sellers/olist_sellers_dataset.csv", olist_csv("sellers", SELLER))
    location = f"s3://{BUCKET}/business/fact_orders/run=20261125t170000_abcd1234/"
    record_key = runs.record_business_build(
        production.landing.store,
        BuildResult("fact_orders", 99441, location, 7.25),
        execution="refresh-20261125T1700",
        code_version="test-1",
        finished_at=datetime(2026, 11, 25, 17, 0, 7, tzinfo=UTC),
    )

    events = _by_key(production.evaluate())
    again = production.evaluate()

    assert set(events) == {
        "AssetMaterialization:raw/sellers",
        "AssetMaterialization:clean/sellers",
        "AssetMaterialization:business/fact_orders",
    }
    built = events["AssetMaterialization:business/fact_orders"]
    assert _value(built, "dagster/row_count") == 99441
    assert _value(built, "build_seconds") == 7.25
    assert _value(built, "rebuilt") is True
    assert built.description == "built in production by execution refresh-20261125T1700"
    assert _value(built, "location") == location
    assert _value(built, "execution") == "refresh-20261125T1700"
    assert _value(built, "code_version") == "test-1"
    assert _value(built, "run_record") == f"s3://{BUCKET}/{record_key}"
    assert again == []


def test_quarantined_rows_are_reported(production: Production, olist_csv) -> None:
    body = olist_csv("sellers", SELLER, "not-an-id,13023,campinas,SP")
    production.upload("raw/sellers/olist_sellers_dataset.csv", body)

    clean = _by_key(production.evaluate())["AssetMaterialization:clean/sellers"]

    assert (_value(clean, "rows_read"), _value(clean, "rows_quarantined")) == (2, 1)


def test_records_are_reported_once_and_later_ones_on_the_next_evaluation(
    production: Production, olist_csv
) -> None:
    production.upload("raw/sellers/olist_sellers_dataset_2018-10.csv", olist_csv("sellers", SELLER))
    first = production.evaluate()
    again = production.evaluate()
    # a key that sorts before the one already reported: a last-key cursor would skip it
    production.upload(
        "raw/sellers/olist_sellers_dataset_2018-01.csv", olist_csv("sellers", SELLER_2)
    )
    later = production.evaluate()

    assert len(first) == 2
    assert again == []
    assert [_value(e, "source_key").rsplit("/", 1)[1] for e in later] == [
        "olist_sellers_dataset_2018-01.csv"
    ] * 2


def test_a_rejected_file_is_an_observation_with_its_reason(production: Production) -> None:
    record = production.upload("raw/sellers/olist_sellers_dataset.csv", '"wrong","header"\n1,2\n')

    (event,) = production.evaluate()

    assert record["status"] == "rejected"
    assert isinstance(event, dg.AssetObservation)
    assert event.asset_key == dg.AssetKey(["clean", "sellers"])
    assert _value(event, "status") == "rejected"
    assert _value(event, "reason") == record["reason"]


def test_a_removed_batch_is_reported_as_a_clean_materialization(
    production: Production, olist_csv: Callable[..., str]
) -> None:
    base, drop = (
        "raw/sellers/olist_sellers_dataset.csv",
        "raw/sellers/olist_sellers_dataset_2018-09.csv",
    )
    production.upload(base, olist_csv("sellers", SELLER))
    production.upload(drop, olist_csv("sellers", SELLER_2))
    production.evaluate()

    record = production.delete(drop)
    (event,) = production.evaluate()

    assert record["status"] == "removed"
    assert isinstance(event, dg.AssetMaterialization)
    assert event.asset_key == dg.AssetKey(["clean", "sellers"])
    assert _value(event, "dagster/row_count") == 1
    assert _value(event, "snapshot_id") == str(record["snapshot_id"])
    assert _value(event, "source_key") == f"s3://{BUCKET}/{drop}"


def test_an_unknown_file_produces_no_event(production: Production) -> None:
    record = production.upload("raw/notes.csv", "a\n")

    assert record["status"] == "rejected"
    assert production.evaluate() == []


def test_a_record_this_version_cannot_read_is_skipped_and_the_others_still_reported(
    production: Production, olist_csv
) -> None:
    newer = {"key": "raw/x.csv", "status": "archived", "table": "sellers"}
    production.landing.store.write_bytes(
        "runs/landing/raw/x.csv/v9.json", json.dumps(newer).encode()
    )
    production.upload("raw/sellers/olist_sellers_dataset.csv", olist_csv("sellers", SELLER))

    events = _by_key(production.evaluate())

    assert set(events) == {"AssetMaterialization:raw/sellers", "AssetMaterialization:clean/sellers"}


def test_the_cursor_forgets_records_older_than_the_lookback(production: Production, olist_csv):
    production.upload("raw/sellers/olist_sellers_dataset.csv", olist_csv("sellers", SELLER))
    store = production.landing.store

    cursor, fresh = new_records(store, {})
    stale = {"watermark": "2999-01-01T00:00:00+00:00", "recent": cursor["recent"]}
    pruned, none = new_records(store, stale)

    assert len(fresh) == 1 and list(cursor["recent"]) == [fresh[0].key]
    assert none == [] and pruned["recent"] == {}


@pytest.mark.parametrize(
    ("value", "enabled"), [("1", True), ("true", True), ("YES", True), ("0", False), ("", False)]
)
def test_the_sensor_runs_from_the_start_only_when_enabled(value: str, enabled: bool) -> None:
    status = build_production_runs_sensor(production_runs_enabled({"OLIST_PRODUCTION_RUNS": value}))

    expected = dg.DefaultSensorStatus.RUNNING if enabled else dg.DefaultSensorStatus.STOPPED
    assert status.default_status == expected


def test_a_build_that_found_its_table_current_is_reported_as_unchanged() -> None:
    run = runs.BuildRun("fact_orders", 12, "s3://lake/business/fact_orders", 4, rebuilt=False)

    [event] = build_events(run, "s3://lake/runs/business/fact_orders/x.json")

    assert event.description.startswith("unchanged in production execution (none)")
    assert event.metadata["rebuilt"].value is False
