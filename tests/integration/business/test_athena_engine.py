"""The Athena adapter under moto: the call sequence of a build and the atomic switch of the table.

moto runs the Athena API (query executions, work groups), Glue and S3, but it does not execute SQL.
`FakeAthenaSql` stands in for that one layer through botocore events on the engine's session: when
a CTAS is submitted it does what Athena would (create the staging Glue table, write Parquet under
its external_location) and reports the CTAS row count in GetQueryResults' UpdateCount. Everything
else (the engine's boto3 Athena calls, its Glue switch and S3 clean-up) runs against moto as written.
"""

from __future__ import annotations

import io
import re

import boto3
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlglot
from moto import mock_aws
from moto.athena.models import QueryResults, athena_backends
from moto.core import DEFAULT_ACCOUNT_ID
from moto.moto_api import state_manager
from sqlglot import exp

from olist_assets.core.checks.business import orders_conserved
from olist_assets.engines.athena_engine import AthenaEngine, EnforcedWorkgroupError
from olist_assets.engines.athena_queries import AthenaQueryFailed
from olist_assets.stores.s3 import S3Store

pytestmark = pytest.mark.integration

REGION = "us-east-1"
BUCKET = "olist-lake"
CLEAN_DB = "olist_clean"
BUSINESS_DB = "olist_business"
WORKGROUP = "olist"


class FakeAthenaSql:
    """What Athena does with a submitted CTAS, which moto does not: the table and its data."""

    def __init__(self, session: boto3.Session, rows: int = 3) -> None:
        self.rows = rows
        self.statements: list[str] = []
        self.fail_next = False
        self._failed_query_ids: set[str] = set()
        session.events.register("before-parameter-build.athena.StartQueryExecution", self._execute)
        session.events.register("after-call.athena.StartQueryExecution", self._remember)
        session.events.register("after-call.athena.GetQueryExecution", self._status)
        session.events.register("after-call.athena.GetQueryResults", self._update_count)

    def _execute(self, params: dict, **_) -> None:
        sql = params["QueryString"]
        self.statements.append(sql)
        statement = sqlglot.parse_one(sql, read="athena")
        if not isinstance(statement, exp.Create):
            return
        location = re.search(r"external_location = '([^']+)'", sql).group(1)
        _put_parquet(location + "20261125_000000_part0.parquet", self.rows)
        if self.fail_next:
            return
        boto3.client("glue", region_name=REGION).create_table(
            DatabaseName=statement.this.db,
            TableInput={
                "Name": statement.this.name,
                "TableType": "EXTERNAL_TABLE",
                "Parameters": {"classification": "parquet"},
                "StorageDescriptor": {
                    "Columns": [{"Name": "order_id", "Type": "string"}],
                    "Location": location,
                    "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                    "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                },
            },
        )

    def _remember(self, parsed: dict, **_) -> None:
        if self.fail_next:
            self._failed_query_ids.add(parsed["QueryExecutionId"])
            self.fail_next = False

    def _status(self, parsed: dict, **_) -> None:
        if parsed["QueryExecution"]["QueryExecutionId"] in self._failed_query_ids:
            parsed["QueryExecution"]["Status"] = {
                "State": "FAILED",
                "StateChangeReason": "HIVE_BAD_DATA: simulated failure half way",
            }

    def _update_count(self, parsed: dict, **_) -> None:
        parsed["UpdateCount"] = self.rows


def _put_parquet(uri: str, rows: int) -> None:
    bucket, key = uri.removeprefix("s3://").split("/", 1)
    buffer = io.BytesIO()
    pq.write_table(pa.table({"order_id": [f"o{i}" for i in range(rows)]}), buffer)
    boto3.client("s3", region_name=REGION).put_object(
        Bucket=bucket, Key=key, Body=buffer.getvalue()
    )


@pytest.fixture
def aws(monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        state_manager.set_transition(
            model_name="athena::execution", transition={"progression": "immediate"}
        )
        s3 = boto3.client("s3", region_name=REGION)
        for bucket in (BUCKET, "olist-athena-results"):
            s3.create_bucket(Bucket=bucket)
        glue = boto3.client("glue", region_name=REGION)
        for database in (CLEAN_DB, BUSINESS_DB):
            glue.create_database(DatabaseInput={"Name": database})
        boto3.client("athena", region_name=REGION).create_work_group(
            Name=WORKGROUP,
            Configuration={
                "EnforceWorkGroupConfiguration": False,
                "ResultConfiguration": {"OutputLocation": "s3://olist-athena-results/"},
            },
        )
        yield
        state_manager.unset_transition(model_name="athena::execution")


@pytest.fixture
def session(aws) -> boto3.Session:
    return boto3.Session(region_name=REGION)


@pytest.fixture
def athena(session) -> FakeAthenaSql:
    return FakeAthenaSql(session)


@pytest.fixture
def engine(session, athena) -> AthenaEngine:
    return AthenaEngine(S3Store(BUCKET, session=session), CLEAN_DB, BUSINESS_DB, WORKGROUP, session)


def glue_table(name: str) -> dict:
    return boto3.client("glue", region_name=REGION).get_table(DatabaseName=BUSINESS_DB, Name=name)[
        "Table"
    ]


def keys(prefix: str) -> list[str]:
    listing = boto3.client("s3", region_name=REGION).list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return [item["Key"] for item in listing.get("Contents", [])]


def business_tables() -> set[str]:
    listing = boto3.client("glue", region_name=REGION).get_tables(DatabaseName=BUSINESS_DB)
    return {table["Name"] for table in listing["TableList"]}


def test_first_build_runs_one_ctas_into_a_new_prefix_and_publishes_the_table(engine, athena):
    result = engine.build_table("fact_orders", run_id="run1")

    # One statement: a CTAS into a staging table, its data under a new run prefix, reading the
    # deployment's Glue databases (the SQL's `clean.` / `business.` names are mapped).
    [ctas] = athena.statements
    statement = sqlglot.parse_one(ctas, read="athena")
    assert (statement.this.db, statement.this.name) == (BUSINESS_DB, "fact_orders__run1")
    assert f"external_location = 's3://{BUCKET}/business/fact_orders/run=run1/'" in ctas
    read = {(t.db, t.name) for t in statement.expression.find_all(exp.Table) if t.db}
    assert {db for db, _ in read} == {CLEAN_DB}
    assert ("olist_clean", "order_payments") in read
    # The published table points at the new prefix; the staging table is gone
    assert glue_table("fact_orders")["StorageDescriptor"]["Location"] == result.location
    assert business_tables() == {"fact_orders"}
    assert (result.rows, result.location) == (3, f"s3://{BUCKET}/business/fact_orders/run=run1/")


def test_rebuild_switches_the_table_to_the_new_prefix_then_deletes_the_old(engine):
    # Given a published build, a stale prefix left by a crashed run, and another table's data
    engine.build_table("fact_orders", run_id="run1")
    _put_parquet(f"s3://{BUCKET}/business/fact_orders/run=crashed/part.parquet", 1)
    _put_parquet(f"s3://{BUCKET}/business/fact_order_items/run=run0/part.parquet", 1)

    # When the table is rebuilt
    result = engine.build_table("fact_orders", run_id="run2")

    # Then the one Glue table now reads the new prefix, and only that prefix is left
    assert glue_table("fact_orders")["StorageDescriptor"]["Location"] == result.location
    assert business_tables() == {"fact_orders"}
    assert keys("business/fact_orders/") == [
        "business/fact_orders/run=run2/20261125_000000_part0.parquet"
    ]
    assert keys("business/fact_order_items/") == ["business/fact_order_items/run=run0/part.parquet"]


def test_a_failed_ctas_leaves_the_published_table_and_its_data_untouched(engine, athena):
    # Given a published build
    engine.build_table("fact_orders", run_id="run1")
    published = glue_table("fact_orders")["StorageDescriptor"]["Location"]

    # When the next CTAS fails after writing part of its output
    athena.fail_next = True
    with pytest.raises(AthenaQueryFailed, match="simulated failure"):
        engine.build_table("fact_orders", run_id="run2")

    # Then readers still see the previous build, and the partial output is removed
    assert glue_table("fact_orders")["StorageDescriptor"]["Location"] == published
    assert keys("business/fact_orders/") == [
        "business/fact_orders/run=run1/20261125_000000_part0.parquet"
    ]


def test_a_work_group_enforcing_its_settings_is_refused_before_any_query(session, athena):
    # Given a work group that overrides client settings (Athena would reject external_location)
    boto3.client("athena", region_name=REGION).create_work_group(
        Name="enforced",
        Configuration={
            "EnforceWorkGroupConfiguration": True,
            "ResultConfiguration": {"OutputLocation": "s3://olist-athena-results/"},
        },
    )
    engine = AthenaEngine(
        S3Store(BUCKET, session=session), CLEAN_DB, BUSINESS_DB, "enforced", session
    )

    # When a table is built in it, Then the build stops with the fix, having run nothing
    with pytest.raises(EnforcedWorkgroupError, match="enforce_workgroup_configuration = false"):
        engine.build_table("fact_orders")
    assert athena.statements == []


def test_checks_query_athena_with_the_deployments_databases(engine, athena):
    # Given Athena answering the check's query (moto serves queued results)
    header = [{"VarCharValue": "business_orders"}, {"VarCharValue": "clean_orders"}]
    values = [{"VarCharValue": "12"}, {"VarCharValue": "11"}]
    athena_backends[DEFAULT_ACCOUNT_ID][REGION].query_results_queue.append(
        QueryResults(
            rows=[{"Data": header}, {"Data": values}],
            column_info=[
                {"Name": "business_orders", "Type": "bigint"},
                {"Name": "clean_orders", "Type": "bigint"},
            ],
        )
    )

    # When a check runs through the Athena engine
    verdict = orders_conserved(engine)

    # Then it reads the answer and the SQL it sent names the deployment's databases
    assert (verdict.passed, verdict.metadata) == (
        False,
        {"business_orders": 12, "clean_orders": 11},
    )
    [query] = athena.statements
    assert f'"{BUSINESS_DB}".fact_orders' in query and f'"{CLEAN_DB}".orders' in query
