"""The landing Lambda under moto: the same clean layer as the local run, once per object version."""

from __future__ import annotations

import itertools
import json
import logging

import pyarrow as pa
import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError

from lambda_adapters import handle_landing
from olist_assets import settings
from olist_assets.aws.config import ConfigurationError
from olist_assets.aws.errors import TransientError
from olist_assets.core import lake
from olist_assets.core.cleaning import refresh_table
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.tables import BATCH_COLUMN, CLEAN, QUARANTINE
from olist_assets.stores.iceberg.catalogs import default_config
from olist_assets.stores.iceberg.tables import IcebergTables
from olist_assets.stores.local import LocalStore

pytestmark = pytest.mark.integration


def raw_layout(file_name: str, index: int) -> str:
    """Alternate top-level files and files in subfolders, one of them with spaces in its name."""
    folder = ["", "incoming/", "drops 2024/"][index % 3]
    return lake.raw_key(f"{folder}{file_name}")


def land(lake_aws, key, context, template="s3_object_created.json", **override) -> dict:
    event = lake_aws.event(key, template, **override)
    (outcome,) = handle_landing.lambda_handler(event, context())["objects"]
    return outcome


def table_rows(tables: IcebergTables, namespace: str, name: str) -> pa.Table:
    """A table's current rows, sorted on every column (row order is no part of a table)."""
    rows = tables.scan(namespace, name).read_all()
    return rows.sort_by([(column, "ascending") for column in rows.column_names])


def local_tables(folder) -> IcebergTables:
    store = LocalStore(folder)
    return IcebergTables(default_config(str(folder)), store)


def test_landing_writes_the_clean_layer_the_local_clean_asset_writes(
    lake_aws, generated, context, tmp_path
) -> None:
    # Given a generated dataset under raw/ (in subfolders too, one with a space), and locally
    keys = [raw_layout(name, i) for i, name in enumerate(sorted(generated))]
    local = local_tables(tmp_path / "lake")
    for key in keys:
        name = key.rsplit("/", 1)[1]
        lake_aws.put(key, generated[name])
        local.store.write_bytes(key, generated[name])

    # When S3 notifies the landing function of each, in both event shapes
    templates = ["s3_object_created.json", "eventbridge_object_created.json"]
    outcomes = [land(lake_aws, key, context, templates[i % 2]) for i, key in enumerate(keys)]
    # And the Dagster clean asset's function runs on the local lake
    for contract in CONTRACTS.values():
        refresh_table(local.store, local, contract)

    # Then each clean (and quarantine) table holds the local one's rows, row for row
    assert {o["status"] for o in outcomes} == {"cleaned"}
    assert sum(o["rows_read"] for o in outcomes) > 10_000
    remote = lake_aws.tables()
    for table, zone in itertools.product(CONTRACTS, (CLEAN, QUARANTINE)):
        expected = table_rows(local, zone, table)
        assert table_rows(remote, zone, table).equals(expected), f"{zone}.{table} differs"


def test_landing_catalogs_records_and_requests_one_refresh_for_a_burst(
    lake_aws, dataset, context
) -> None:
    # Given the nine files of a full load landing together
    for name, text in dataset.items():
        lake_aws.put(f"raw/{name}", text)

    # When each is notified, Then after each landing its table is an Iceberg table in Glue
    # whose metadata is the table's current metadata
    tables = lake_aws.tables()
    outcomes = []
    for name in dataset:
        outcomes.append(land(lake_aws, f"raw/{name}", context))
        table = tables.load(CLEAN, outcomes[-1]["table"])
        glue = lake_aws.glue_table(CLEAN, table.name()[-1])
        assert glue["Parameters"]["table_type"] == "ICEBERG"
        assert glue["Parameters"]["metadata_location"] == table.metadata_location
        assert outcomes[-1]["snapshot_id"] == table.current_snapshot().snapshot_id

    # And every clean table has the contract's columns and the batch column, under clean/<table>
    for contract in CONTRACTS.values():
        table = lake_aws.glue_table(CLEAN, contract.name)
        columns = [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]]
        assert columns == [(c.name, c.athena_type) for c in contract.columns] + [
            (BATCH_COLUMN, "string")
        ]
        location = f"s3://{lake_aws.bucket}/clean/{contract.name}"
        assert table["StorageDescriptor"]["Location"] == location
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
    assert (record["rows_superseded"], record["table_rows"]) == (0, 1)
    assert record["outputs"] == [f"clean.orders@{record['snapshot_id']}"]
    assert tables.scan(QUARANTINE, "orders").read_all().num_rows == 1
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
    rows = lake_aws.tables().scan(CLEAN, "sellers", ["seller_id"]).read_all()
    return sorted(rows.column("seller_id").to_pylist())


def test_second_delivery_of_the_same_version_is_a_no_op(lake_aws, context) -> None:
    lake_aws.put(SELLERS_KEY, sellers_csv(SELLER_A))
    event = lake_aws.event(SELLERS_KEY)
    first = handle_landing.lambda_handler(event, context())["objects"][0]
    committed = lake_aws.glue_table(CLEAN, "sellers")["Parameters"]["metadata_location"]

    second = handle_landing.lambda_handler(event, context())["objects"][0]

    assert (first["status"], second["status"], second["first_status"]) == (
        "cleaned",
        "duplicate",
        "cleaned",
    )
    assert lake_aws.keys("runs/landing/") == [first["run_record"]]
    again = lake_aws.glue_table(CLEAN, "sellers")["Parameters"]["metadata_location"]
    assert again == committed
    assert len(lake_aws.tables().load(CLEAN, "sellers").snapshots()) == 1


def test_the_same_content_uploaded_again_creates_no_snapshot(lake_aws, context) -> None:
    # Given a landed file, then its very bytes uploaded again (a new version, a new event)
    lake_aws.put(SELLERS_KEY, sellers_csv(SELLER_A))
    first = land(lake_aws, SELLERS_KEY, context)
    lake_aws.put(SELLERS_KEY, sellers_csv(SELLER_A))

    again = land(lake_aws, SELLERS_KEY, context)

    # Then the content is what the batch holds: nothing is committed; a refresh is still asked
    # for (debounced), since a crash between the first commit and its request must not leave the
    # business layer behind the clean table
    assert (first["status"], again["status"]) == ("cleaned", "unchanged")
    assert again["snapshot_id"] == first["snapshot_id"] and "refresh" in again
    assert len(lake_aws.tables().load(CLEAN, "sellers").snapshots()) == 1


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
        ("raw/olist_marketing_leads.csv", "'olist_marketing_leads.csv' matches no table"),
        ("landing/olist_sellers_dataset.csv", "not under the lake's raw/ prefix"),
        (
            "raw/olist_sellers_dataset.CSV",
            "differs from a file name of the sellers table only in letter case",
        ),
        ("raw/olist_sellers_dataset - Copy.csv", "is not a file name of the sellers table"),
        ("raw/../clean/olist_sellers_dataset.csv", "not a plain relative path"),
    ],
)
def test_object_that_is_not_a_raw_olist_file_is_rejected_without_touching_the_lake(
    lake_aws, context, key, reason
) -> None:
    lake_aws.put(key, sellers_csv(SELLER_A))

    outcome = land(lake_aws, key, context)

    assert outcome["status"] == "rejected" and reason in outcome["reason"]
    assert lake_aws.keys("clean/") == [] and lake_aws.keys("staging/") == []
    assert lake_aws.glue_tables(CLEAN) == []
    assert len(lake_aws.keys("runs/failures/")) == 1


def refuse(monkeypatch: pytest.MonkeyPatch, service: str, operation: str, code: str) -> None:
    """Make every client's `operation` calls to `service` fail with the AWS error `code`."""
    original = BaseClient._make_api_call

    def refused(client, name, params):
        if client.meta.service_model.service_name == service and name == operation:
            raise ClientError({"Error": {"Code": code, "Message": "refused by the test"}}, name)
        return original(client, name, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", refused)


@pytest.mark.parametrize(
    ("key", "note"),
    [
        ("raw/2018-09/", "a folder marker"),
        ("raw/.DS_Store", "hidden"),
        ("raw/__MACOSX/olist_sellers_dataset.csv", "macOS archive metadata"),
    ],
)
def test_an_object_that_is_not_data_is_recorded_as_ignored_with_no_failure_nor_error(
    lake_aws, context, caplog, key, note
) -> None:
    lake_aws.put(key, b"" if key.endswith("/") else sellers_csv(SELLER_A))
    caplog.set_level(logging.INFO)

    outcome = land(lake_aws, key, context)

    assert outcome["status"] == "ignored" and note in outcome["reason"]
    assert lake_aws.json(outcome["run_record"])["status"] == "ignored"
    assert lake_aws.keys("runs/failures/") == [] and lake_aws.keys("clean/") == []
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_later_copy_of_a_tables_file_is_refused_naming_the_one_that_keeps_its_place(
    lake_aws, context
) -> None:
    lake_aws.put(SELLERS_KEY, sellers_csv(SELLER_A))
    land(lake_aws, SELLERS_KEY, context)
    lake_aws.put("raw/zz_backup/olist_sellers_dataset.csv", sellers_csv(SELLER_B))

    outcome = land(lake_aws, "raw/zz_backup/olist_sellers_dataset.csv", context)

    assert (outcome["status"], outcome["table"]) == ("rejected", "sellers")
    assert outcome["reason"].startswith(
        "a second undated sellers file: 'sellers/olist_sellers_dataset.csv' already is"
    )
    assert clean_sellers(lake_aws) == [SELLER_A[1:33]]


def test_transient_failure_raises_for_a_retry_and_records_nothing(
    lake_aws, context, monkeypatch
) -> None:
    # Given Glue throttling the catalog's reads
    refuse(monkeypatch, "glue", "GetTable", "ThrottlingException")
    lake_aws.put(SELLERS_KEY, sellers_csv(SELLER_A))

    # When a file lands, Then the invocation fails for a retry and nothing is recorded
    with pytest.raises(TransientError, match="ThrottlingException"):
        land(lake_aws, SELLERS_KEY, context)
    assert lake_aws.keys("runs/") == []


def test_landing_needs_no_right_to_create_the_glue_databases(lake_aws, context, monkeypatch):
    # Given the function's role, which may read the databases Terraform created, not create any
    refuse(monkeypatch, "glue", "CreateDatabase", "AccessDeniedException")
    lake_aws.put(SELLERS_KEY, sellers_csv(SELLER_A))

    # When a file lands, Then its table is created and committed in the existing databases
    assert land(lake_aws, SELLERS_KEY, context)["status"] == "cleaned"
    assert clean_sellers(lake_aws) == [SELLER_A[1:33]]


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
    local = local_tables(tmp_path / "lake")
    for name, path in files.items():
        lake_aws.put(f"raw/{name}", path.read_bytes())
        local.store.write_bytes(f"raw/{name}", path.read_bytes())

    # When each lands through the Lambda, and the local clean function runs
    outcomes = [land(lake_aws, f"raw/{name}", context) for name in files]
    for contract in CONTRACTS.values():
        refresh_table(local.store, local, contract)

    # Then both lakes hold the same clean rows
    assert {o["status"] for o in outcomes} == {"cleaned"}
    remote = lake_aws.tables()
    for table in CONTRACTS:
        assert table_rows(remote, CLEAN, table).equals(table_rows(local, CLEAN, table)), table
