"""Deleting a raw object removes its batch, on moto: only when the key is absent when the removal
is handled (content is the truth, whatever the order of the events), once per delivery."""

from __future__ import annotations

import pytest
from test_intake import landing_records
from test_landing import SELLER_A, SELLER_B, SELLERS_KEY, clean_sellers, sellers_csv

from lambda_adapters import handle_landing
from olist_assets.aws import landing
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.tables import CLEAN

pytestmark = pytest.mark.integration

DROP = "raw/sellers/olist_sellers_dataset_2018-09.csv"
SELLER_A_MOVED = '"3442f8959a84dea7ee197c632cb2df15","01310",sao paulo,SP'


def handle(lake, event: dict, context) -> dict:
    (outcome,) = handle_landing.lambda_handler(event, context())["objects"]
    return outcome


def sellers_cities(lake) -> dict[str, str]:
    rows = lake.tables().scan(CLEAN, "sellers", ["seller_id", "seller_city"]).read_all()
    ids, cities = rows.column("seller_id").to_pylist(), rows.column("seller_city").to_pylist()
    return dict(zip(ids, cities, strict=True))


def batches(lake) -> list[str]:
    return sorted(lake.tables().state(CONTRACTS["sellers"]).ledger.batches)


@pytest.mark.parametrize("template", ["s3_object_removed.json", "eventbridge_object_deleted.json"])
def test_deleting_a_drop_removes_its_batch_and_the_rows_it_superseded_come_back(
    lake_any, context, template
) -> None:
    # Given the sellers file and a dated drop that restates seller A (moved to Sao Paulo)
    lake_any.put(SELLERS_KEY, sellers_csv(SELLER_A))
    handle(lake_any, lake_any.event(SELLERS_KEY), context)
    lake_any.put(DROP, sellers_csv(SELLER_A_MOVED, SELLER_B))
    handle(lake_any, lake_any.event(DROP), context)
    assert sellers_cities(lake_any)[SELLER_A[1:33]] == "sao paulo"
    snapshots = len(lake_any.tables().load(CLEAN, "sellers").snapshots())

    # When the drop's raw object is deleted and its event delivered through the queue
    event = lake_any.delete(DROP, template)
    response = handle_landing.lambda_handler(lake_any.sqs_batch(event), context())

    # Then the batch is gone and seller A's row from the sellers file is back, in one commit
    assert response == {"batchItemFailures": []}
    assert batches(lake_any) == ["sellers/olist_sellers_dataset.csv"]
    assert sellers_cities(lake_any) == {SELLER_A[1:33]: "campinas"}
    assert len(lake_any.tables().load(CLEAN, "sellers").snapshots()) == snapshots + 1

    # And the removal is recorded like a landing, and asks for the business refresh
    (record,) = [r for r in landing_records(lake_any).values() if r["event"] == "removed"]
    assert (record["status"], record["raw_key"], record["table"]) == ("removed", DROP, "sellers")
    assert record["table_rows"] == 1
    assert lake_any.json("runs/refresh/state.json")["requests"] == 3


@pytest.mark.parametrize(
    "order", ["removal handled first", "upload handled first", "removal handled before re-upload"]
)
def test_a_delete_then_a_reupload_ends_with_the_reuploaded_content_whatever_the_event_order(
    lake_any, context, order
) -> None:
    # Given a landed sellers file holding seller A
    lake_any.put(SELLERS_KEY, sellers_csv(SELLER_A))
    handle(lake_any, lake_any.event(SELLERS_KEY), context)

    # When it is deleted, then uploaded again with sellers A and B, events handled in `order`
    if order == "removal handled before re-upload":
        removal = handle(lake_any, lake_any.delete(SELLERS_KEY), context)
        lake_any.put(SELLERS_KEY, sellers_csv(SELLER_A, SELLER_B))
        upload = handle(lake_any, lake_any.event(SELLERS_KEY), context)
        assert (removal["status"], upload["status"]) == ("removed", "cleaned")
    else:
        removed = lake_any.delete(SELLERS_KEY)
        lake_any.put(SELLERS_KEY, sellers_csv(SELLER_A, SELLER_B))
        created = lake_any.event(SELLERS_KEY)
        events = [removed, created] if order == "removal handled first" else [created, removed]
        outcomes = [handle(lake_any, event, context) for event in events]
        assert "removed" not in [outcome["status"] for outcome in outcomes]

    # Then the table holds the re-uploaded content
    assert clean_sellers(lake_any) == sorted([SELLER_A[1:33], SELLER_B[1:33]])
    assert batches(lake_any) == ["sellers/olist_sellers_dataset.csv"]


def test_a_redelivered_removal_is_a_duplicate(lake_any, context) -> None:
    lake_any.put(DROP, sellers_csv(SELLER_B))
    handle(lake_any, lake_any.event(DROP), context)
    event = lake_any.delete(DROP)

    first = handle(lake_any, event, context)
    again = handle(lake_any, event, context)

    assert (first["status"], again["status"], again["first_status"]) == (
        "removed",
        "duplicate",
        "removed",
    )
    assert sorted(r["status"] for r in landing_records(lake_any).values()) == ["cleaned", "removed"]
    assert batches(lake_any) == []


def test_a_reupload_during_the_removals_commit_is_landed_by_the_removal(
    lake_aws, context, monkeypatch
) -> None:
    # Given a landed file, deleted, and re-uploaded while its removal is being committed
    lake_aws.put(SELLERS_KEY, sellers_csv(SELLER_A))
    handle(lake_aws, lake_aws.event(SELLERS_KEY), context)
    event = lake_aws.delete(SELLERS_KEY)
    refresh = landing.refresh_table

    def reuploaded_meanwhile(store, tables, contract, **options):
        result = refresh(store, tables, contract, **options)
        if options.get("forget_batches"):
            lake_aws.put(SELLERS_KEY, sellers_csv(SELLER_B))
        return result

    monkeypatch.setattr(landing, "refresh_table", reuploaded_meanwhile)

    # When the removal is handled
    outcome = handle(lake_aws, event, context)

    # Then it sees the key exists again and lands what it holds
    assert outcome["status"] == "cleaned" and "exists again" in outcome["reason"]
    assert clean_sellers(lake_aws) == [SELLER_B[1:33]]


def test_a_delete_during_a_landings_commit_leaves_the_batch_out(
    lake_aws, context, monkeypatch
) -> None:
    # Given an upload whose object is deleted (and the deletion handled) while it is committed
    lake_aws.put(SELLERS_KEY, sellers_csv(SELLER_A))
    created = lake_aws.event(SELLERS_KEY)
    refresh = landing.refresh_table
    deleted = []

    def deleted_meanwhile(store, tables, contract, **options):
        result = refresh(store, tables, contract, **options)
        if not deleted:
            deleted.append(lake_aws.delete(SELLERS_KEY))
        return result

    monkeypatch.setattr(landing, "refresh_table", deleted_meanwhile)

    # When the landing finishes, then the deletion's event arrives
    outcome = handle(lake_aws, created, context)
    monkeypatch.setattr(landing, "refresh_table", refresh)
    removal = handle(lake_aws, deleted[0], context)

    # Then the table does not keep the content of an object that no longer exists
    assert outcome["status"] == "removed" and "deleted while" in outcome["reason"]
    assert removal["status"] == "unchanged"
    assert batches(lake_aws) == [] and clean_sellers(lake_aws) == []


def test_deleting_an_object_that_was_no_tables_file_is_ignored(lake_aws, context) -> None:
    lake_aws.put("raw/notes/readme.csv", "a,b\n1,2\n")

    outcome = handle(lake_aws, lake_aws.delete("raw/notes/readme.csv"), context)

    assert outcome["status"] == "ignored" and "no table's batch" in outcome["reason"]
    assert lake_aws.keys("runs/failures/") == []
