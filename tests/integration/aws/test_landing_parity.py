"""One table of keys through the three callers of the resolver: the local landing (the raw assets),
the Dagster landing sensor (watching an S3 landing prefix) and the landing Lambda (under moto, keys
URL-encoded in the events as S3 encodes them). Every caller gives every key the same answer."""

from __future__ import annotations

import logging
import os
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest

from lambda_adapters import handle_landing
from olist_assets.definitions import build_definitions
from olist_assets.defs import landing_sensor
from olist_assets.defs.raw import raw_assets
from olist_assets.defs.resources import LakeResource, LandingResource

pytestmark = pytest.mark.integration

ORDERS, PAYMENTS = "olist_orders_dataset.csv", "olist_order_payments_dataset.csv"
REVIEWS = "olist_order_reviews_dataset.csv"
NFD, NFC = unicodedata.normalize("NFD", "março"), unicodedata.normalize("NFC", "março")
BAD_HEADER = '"review_id","order_id","score"\n'
BAD_DROP = "olist_order_reviews_dataset_2018-09.csv"
LANDING_BUCKET, LANDING_PREFIX = "landing-bucket", "drops"

# key (relative to the landing folder, or to raw/), the file its content comes from (None: empty
# body, "bad": a reviews header the contract refuses), the answer, and whether a local folder can
# hold the key at all. Later arrivals of a colliding pair also sort later by key, so the order is
# the same whatever the resolution of the backends' modification times.
CASES = [
    (ORDERS, ORDERS, ("batch", "orders", "")),
    (
        f"zz_backup/{ORDERS}",
        ORDERS,
        (
            "rejected",
            "orders",
            f"a second undated orders file: {ORDERS!r} already is the table's file; the later "
            "arrival is refused: remove one of the two",
        ),
    ),
    (f"2018-09/{PAYMENTS}", PAYMENTS, ("batch", "order_payments", "")),
    (f"2018-10/{PAYMENTS}", PAYMENTS, ("batch", "order_payments", "")),
    (
        "olist_order_payments_dataset_2018-09.csv",
        PAYMENTS,
        (
            "rejected",
            "order_payments",
            f"a second order_payments drop for 2018-09: '2018-09/{PAYMENTS}' already is that "
            "drop; the later arrival is refused: remove one of the two",
        ),
    ),
    ("drops 2018/olist_customers_dataset.csv", "olist_customers_dataset.csv", ("batch", "customers", "")),
    ("a+b/olist_sellers_dataset.csv", "olist_sellers_dataset.csv", ("batch", "sellers", "")),
    (f"{NFD}/olist_products_dataset.csv", "olist_products_dataset.csv", ("batch", "products", "")),
    (
        f"{NFC}/olist_products_dataset.csv",
        "olist_products_dataset.csv",
        (
            "rejected",
            "products",
            f"the same batch as '{NFD}/olist_products_dataset.csv' once Unicode-normalized (NFC); "
            "the later arrival is refused: remove one of the two",
        ),
    ),
    (REVIEWS, REVIEWS, ("batch", "order_reviews", "")),
    (
        BAD_DROP,
        "bad",
        (
            "rejected",
            "order_reviews",
            "line 1, column 3: header does not match the contract: missing columns "
            "['review_score', 'review_comment_title', 'review_comment_message', "
            "'review_creation_date', 'review_answer_timestamp']; unexpected columns ['score']",
        ),
    ),
    (
        "olist_sellers_dataset.CSV",
        "olist_sellers_dataset.csv",
        (
            "rejected",
            "sellers",
            "differs from a file name of the sellers table only in letter case: rename it to "
            "'olist_sellers_dataset.csv'",
        ),
    ),
    (
        "olist_orders_dataset - Copy.csv",
        ORDERS,
        (
            "rejected",
            "orders",
            "'olist_orders_dataset - Copy.csv' is not a file name of the orders table: expected "
            "olist_orders_dataset.csv, olist_orders_dataset_YYYY-MM[-DD].csv or "
            "olist_orders_dataset-YYYY-MM[-DD].csv",
        ),
    ),
    ("notes.txt", ORDERS, ("rejected", None, "'notes.txt' matches no table: expected one of")),
    (".DS_Store", ORDERS, ("ignored", None, "hidden ('.DS_Store' starts with a dot)")),
    (f"__MACOSX/{ORDERS}", ORDERS, ("ignored", None, "macOS archive metadata (a __MACOSX folder)")),
    (
        f".ipynb_checkpoints/{ORDERS}",
        ORDERS,
        ("ignored", None, "hidden ('.ipynb_checkpoints' starts with a dot)"),
    ),
]  # fmt: skip
S3_ONLY = [  # keys only an object store can hold
    ("2018-11/", None, ("ignored", None, "a folder marker (the key ends with '/'), not a file")),
    (
        f"x/../{ORDERS}",
        ORDERS,
        ("rejected", None, "not a plain relative path (an empty, '.' or '..' segment)"),
    ),
]


def body(source: str | None, dataset: dict[str, str]) -> bytes:
    if source is None:
        return b""
    return (BAD_HEADER if source == "bad" else dataset[source]).encode()


def cut(reason: str) -> str:
    """A reason without the long list of every table's file name, for readable comparisons."""
    return reason.split(" olist_customers_dataset.csv")[0]


def summary(answers: dict[str, tuple]) -> dict[str, tuple]:
    return {key: (verdict, table, cut(reason)) for key, (verdict, table, reason) in answers.items()}


def expected(cases) -> dict[str, tuple]:
    return summary({key: answer for key, _, answer in cases})


def local_answers(landing: Path, lake: Path) -> dict[str, tuple]:
    """Materialize every raw asset on a local folder; answers from the assets' metadata."""
    result = dg.materialize(
        raw_assets,
        resources={
            "lake": LakeResource(url=str(lake)),
            "landing": LandingResource(url=str(landing)),
        },
        raise_on_error=False,
    )
    answers = {}
    for event in result.get_asset_materialization_events():
        metadata = {k: v.value for k, v in event.materialization.metadata.items()}
        table = event.materialization.asset_key.path[-1]
        for row in metadata["batches"].records:
            if row.data["state"] != "refused":
                answers[row.data["batch"]] = ("batch", table, "")
        for refused in metadata["rejected_files"] + metadata["unmatched_files"]:
            answers[refused["key"]] = ("rejected", refused["table"], refused["reason"])
        for ignored in metadata["ignored_files"]:
            answers[ignored["key"]] = ("ignored", None, ignored["note"])
    return answers


class Logged(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def sensor_answers(lake: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple]:
    """Evaluate the landing sensor on an S3 landing prefix; answers from its request and its log."""
    monkeypatch.setattr(landing_sensor, "SETTLE_SECONDS", 0)
    url = f"s3://{LANDING_BUCKET}/{LANDING_PREFIX}"
    definitions = build_definitions(str(lake), url)
    context = dg.build_sensor_context(
        definitions=definitions,
        resources={"landing": LandingResource(url=url), "lake": LakeResource(url=str(lake))},
    )
    logged = Logged()
    context.log.addHandler(logged)
    result = landing_sensor.landing_sensor(context)
    answers = {}
    for message in logged.messages:
        verdict, _, rest = message.partition(f" {url}/")
        key, _, detail = rest.partition(": ")
        verdicts = {"landing": "batch", "refusing": "rejected", "ignoring": "ignored"}
        answers[key] = (verdicts[verdict], "" if verdict == "landing" else detail)
    (request,) = result.run_requests
    requested = sorted(k.path[-1] for k in request.asset_selection if k.path[0] == "raw")
    return answers, requested


def lambda_answers(lake_aws, keys: list[str], context) -> dict[str, tuple]:
    """Land each object under raw/ through the Lambda handler; answers from the run records."""
    answers = {}
    for key in keys:
        event = lake_aws.event(f"raw/{key}")
        (record,) = handle_landing.lambda_handler(event, context())["objects"]
        if record["status"] in ("cleaned", "unchanged"):
            answers[key] = ("batch", record["table"], "")
        else:
            answers[key] = (record["status"], record.get("table"), record["reason"])
    return answers


def test_local_landing_sensor_and_lambda_give_every_key_the_same_answer(
    lake_aws, dataset, context, tmp_path, monkeypatch
) -> None:
    # Given the same files, arriving in the same order, in a local landing folder, in an S3
    # landing prefix watched by the sensor, and under the lake's raw/ prefix on S3
    landing = tmp_path / "landing"
    lake_aws.s3.create_bucket(Bucket=LANDING_BUCKET)
    start = datetime(2024, 5, 1, tzinfo=UTC).timestamp()
    for minute, (key, source, _) in enumerate(CASES):
        path = landing / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body(source, dataset))
        os.utime(path, (start + 60 * minute, start + 60 * minute))
    for key, source, _ in CASES + S3_ONLY:
        lake_aws.s3.put_object(
            Bucket=LANDING_BUCKET, Key=f"{LANDING_PREFIX}/{key}", Body=body(source, dataset)
        )
        lake_aws.put(f"raw/{key}", body(source, dataset))

    # When each caller resolves them
    local = local_answers(landing, tmp_path / "lake")
    sensor, requested = sensor_answers(tmp_path / "sensor_lake", monkeypatch)
    remote = lambda_answers(lake_aws, [key for key, _, _ in CASES + S3_ONLY], context)

    # Then they agree with the table and with each other, key for key
    assert summary(local) == expected(CASES)
    assert summary(remote) == expected(CASES + S3_ONLY)
    # (the sensor requests a run for a batch: its content is checked when the raw asset lands it)
    for_sensor = {
        key: (verdict, reason) for key, (verdict, _, reason) in expected(CASES + S3_ONLY).items()
    }
    for_sensor[BAD_DROP] = ("batch", "")
    assert {key: (verdict, cut(reason)) for key, (verdict, reason) in sensor.items()} == for_sensor
    assert requested == [
        "customers",
        "order_payments",
        "order_reviews",
        "orders",
        "products",
        "sellers",
    ]
