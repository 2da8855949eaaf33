"""S3 events in both delivery shapes become object records with the keys S3 actually stores."""

import unicodedata

import pytest

from olist_assets.aws.events import EventFormatError, ObjectEvent, object_events
from olist_assets.core.batches import batch_for_raw_key


def test_notification_with_several_records_decodes_plus_and_percent_escapes(sample_event) -> None:
    first, second = object_events(sample_event("s3_two_records_encoded_keys.json"))

    assert first == ObjectEvent(
        bucket="olist-lake-example",
        key="raw/olist_orders_dataset 2018-09.csv",
        etag="0123456789abcdef0123456789abcdef",
        version_id="3HL4kqtJlcpXroDTDmjVBH40Nrjfkd",
        sequencer="0055AED6DCD90281E5",
        size=17654,
        event_time="2024-05-01T12:00:01.000Z",
    )
    assert second.key == "raw/orders/olist_orders_dataset_março + extra.csv"
    assert second.version_id is None
    assert second.version_token == "s-" + "0055AED6DCD90281F0".rjust(32, "0")


def test_eventbridge_key_is_percent_decoded_and_keeps_a_literal_plus(sample_event) -> None:
    (created,) = object_events(sample_event("eventbridge_percent_escapes.json"))

    assert created.key == "raw/olist_orders_dataset 2018-10+v2.csv"
    assert created.etag == "a1b2c3d4e5f60718293a4b5c6d7e8f90"
    assert created.version_token == "v-tTbbfQBZ0zLrmVo1Z5u0LQtmHTeDCvbS"
    assert created.sequencer == "00617F08299329D189"


def test_event_of_another_source_is_refused(sample_event) -> None:
    with pytest.raises(EventFormatError, match="not an S3 object-created or object-deleted event"):
        object_events(sample_event("not_an_s3_event.json"))


def test_delete_marker_notification_is_a_removal_told_apart_from_the_upload_of_its_version(
    sample_event,
) -> None:
    event = sample_event("s3_object_removed.json")
    obj = event["Records"][0]["s3"]["object"]
    event["Records"][0]["eventName"] = "ObjectRemoved:DeleteMarkerCreated"
    event["Records"][0]["s3"]["bucket"]["name"] = "olist-lake-example"
    obj |= {
        "key": "raw/sellers/olist_sellers_dataset+2018-09.csv",
        "versionId": "Vx9",
        "sequencer": "0A",
    }

    (removed,) = object_events(event)

    assert removed == ObjectEvent(
        bucket="olist-lake-example",
        key="raw/sellers/olist_sellers_dataset 2018-09.csv",
        etag="",
        version_id="Vx9",
        sequencer="0A",
        size=None,
        event_time="2024-05-02T08:30:00.000Z",
        removed=True,
    )
    assert removed.version_token == "d-Vx9"


def test_unversioned_deletion_is_identified_by_its_sequencer_in_the_uploads_order(
    sample_event,
) -> None:
    event = sample_event("s3_object_removed.json")
    event["Records"][0]["eventName"] = "ObjectRemoved:Delete"
    del event["Records"][0]["s3"]["object"]["versionId"]
    event["Records"][0]["s3"]["object"]["sequencer"] = "0055AED6DCD90281F1"

    (removed,) = object_events(event)

    assert removed.removed and removed.version_token == "s-" + "0055AED6DCD90281F1".rjust(32, "0")


def test_eventbridge_object_deleted_is_a_removal(sample_event) -> None:
    event = sample_event("eventbridge_object_deleted.json")
    event["detail"]["object"] |= {"key": "raw/a+b/olist_orders_dataset.csv", "version-id": "Q7"}

    (removed,) = object_events(event)

    assert (removed.key, removed.removed, removed.version_token) == (
        "raw/a+b/olist_orders_dataset.csv",
        True,
        "d-Q7",
    )


def test_record_of_another_kind_is_refused(sample_event) -> None:
    event = sample_event("s3_two_records_encoded_keys.json")
    event["Records"][0]["eventName"] = "LifecycleExpiration:Delete"

    with pytest.raises(EventFormatError, match="LifecycleExpiration:Delete"):
        object_events(event)


def test_record_without_its_object_is_refused(sample_event) -> None:
    event = sample_event("s3_two_records_encoded_keys.json")
    del event["Records"][1]["s3"]["object"]

    with pytest.raises(EventFormatError, match="malformed"):
        object_events(event)


@pytest.mark.parametrize(
    "encoded, template, batch_key",
    [
        ("raw/drops+2018/olist_orders_dataset.csv", "s3", "drops 2018/olist_orders_dataset.csv"),
        ("raw/drops%202018/olist_orders_dataset.csv", "s3", "drops 2018/olist_orders_dataset.csv"),
        ("raw/a%2Bb/olist_orders_dataset.csv", "s3", "a+b/olist_orders_dataset.csv"),
        ("raw/a+b/olist_orders_dataset.csv", "eventbridge", "a+b/olist_orders_dataset.csv"),
        ("raw/drops%202018/olist_orders_dataset.csv", "eventbridge", "drops 2018/olist_orders_dataset.csv"),
        ("raw/mar%C3%A7o/olist_orders_dataset.csv", "s3", "março/olist_orders_dataset.csv"),
        ("raw/marc%CC%A7o/olist_orders_dataset.csv", "s3", "março/olist_orders_dataset.csv"),
        ("raw/2018%2509/olist_orders_dataset.csv", "s3", "2018%09/olist_orders_dataset.csv"),
    ],
)  # fmt: skip
def test_an_event_key_is_decoded_once_then_resolved_to_its_nfc_batch(
    sample_event, encoded, template, batch_key
) -> None:
    if template == "s3":
        event = sample_event("s3_two_records_encoded_keys.json")
        event["Records"] = event["Records"][:1]
        event["Records"][0]["s3"]["object"]["key"] = encoded
    else:
        event = sample_event("eventbridge_percent_escapes.json")
        event["detail"]["object"]["key"] = encoded
    (created,) = object_events(event)

    batch = batch_for_raw_key(created.key)

    assert (batch.table, batch.key) == ("orders", unicodedata.normalize("NFC", batch_key))
