"""The landing Lambda under moto: the same clean layer as the local run, once per object version."""

from __future__ import annotations

import itertools
import json
import logging

import pyarrow.parquet as pq
import pytest

from lambda_adapters import handle_landing
from olist_assets import settings
from olist_assets.aws.config import ConfigurationError
from olist_assets.core import lake
from olist_assets.core.cleaning import refresh_table
from olist_assets.core.contracts import CONTRACTS, contract_for_file
from olist_assets.stores.local import LocalStore
from olist_assets.stores.locations import open_store

pytestmark = pytest.mark.integration

SPACED_NAME = "product_category_name_translation 2024.csv"
SPACED = f"raw/product_category_translation/{SPACED_NAME}"


def raw_layout(file_name: str, index: int) -> str:
    """Alternate the two accepted layouts: raw/<file> and raw/<table>/<file>."""
    if index % 2:
        return f"{lake.RAW}/{file_name}"
    return lake.raw_key(contract_for_file(file_name).name, file_name)


def land(lake_aws, key, context, template="s3_object_created.json", **override) -> dict:
    event = lake_aws.event(key, template, **override)
    (outcome,) = handle_landing.lambda_handler(event, context())["objects"]
    return outcome


def parquet_tables(store, table: str, zone: str = lake.CLEAN) -> dict[str, object]:
    tables = {}
    for info in store.list(lake.table_prefix(zone, table)):
        with store.local_copy(info.key) as path:
            tables[info.key] = pq.read_table(path)
    return tables


def test_landing_writes_the_clean_layer_the_local_clean_asset_writes(
    lake_aws, generated, context, tmp_path
) -> None:
    # Given a generated dataset under raw/ (both layouts, one name with a space), and locally
    files = dict(generated)
    files[SPACED_NAME] = files.pop("product_category_name_translation.csv")
    names = sorted(name for name in files if name != SPACED_NAME)
    keys = [raw_layout(name, i) for i, name in enumerate(names)] + [SPACED]
    local = LocalStore(tmp_path / "lake")
    for key in keys:
        name = key.rsplit("/", 1)[1]
        lake_aws.put(key, files[name])
        local.write_bytes(lake.raw_key(contract_for_file(name).name, name), files[name])

    # When S3 notifies the landing function of each, in both event shapes
    templates = ["s3_object_created.json", "eventbridge_object_created.json"]
    outcomes = [land(lake_aws, key, context, templates[i % 2]) for i, key in enumerate(keys)]
    # And the Dagster clean asset's function runs on the local lake
    for contract in CONTRACTS.values():
        refresh_table(local, contract)

    # Then each table's clean (and quarantine) Parquet equals the local one, row for row
    assert {o["status"] for o in outcomes} == {"cleaned"}
    assert sum(o["rows_read"] for o in outcomes) > 10_000
    s3_store = open_store(f"s3://{lake_aws.bucket}/", session=lake_aws.session)
    for table, zone in itertools.product(CONTRACTS, (lake.CLEAN, lake.QUARANTINE)):
        remote, expected = parquet_tables(s3_store, table, zone), parquet_tables(local, table, zone)
        assert list(remote) == list(expected) and expected
        for key, rows in expected.items():
            assert remote[key].equals(rows), f"{key} differs from the local lake"


def test_landing_catalogs_records_and_requests_one_refresh_for_a_burst(
    lake_aws, dataset, context
) -> None:
    # Given the nine files of a full load landing together
    for name, text in dataset.items():
        lake_aws.put(f"raw/{name}", text)

    # When each is notified
    outcomes = [land(lake_aws, f"raw/{name}", context) for name in dataset]

    # Then every clean table is in Glue with the contract's columns, over its clean prefix
    glue = lake_aws.session.client("glue")
    for contract in CONTRACTS.values():
        table = glue.get_table(DatabaseName="olist_clean", Name=contract.name)["Table"]
        columns = [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]]
        assert columns == [(c.name, c.athena_type) for c in contract.columns]
        assert (
            table["StorageDescriptor"]["Location"]
            == f"s3://{lake_aws.bucket}/clean/{contract.name}/"
        )
    # And each object has a run record with its version, counts, outputs and code version
    orders = next(o for o in outcomes if o["table"] == "orders")
    record = lake_aws.json(orders["run_record"])
    assert (
        record["version_id"]
        == lake_aws.s3.head_object(Bucket=lake_aws.bucket, Key="raw/olist_orders_dataset.csv")[
            "VersionId"
        ]
    )
    assert (record["rows_read"], record["rows_clean"], record["rows_quarantined"]) == (2, 1, 1)
    assert record["outputs"] == [
        "clean/orders/olist_orders_dataset.parquet",
        "quarantine/orders/olist_orders_dataset.parquet",
    ]
    assert record["code_version"] == "test-0000000" and record["duration_s"] > 0
    geolocation = next(o for o in outcomes if o["table"] == "geolocation")
    assert (geolocation["rows_read"], geolocation["rows_duplicate"]) == (3, 1)
    assert len(lake_aws.keys("runs/landing/")) == len(dataset)
    # And the burst started one waiter execution, the one the refresh state names
    executions = lake_aws.session.client("stepfunctions").list_executions(
        stateMachineArn=lake_aws.state_machine_arn
    )["executions"]
    started = [o["refresh"]["started"] for o in outcomes if o["refresh"]["started"]]
    assert [e["name"] for e in executions] == started and len(started) == 1
    state = lake_aws.json("runs/refresh/state.json")
    assert (state["waiter"], state["requests"]) == (started[0], len(dataset))


SELLER_A = '"3442f8959a84dea7ee197c632cb2df15","13023",campinas,SP'
SELLER_B = '"d1b65fc7debc3361ea86b5f14c68d2e2","01310",sao paulo,SP'
SELLERS_KEY = "raw/sellers/olist_sellers_dataset.csv"


def sellers_csv(*rows: str) -> str:
    return (
        '"seller_id","seller_zip_code_prefix","seller_city","seller_state"\n'
        + "\n".join(rows)
        + "\n"
    )


def clean_sellers(lake_aws) -> list[str]:
    store = open_store(f"s3://{lake_aws.bucket}/", session=lake_aws.session)
    tables = parquet_tables(store, "sellers").values()
    return sorted(row["seller_id"] for table in tables for row in table.to_pylist())


def test_second_delivery_of_the_same_version_is_a_no_op(lake_aws, context) -> None:
    lake_aws.put(SELLERS_KEY, sellers_csv(SELLER_A))
    event = lake_aws.event(SELLERS_KEY)
    first = handle_landing.lambda_handler(event, context())["objects"][0]
    clean = lake_aws.s3.head_object(Bucket=lake_aws.bucket, Key=first["outputs"][0])

    second = handle_landing.lambda_handler(event, context())["objects"][0]

    assert (first["status"], second["status"], second["first_status"]) == (
        "cleaned",
        "duplicate",
        "cleaned",
    )
    assert lake_aws.keys("runs/landing/") == [first["run_record"]]
    again = lake_aws.s3.head_object(Bucket=lake_aws.bucket, Key=first["outputs"][0])
    assert again["LastModified"] == clean["LastModified"] and again["ETag"] == clean["ETag"]


def test_older_event_arriving_after_a_newer_one_does_not_overwrite_it(lake_aws, context) -> None:
    # Given two uploads to one key, whose events arrive newest first
    lake_aws.put(SELLERS_KEY, sellers_csv(SELLER_A))
    old_event = lake_aws.event(SELLERS_KEY)
    lake_aws.put(SELLERS_KEY, sellers_csv(SELLER_A, SELLER_B))
    new_event = lake_aws.event(SELLERS_KEY)

    newer = handle_landing.lambda_handler(new_event, context())["objects"][0]
    older = handle_landing.lambda_handler(old_event, context())["objects"][0]

    # Then the old event is recorded as superseded and the clean table keeps the newer rows
    assert (newer["status"], older["status"]) == ("cleaned", "superseded")
    assert "a newer version replaced it" in older["reason"]
    assert clean_sellers(lake_aws) == sorted([SELLER_A[1:33], SELLER_B[1:33]])


@pytest.mark.parametrize(
    ("body", "error_type", "reason"),
    [
        (
            '"seller_id","zip","seller_city","seller_state"\n',
            "HeaderMismatchError",
            "missing columns",
        ),
        (b"", "EmptyFileError", "empty"),
        (b'"seller_id"\xff\xfe,"x"\n', "UndecodableFileError", "not valid UTF-8"),
    ],
)
def test_bad_file_is_rejected_and_the_table_keeps_its_clean_rows(
    lake_aws, context, body, error_type, reason
) -> None:
    # Given a clean sellers table and a clean orders-free customers table
    lake_aws.put(SELLERS_KEY, sellers_csv(SELLER_A))
    land(lake_aws, SELLERS_KEY, context)

    # When a broken file replaces the sellers file
    lake_aws.put(SELLERS_KEY, body)
    outcome = land(lake_aws, SELLERS_KEY, context)

    # Then it is rejected with the reason, recorded, and the clean rows are still there
    assert (outcome["status"], outcome["error_type"]) == ("rejected", error_type)
    assert reason in outcome["reason"]
    failure = lake_aws.json(outcome["failure_record"])
    assert failure["source"] == "landing" and failure["key"] == SELLERS_KEY
    assert lake_aws.json(outcome["run_record"])["status"] == "rejected"
    assert clean_sellers(lake_aws) == [SELLER_A[1:33]]


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("raw/olist_marketing_leads.csv", "is not an Olist file"),
        ("landing/olist_sellers_dataset.csv", "not under the lake's raw/ prefix"),
        ("raw/orders/olist_sellers_dataset.csv", "is a sellers file but was put in raw/orders/"),
        ("raw/2018/09/olist_sellers_dataset.csv", "is a sellers file but was put in raw/2018/09/"),
    ],
)
def test_object_that_is_not_a_raw_olist_file_is_rejected_without_touching_the_lake(
    lake_aws, context, key, reason
) -> None:
    lake_aws.put(key, sellers_csv(SELLER_A))

    outcome = land(lake_aws, key, context)

    assert outcome["status"] == "rejected" and reason in outcome["reason"]
    assert lake_aws.keys("clean/") == [] and lake_aws.keys("manifests/") == []
    assert len(lake_aws.keys("runs/failures/")) == 1


def test_transient_failure_raises_for_a_retry_and_records_nothing(
    lake_aws, context, monkeypatch
) -> None:
    from botocore.exceptions import ClientError

    from olist_assets.aws import glue as catalog
    from olist_assets.aws.errors import TransientError

    def throttled(*args, **kwargs):
        raise ClientError(
            {"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "GetTable"
        )

    monkeypatch.setattr(catalog, "ensure_clean_table", throttled)
    lake_aws.put(SELLERS_KEY, sellers_csv(SELLER_A))

    with pytest.raises(TransientError, match="ThrottlingException"):
        land(lake_aws, SELLERS_KEY, context)
    assert lake_aws.keys("runs/") == []


def test_missing_environment_variable_fails_the_invocation(lake_aws, context, monkeypatch) -> None:
    monkeypatch.delenv(settings.STATE_MACHINE_ARN)
    lake_aws.put(SELLERS_KEY, sellers_csv(SELLER_A))

    with pytest.raises(ConfigurationError, match=settings.STATE_MACHINE_ARN):
        land(lake_aws, SELLERS_KEY, context)


def test_each_object_is_logged_as_one_json_line_with_request_and_counts(
    lake_aws, context, caplog
) -> None:
    from olist_assets.aws.logs import JsonFormatter

    lake_aws.put(SELLERS_KEY, sellers_csv(SELLER_A, SELLER_A))
    caplog.set_level(logging.INFO)
    invocation = context()

    handle_landing.lambda_handler(lake_aws.event(SELLERS_KEY), invocation)

    (record,) = [r for r in caplog.records if r.name == "olist.landing"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == invocation.aws_request_id and line["function"] == "landing"
    assert (line["table"], line["key"], line["status"]) == ("sellers", SELLERS_KEY, "cleaned")
    assert (line["rows_read"], line["rows_clean"], line["rows_duplicate"]) == (2, 1, 1)
    assert line["duration_s"] >= 0


@pytest.mark.real_data
def test_real_olist_files_land_like_the_local_run(lake_aws, real_dir, context, tmp_path) -> None:
    # Given the real files' heads (and the small full files) under raw/ and in a local lake
    files = {path.name: path for path in sorted((real_dir / "heads").glob("*.csv"))}
    for name in ("olist_sellers_dataset.csv", "product_category_name_translation.csv"):
        files[name] = real_dir / "full" / name
    local = LocalStore(tmp_path / "lake")
    for name, path in files.items():
        lake_aws.put(f"raw/{name}", path.read_bytes())
        local.write_bytes(lake.raw_key(contract_for_file(name).name, name), path.read_bytes())

    # When each lands through the Lambda, and the local clean function runs
    outcomes = [land(lake_aws, f"raw/{name}", context) for name in files]
    for contract in CONTRACTS.values():
        refresh_table(local, contract)

    # Then both lakes hold the same clean rows
    assert {o["status"] for o in outcomes} == {"cleaned"}
    s3_store = open_store(f"s3://{lake_aws.bucket}/", session=lake_aws.session)
    for table in CONTRACTS:
        remote, expected = parquet_tables(s3_store, table), parquet_tables(local, table)
        assert list(remote) == list(expected)
        assert all(remote[key].equals(rows) for key, rows in expected.items()), table
