"""The landing function fed by the queue: SQS batches, partial batch failures, delivery screening by
version id or sequencer, and the quarantine-rate metric, on moto."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from test_landing import SELLER_A, SELLER_B, SELLERS_KEY, clean_sellers, sellers_csv

from lambda_adapters import handle_landing
from olist_assets.aws import landing
from olist_assets.stores.locations import open_store

pytestmark = pytest.mark.integration

SELLER_C = '"9b0bd4f5a0e1f6f4cfb2bf6f1a2e4d11","04547",sao paulo,SP'
DROP = "raw/sellers/olist_sellers_dataset_2018-09.csv"


def landing_records(lake) -> dict[str, dict]:
    return {key: lake.json(key) for key in lake.keys("runs/landing/")}


def statuses(lake) -> list[str]:
    return sorted(record["status"] for record in landing_records(lake).values())


def ten_files(dataset: dict[str, str]) -> dict[str, str]:
    """The nine files of a full load under raw/ and a dated sellers drop: ten deliveries."""
    files = {f"raw/{name}": text for name, text in dataset.items()}
    return files | {DROP: sellers_csv(SELLER_C)}


def test_one_record_whose_landing_raised_among_ten_is_the_only_batch_item_failure(
    lake_aws, dataset, context, monkeypatch
) -> None:
    # Given ten files in one SQS batch, and Glue throttling the reviews table's commit
    files = ten_files(dataset)
    for key, text in files.items():
        lake_aws.put(key, text)
    batch = lake_aws.sqs_batch(*(lake_aws.event(key) for key in files))
    reviews = next(r["messageId"] for r in batch["Records"] if "order_reviews" in r["body"])
    refresh = landing.refresh_table

    def throttled(store, tables, contract, **options):
        if contract.name == "order_reviews":
            raise ClientError({"Error": {"Code": "ThrottlingException"}}, "UpdateTable")
        return refresh(store, tables, contract, **options)

    monkeypatch.setattr(landing, "refresh_table", throttled)

    # When the landing function handles the batch
    response = handle_landing.lambda_handler(batch, context())

    # Then only the reviews message returns to the queue; the nine others are landed
    assert response == {"batchItemFailures": [{"itemIdentifier": reviews}]}
    assert statuses(lake_aws) == ["cleaned"] * 9

    # And once Glue recovers, the message's retry lands it
    monkeypatch.setattr(landing, "refresh_table", refresh)
    retry = {"Records": [r for r in batch["Records"] if r["messageId"] == reviews]}
    assert handle_landing.lambda_handler(retry, context()) == {"batchItemFailures": []}
    assert len(statuses(lake_aws)) == 10 and "rejected" not in statuses(lake_aws)


def test_a_permanently_bad_file_among_ten_is_recorded_rejected_not_retried(
    lake_aws, dataset, context
) -> None:
    files = ten_files(dataset) | {DROP: '"seller_id","zip","seller_city","seller_state"\n'}
    for key, text in files.items():
        lake_aws.put(key, text)
    batch = lake_aws.sqs_batch(*(lake_aws.event(key) for key in files))

    response = handle_landing.lambda_handler(batch, context())

    assert response == {"batchItemFailures": []}
    assert statuses(lake_aws) == ["cleaned"] * 9 + ["rejected"]
    (failure,) = lake_aws.keys("runs/failures/landing/")
    assert lake_aws.json(failure)["key"] == DROP


def test_a_message_that_is_no_s3_event_is_retried_and_the_s3_test_message_is_consumed(
    lake_aws, context
) -> None:
    test_message = {"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": lake_aws.bucket}
    batch = lake_aws.sqs_batch(test_message, {"detail-type": "Scheduled Event"})
    batch["Records"].append({**batch["Records"][0], "messageId": "m02", "body": "not json"})

    response = handle_landing.lambda_handler(batch, context())

    assert response == {"batchItemFailures": [{"itemIdentifier": "m01"}, {"itemIdentifier": "m02"}]}
    assert lake_aws.keys("runs/") == []


def test_uploading_a_then_b_then_a_to_one_key_lands_all_three_and_ends_with_a(
    lake_any, context
) -> None:
    # Given A, B, then A's bytes again uploaded to one key, each event delivered as it happens
    events, outcomes = [], []
    for rows in ([SELLER_A], [SELLER_A, SELLER_B], [SELLER_A]):
        lake_any.put(SELLERS_KEY, sellers_csv(*rows))
        events.append(lake_any.event(SELLERS_KEY))
        outcomes += handle_landing.lambda_handler(events[-1], context())["objects"]
    etags = [event["Records"][0]["s3"]["object"]["eTag"] for event in events]
    assert etags[0] == etags[2] != etags[1]

    # When the third and the first events are delivered again
    repeats = [handle_landing.lambda_handler(events[i], context())["objects"][0] for i in (2, 0)]

    # Then all three uploads were landed (the third is not taken for its ETag twin), the table
    # holds A, and only the true re-deliveries are duplicates
    assert [o["status"] for o in outcomes] == ["cleaned", "cleaned", "cleaned"]
    assert clean_sellers(lake_any) == [SELLER_A[1:33]]
    assert [r["status"] for r in repeats] == ["duplicate", "duplicate"]
    assert len(landing_records(lake_any)) == 3


def test_the_latest_upload_wins_when_its_event_arrives_first(lake_any, context) -> None:
    events = []
    for rows in ([SELLER_A], [SELLER_A, SELLER_B], [SELLER_A]):
        lake_any.put(SELLERS_KEY, sellers_csv(*rows))
        events.append(lake_any.event(SELLERS_KEY))

    outcomes = [
        handle_landing.lambda_handler(events[i], context())["objects"][0] for i in (2, 0, 1)
    ]

    assert [o["status"] for o in outcomes] == ["cleaned", "superseded", "superseded"]
    assert clean_sellers(lake_any) == [SELLER_A[1:33]]


def test_each_landed_batch_publishes_its_quarantine_rate_as_an_emf_line(
    lake_aws, dataset, context, capsys
) -> None:
    key = "raw/olist_orders_dataset.csv"
    lake_aws.put(key, dataset["olist_orders_dataset.csv"])
    invocation = context()

    handle_landing.lambda_handler(lake_aws.sqs_batch(lake_aws.event(key)), invocation)

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    (quality,) = [line for line in lines if "QuarantineRate" in line]
    (directive,) = quality["_aws"]["CloudWatchMetrics"]
    assert directive == {
        "Namespace": "olist-test",
        "Dimensions": [["FunctionName"]],
        "Metrics": [{"Name": "QuarantineRate", "Unit": "Percent"}],
    }
    assert quality["FunctionName"] == invocation.function_name
    assert (quality["QuarantineRate"], quality["table"], quality["rows_read"]) == (
        50.0,
        "orders",
        2,
    )
    (pending,) = [line for line in lines if "RefreshPendingSeconds" in line]
    assert pending["StateMachineName"] == "olist-refresh-business"
    assert pending["RefreshPendingSeconds"] == 0


def test_a_redelivered_changed_landing_asks_for_the_refresh_again(lake_aws, context) -> None:
    # Given a landing whose refresh request was lost after the file was cleaned
    lake_aws.put(SELLERS_KEY, sellers_csv(SELLER_A))
    event = lake_aws.event(SELLERS_KEY)
    handle_landing.lambda_handler(event, context())
    store = open_store(f"s3://{lake_aws.bucket}/", session=lake_aws.session)
    store.delete("runs/refresh/state.json")

    # When S3 (or the queue) delivers the event again
    (outcome,) = handle_landing.lambda_handler(event, context())["objects"]

    # Then it is not landed twice, but the refresh is requested again
    assert (outcome["status"], outcome["first_status"]) == ("duplicate", "cleaned")
    assert lake_aws.json("runs/refresh/state.json")["requests"] == 1
