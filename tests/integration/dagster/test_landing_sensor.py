"""The landing sensor requests each new or changed file's raw asset, and what depends on it, exactly
once, local or on S3, in a named job."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import dagster as dg
import pytest
from moto import mock_aws

from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.landing import land_table
from olist_assets.definitions import build_definitions
from olist_assets.defs.landing_sensor import SETTLE_SECONDS, changed_files, landing_sensor
from olist_assets.stores.local import LocalStore
from tests.support.stores import UnreadableStore

ORDERS = "olist_orders_dataset.csv"
SELLERS = "olist_sellers_dataset.csv"
PAYMENTS = "olist_order_payments_dataset.csv"
CUSTOMERS = "olist_customers_dataset.csv"
SELLER = '"3442f8959a84dea7ee197c632cb2df15","13023",campinas,SP'
CUSTOMER = '"06b8999e2fba1a1fbc88172c00ba8bc7","861eff4711a542e4b93843c6dd7febb0","14409",franca,SP'
LATER = datetime.now(tz=UTC) + timedelta(hours=1)


class Landing:
    """A landing folder and the sensor's state over successive evaluations."""

    def __init__(self, url: str, put, lake: Path) -> None:
        self.url = url
        self.put = put
        self.lake = lake
        self.cursor: str | None = None
        self.logged: list[tuple[str, str]] = []

    def evaluate(self) -> list[dg.RunRequest]:
        definitions = build_definitions(str(self.lake), self.url)
        context = dg.build_sensor_context(
            cursor=self.cursor,
            definitions=definitions,
            resources={
                "landing": definitions.resources["landing"],
                "lake": definitions.resources["lake"],
            },
        )
        context.log.addHandler(_Collect(self.logged))
        result = landing_sensor(context)
        self.cursor = result.cursor
        return list(result.run_requests or [])


class _Collect(logging.Handler):
    """Keeps (level, message) of each record the sensor logs."""

    def __init__(self, into: list[tuple[str, str]]) -> None:
        super().__init__()
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append((record.levelname, record.getMessage()))


def _settled(path: Path) -> None:
    """Age a file past the settle period, as if it was written a while ago."""
    old = time.time() - SETTLE_SECONDS - 5
    os.utime(path, (old, old))


@pytest.fixture
def local(tmp_path: Path) -> Landing:
    folder = tmp_path / "landing"
    folder.mkdir()
    counter = iter(range(1, 10_000))

    def put(name: str, body: str) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
        # a distinct, settled mtime per write, like files arriving over time
        stamp = time.time() - SETTLE_SECONDS - 100 + next(counter)
        os.utime(path, (stamp, stamp))

    return Landing(str(folder), put, tmp_path / "lake")


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Landing]:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="landing-bucket")

        def put(name: str, body: str) -> None:
            client.put_object(Bucket="landing-bucket", Key=f"drops/{name}", Body=body.encode())

        landing = Landing("s3://landing-bucket/drops", put, tmp_path / "lake")
        yield landing


def _tables(requests: list[dg.RunRequest]) -> list[str]:
    """The raw assets the requests land."""
    return [
        key.to_user_string() for r in requests for key in r.asset_selection if key.path[0] == "raw"
    ]


def test_a_landed_file_runs_the_named_landing_job_over_its_raw_asset_and_everything_downstream(
    local: Landing,
) -> None:
    local.put(SELLERS, "a\n")

    (request,) = local.evaluate()

    selected = {key.to_user_string() for key in request.asset_selection}
    assert landing_sensor.job_name == "landing_refresh"
    assert request.tags["olist/trigger"] == "landing"
    assert {"raw/sellers", "clean/sellers", "business/seller_scorecard", "report/olist_report"} <= (
        selected
    )
    assert not {"raw/orders", "clean/orders", "business/fact_orders"} & selected


def test_a_new_file_requests_its_raw_asset_once(local: Landing) -> None:
    local.put(ORDERS, "a,b\n1,2\n")

    first = local.evaluate()
    second = local.evaluate()

    assert _tables(first) == ["raw/orders"]
    assert first[0].tags["olist/files"] == ORDERS
    assert second == []


def test_changed_content_is_requested_again_but_a_touch_is_not(local: Landing) -> None:
    local.put(ORDERS, "a,b\n1,2\n")
    local.evaluate()

    local.put(ORDERS, "a,b\n1,2\n")  # same bytes, new mtime
    touched = local.evaluate()
    local.put(ORDERS, "a,b\n1,3\n")
    modified = local.evaluate()

    assert touched == []
    assert _tables(modified) == ["raw/orders"]


def test_reverting_to_earlier_content_runs_again_with_a_new_run_key(local: Landing) -> None:
    local.put(ORDERS, "v1\n")
    first = local.evaluate()
    local.put(ORDERS, "v2\n")
    local.evaluate()
    local.put(ORDERS, "v1\n")
    reverted = local.evaluate()

    assert _tables(reverted) == ["raw/orders"]
    assert reverted[0].run_key != first[0].run_key


def test_a_file_named_before_the_last_one_seen_is_not_skipped(local: Landing) -> None:
    local.put("olist_orders_dataset_2018-09.csv", "x\n")
    local.evaluate()

    local.put("olist_customers_dataset.csv", "y\n")  # sorts before the file already seen
    requests = local.evaluate()

    assert _tables(requests) == ["raw/customers"]


def test_a_burst_of_files_is_one_run_of_their_tables(local: Landing) -> None:
    local.put(ORDERS, "a\n")
    local.put("olist_orders_dataset_2018-10.csv", "b\n")
    local.put(SELLERS, "c\n")

    (request,) = local.evaluate()

    assert _tables([request]) == ["raw/orders", "raw/sellers"]
    assert request.tags["olist/files"] == (f"{ORDERS}, olist_orders_dataset_2018-10.csv, {SELLERS}")


def test_unknown_files_request_nothing_and_are_logged_with_the_reason(local: Landing) -> None:
    local.put("notes.txt", "hello\n")
    local.put("olist_orders_dataset.CSV", "a\n")
    local.put(".DS_Store", "mac\n")

    assert local.evaluate() == []
    warnings = [message for level, message in local.logged if level == "WARNING"]
    assert sorted(warnings) == [
        f"refusing {local.url}/notes.txt: 'notes.txt' matches no table: expected one of "
        + ", ".join(contract.file_name for contract in CONTRACTS.values())
        + " (or a dated drop <name>_YYYY-MM[-DD].csv)",
        f"refusing {local.url}/olist_orders_dataset.CSV: differs from a file name of the orders "
        "table only in letter case: rename it to 'olist_orders_dataset.csv'",
    ]
    assert ("INFO", f"ignoring {local.url}/.DS_Store: hidden ('.DS_Store' starts with a dot)") in (
        local.logged
    )


def test_same_named_files_in_subfolders_are_requested_and_a_colliding_copy_is_not(
    local: Landing, tmp_path: Path
) -> None:
    (tmp_path / "lake" / "raw").mkdir(parents=True)
    (tmp_path / "lake" / "raw" / ORDERS).write_text("landed before\n")
    local.put(f"2018-09/{PAYMENTS}", "a\n")
    local.put(f"2018-10/{PAYMENTS}", "b\n")
    local.put(f"zz_backup/{ORDERS}", "stale\n")

    (request,) = local.evaluate()

    assert _tables([request]) == ["raw/order_payments"]
    assert request.tags["olist/files"] == f"2018-09/{PAYMENTS}, 2018-10/{PAYMENTS}"
    (warning,) = [message for level, message in local.logged if level == "WARNING"]
    assert warning == (
        f"refusing {local.url}/zz_backup/{ORDERS}: a second undated orders file: {ORDERS!r} "
        "already is the table's file; the later arrival is refused: remove one of the two"
    )


def test_a_removed_file_put_back_is_landed_again(local: Landing, tmp_path: Path) -> None:
    local.put(SELLERS, "a\n")
    local.evaluate()
    (tmp_path / "landing" / SELLERS).unlink()
    assert local.evaluate() == []
    assert json.loads(local.cursor) == {}

    local.put(SELLERS, "a\n")

    assert _tables(local.evaluate()) == ["raw/sellers"]


def test_a_file_just_written_is_waited_for_within_the_evaluation_then_landed(
    tmp_path: Path,
) -> None:
    store, lake = LocalStore(tmp_path / "landing"), LocalStore(tmp_path / "lake")
    store.write_bytes(ORDERS, b"whole")
    waits: list[float] = []

    seen, ready = changed_files(store, lake, {}, datetime.now(tz=UTC), sleep=waits.append)

    assert len(waits) == 1 and 0 < waits[0] <= SETTLE_SECONDS
    assert [info.key for info in ready] == [ORDERS]
    assert list(seen) == [ORDERS]


def test_a_file_still_being_written_waits_for_the_next_evaluation(tmp_path: Path) -> None:
    store, lake = LocalStore(tmp_path / "landing"), LocalStore(tmp_path / "lake")
    path = tmp_path / "landing" / ORDERS
    path.parent.mkdir()
    path.write_text("partial")

    def writer_still_writing(_seconds: float) -> None:
        with path.open("a") as stream:
            stream.write(" and more")

    waiting, deferred = changed_files(
        store, lake, {}, datetime.now(tz=UTC), sleep=writer_still_writing
    )
    _settled(path)
    seen, ready = changed_files(store, lake, waiting, datetime.now(tz=UTC), sleep=pytest.fail)

    assert (waiting, deferred) == ({}, [])
    assert [info.key for info in ready] == [ORDERS]
    assert list(seen) == [ORDERS]


def _land(landing: Landing, *tables: str) -> None:
    """Land the tables as a run's raw assets do (a command-line run, or an earlier sensor's)."""
    for table in tables:
        land_table(LocalStore(landing.url), LocalStore(landing.lake), table)


def test_files_a_run_landed_are_not_requested_by_a_sensor_with_no_cursor(
    local: Landing, olist_csv
) -> None:
    local.put(SELLERS, olist_csv("sellers", SELLER))
    local.put(CUSTOMERS, olist_csv("customers", CUSTOMER))
    _land(local, "sellers", "customers")

    assert local.cursor is None
    assert local.evaluate() == []
    local.put(CUSTOMERS, olist_csv("customers", CUSTOMER.replace("SP", "RJ")))
    assert _tables(local.evaluate()) == ["raw/customers"]


def test_a_sensor_with_no_cursor_reads_no_file_the_landing_record_vouches_for(
    local: Landing, olist_csv
) -> None:
    local.put(SELLERS, olist_csv("sellers", SELLER))
    _land(local, "sellers")

    _, changed = changed_files(
        UnreadableStore(local.url), LocalStore(local.lake), {}, LATER, sleep=pytest.fail
    )

    assert changed == []


def test_a_file_touched_after_a_run_landed_it_is_hashed_and_not_requested(
    local: Landing, olist_csv
) -> None:
    local.put(SELLERS, olist_csv("sellers", SELLER))
    _land(local, "sellers")
    local.put(SELLERS, olist_csv("sellers", SELLER))  # same bytes, new mtime

    assert local.evaluate() == []
    local.put(SELLERS, olist_csv("sellers", SELLER, SELLER.replace("13023", "13024")))
    assert _tables(local.evaluate()) == ["raw/sellers"]


def test_a_content_the_landing_refused_is_not_requested_again_until_it_changes(
    local: Landing, olist_csv
) -> None:
    local.put(SELLERS, "not,the,header\n1,2,3\n")
    _land(local, "sellers")

    assert local.evaluate() == []
    local.put(SELLERS, olist_csv("sellers", SELLER))
    assert _tables(local.evaluate()) == ["raw/sellers"]


def test_the_cursor_maps_each_file_to_its_etag_and_content_hash(local: Landing) -> None:
    local.put(ORDERS, "a,b\n1,2\n")
    local.evaluate()

    etag = LocalStore(local.url).info(ORDERS).etag

    assert json.loads(local.cursor) == {ORDERS: [etag, hashlib.sha256(b"a,b\n1,2\n").hexdigest()]}


def test_s3_landing_prefix_is_watched_the_same_way(s3: Landing) -> None:
    s3.put(ORDERS, "a,b\n1,2\n")
    s3.put(SELLERS, "c\n")

    # S3 objects appear whole, but the settle rule uses their last-modified time too: the
    # evaluation waits for it
    first = s3.evaluate()
    again = s3.evaluate()
    s3.put(ORDERS, "a,b\n1,3\n")
    changed = s3.evaluate()

    assert _tables(first) == ["raw/orders", "raw/sellers"]
    assert len(first) == 1
    assert again == []
    assert _tables(changed) == ["raw/orders"]
