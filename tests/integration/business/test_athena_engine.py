"""The Athena adapter on a moto server: a CTAS's Parquet committed as one Iceberg snapshot.

moto runs the Athena API (query executions, work groups), Glue and S3, but it does not execute SQL.
`FakeAthenaSql` stands in for that one layer through botocore events on the engine's session: when
a CTAS is submitted it does what Athena would (write Parquet shaped like Athena's output under the
external_location: Hive-style names without extension, INT96 timestamps, no Iceberg field ids; then
register the CTAS's Glue table) and reports the CTAS row count in GetQueryResults' UpdateCount.
Everything else (the engine's boto3 Athena calls, dropping the CTAS table, the pyiceberg commit into
the Glue catalog, S3 clean-up) runs against moto as written. The server (not `mock_aws`) is needed
because pyiceberg and pyarrow reach S3 with their own client.
"""

from __future__ import annotations

import io
import json
import os
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import boto3
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlglot
from moto.athena.models import QueryResults, athena_backends
from moto.core import DEFAULT_ACCOUNT_ID
from moto.moto_api import state_manager
from sqlglot import exp

from olist_assets import settings
from olist_assets.core.business.builds import INPUTS_PROPERTY
from olist_assets.core.business.docs import table_doc
from olist_assets.core.business.tables import BUSINESS_TABLES
from olist_assets.core.checks.business import orders_conserved
from olist_assets.core.tables import BUSINESS, CLEAN
from olist_assets.engines.athena_engine import AthenaEngine, EnforcedWorkgroupError
from olist_assets.engines.athena_queries import AthenaQueryFailed
from olist_assets.stores.iceberg.datafiles import current_files
from olist_assets.stores.iceberg.maintenance import maintain_table
from olist_assets.stores.iceberg.tables import IcebergTables, open_tables
from tests.integration.business.conftest import restate_clean_table

pytestmark = pytest.mark.integration

REGION = "us-east-1"
BUCKET = "olist-lake"
CLEAN_DB = "olist_clean"
BUSINESS_DB = "olist_business"
WORKGROUP = "olist"
ATHENA_FILE = "20261125_170000_00012_x7k2p_5e0c6b0a-3d2f-4c55-9a51-0b1f2e3d4c5b"


def ctas_rows(build: int) -> pa.Table:
    """What the fake CTAS of build `build` returns: a string, a timestamp to the millisecond
    (Athena's precision), a decimal; rows differ between builds."""
    return pa.table(
        {
            "order_id": [f"o{build}-{i}" for i in range(3)],
            "purchase_ts": pa.array(
                [datetime(2018, 1, 5, 10, 0, 0, 123000) + timedelta(hours=i) for i in range(3)],
                pa.timestamp("ms"),
            ),
            "payment_total": pa.array(
                [Decimal("10.01") * (i + 1) for i in range(3)], pa.decimal128(12, 2)
            ),
        }
    )


GLUE_COLUMNS = [
    {"Name": "order_id", "Type": "string"},
    {"Name": "purchase_ts", "Type": "timestamp"},
    {"Name": "payment_total", "Type": "decimal(12,2)"},
]


class FakeAthenaSql:
    """What Athena does with a submitted CTAS, which moto does not: the table and its data."""

    def __init__(self, session: boto3.Session) -> None:
        self.builds = 0
        self.statements: list[str] = []
        self.fail_next = False
        self._failed_query_ids: set[str] = set()
        session.events.register("before-parameter-build.athena.StartQueryExecution", self._execute)
        session.events.register("after-call.athena.StartQueryExecution", self._remember)
        session.events.register("after-call.athena.GetQueryExecution", self._status)
        session.events.register("after-call.athena.GetQueryResults", self._update_count)

    @property
    def rows(self) -> pa.Table:
        return ctas_rows(self.builds)

    def _execute(self, params: dict, **_) -> None:
        sql = params["QueryString"]
        self.statements.append(sql)
        statement = sqlglot.parse_one(sql, read="athena")
        if not isinstance(statement, exp.Create):
            return
        self.builds += 1
        location = re.search(r"external_location = '([^']+)'", sql).group(1)
        _put_athena_parquet(location + ATHENA_FILE, self.rows)
        if self.fail_next:
            return
        boto3.client("glue", region_name=REGION).create_table(
            DatabaseName=statement.this.db,
            TableInput={
                "Name": statement.this.name,
                "TableType": "EXTERNAL_TABLE",
                "Parameters": {"classification": "parquet", "has_encrypted_data": "false"},
                "StorageDescriptor": {
                    "Columns": GLUE_COLUMNS,
                    "Location": location,
                    "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                    "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                    "SerdeInfo": {
                        "SerializationLibrary": (
                            "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
                        )
                    },
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
        parsed["UpdateCount"] = self.rows.num_rows


def _put_athena_parquet(uri: str, rows: pa.Table) -> None:
    """Parquet as Athena's CTAS writes it: INT96 timestamps, no field ids, no file extension."""
    bucket, key = uri.removeprefix("s3://").split("/", 1)
    buffer = io.BytesIO()
    pq.write_table(rows, buffer, use_deprecated_int96_timestamps=True, compression="gzip")
    boto3.client("s3", region_name=REGION).put_object(
        Bucket=bucket, Key=key, Body=buffer.getvalue()
    )


@pytest.fixture
def lake(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> IcebergTables:
    """The lake bucket, its Glue databases (as the deployment names them) and the work group."""
    monkeypatch.setenv(settings.GLUE_DATABASE_CLEAN, CLEAN_DB)
    monkeypatch.setenv(settings.GLUE_DATABASE_BUSINESS, BUSINESS_DB)
    state_manager.set_transition(
        model_name="athena::execution", transition={"progression": "immediate"}
    )
    s3 = boto3.client("s3", region_name=REGION)
    for bucket in (BUCKET, "olist-athena-results"):
        s3.create_bucket(Bucket=bucket)
    boto3.client("athena", region_name=REGION).create_work_group(
        Name=WORKGROUP,
        Configuration={
            "EnforceWorkGroupConfiguration": False,
            "ResultConfiguration": {"OutputLocation": "s3://olist-athena-results/"},
        },
    )
    yield open_tables(f"s3://{BUCKET}/", os.environ)
    state_manager.unset_transition(model_name="athena::execution")


@pytest.fixture
def clean_lake(lake: IcebergTables, write_tiny_layer) -> IcebergTables:
    """The lake with the tiny clean layer committed (the tables fact_orders reads)."""
    write_tiny_layer(lake)
    return lake


@pytest.fixture
def session(lake) -> boto3.Session:
    return boto3.Session(region_name=REGION)


@pytest.fixture
def athena(session) -> FakeAthenaSql:
    return FakeAthenaSql(session)


@pytest.fixture
def engine(lake, session, athena) -> AthenaEngine:
    return AthenaEngine(lake, WORKGROUP, session)


def glue_table(name: str) -> dict:
    return boto3.client("glue", region_name=REGION).get_table(DatabaseName=BUSINESS_DB, Name=name)[
        "Table"
    ]


def keys(prefix: str) -> list[str]:
    listing = boto3.client("s3", region_name=REGION).list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def business_tables() -> set[str]:
    listing = boto3.client("glue", region_name=REGION).get_tables(DatabaseName=BUSINESS_DB)
    return {table["Name"] for table in listing["TableList"]}


def snapshot_files(tables: IcebergTables, name: str, snapshot_id: int) -> list[str]:
    table = tables.load(BUSINESS, name)
    return sorted(f.file_path for f in current_files(table, snapshot_id))


def clean_snapshots(tables: IcebergTables, name: str) -> dict[str, int]:
    """The current snapshot of every clean table a business table reads."""
    return {
        f"{CLEAN}.{t}": tables.load(CLEAN, t).current_snapshot().snapshot_id
        for t in BUSINESS_TABLES[name].reads
    }


def test_a_build_commits_the_ctas_output_as_one_iceberg_snapshot_of_the_glue_table(
    engine, athena, clean_lake
):
    pinned = clean_snapshots(clean_lake, "fact_orders")

    result = engine.build_table("fact_orders", run_id="run1")

    # One statement: a CTAS into a throwaway table, its Parquet under the table's own data/ folder,
    # reading the deployment's clean database at the snapshots pinned when the build started
    [ctas] = athena.statements
    statement = sqlglot.parse_one(ctas, read="athena")
    assert (statement.this.db, statement.this.name) == (BUSINESS_DB, "fact_orders__ctas_run1")
    prefix = f"s3://{BUCKET}/business/fact_orders/data/ctas-run1/"
    assert f"external_location = '{prefix}'" in ctas
    read = {(t.db, t.name) for t in statement.expression.find_all(exp.Table) if t.db}
    assert {db for db, _ in read} == {CLEAN_DB}
    assert (CLEAN_DB, "order_payments") in read
    for name in BUSINESS_TABLES["fact_orders"].reads:
        assert f'"{CLEAN_DB}".{name} FOR VERSION AS OF {pinned[f"{CLEAN}.{name}"]}' in ctas
    # And the Glue table is the Iceberg table, at the metadata of the snapshot the build committed;
    # the CTAS's own Glue table is gone
    table = clean_lake.load(BUSINESS, "fact_orders")
    glue = glue_table("fact_orders")
    assert glue["Parameters"]["table_type"] == "ICEBERG"
    assert glue["Parameters"]["metadata_location"] == table.metadata_location
    assert table.current_snapshot().snapshot_id == result.snapshot_id
    assert business_tables() == {"fact_orders"}
    # And that snapshot holds exactly the CTAS's files and records the input snapshots
    assert [
        path.removeprefix(prefix)
        for path in snapshot_files(clean_lake, "fact_orders", result.snapshot_id)
    ] == [f"{ATHENA_FILE}-us.parquet"]
    assert result.inputs == pinned
    summary = table.current_snapshot().summary.additional_properties
    assert summary[INPUTS_PROPERTY] == table.properties[INPUTS_PROPERTY]
    assert json.loads(summary[INPUTS_PROPERTY]) == pinned
    # And its rows read back exactly, timestamps included (INT96 in, microseconds in Iceberg)
    rows = clean_lake.scan(BUSINESS, "fact_orders").read_all()
    assert rows.to_pylist() == ctas_rows(1).cast(rows.schema).to_pylist()
    assert rows.schema.field("purchase_ts").type == pa.timestamp("us")
    assert (result.rows, result.location) == (3, f"s3://{BUCKET}/business/fact_orders")


def test_the_glue_table_carries_the_documented_table_and_column_comments(engine, clean_lake):
    engine.build_table("fact_orders", run_id="run1")

    published = glue_table("fact_orders")
    doc = table_doc("fact_orders")
    assert published["Description"] == doc.description
    comments = {c["Name"]: c.get("Comment") for c in published["StorageDescriptor"]["Columns"]}
    assert comments == {
        name: doc.columns[name] for name in ("order_id", "purchase_ts", "payment_total")
    }


def order_ids(tables: IcebergTables, snapshot_id: int | None = None) -> list[str]:
    rows = tables.scan(BUSINESS, "fact_orders", ["order_id"], snapshot_id).read_all()
    return sorted(rows.column("order_id").to_pylist())


def test_a_rebuild_is_a_new_snapshot_and_maintenance_then_leaves_only_its_files(engine, clean_lake):
    # Given a published build, a prefix left by a crashed run, and another table's data
    first = engine.build_table("fact_orders", run_id="run1")
    crashed = f"s3://{BUCKET}/business/fact_orders/data/ctas-crashed/{ATHENA_FILE}"
    _put_athena_parquet(crashed, ctas_rows(99))
    other = f"business/fact_order_items/data/ctas-run0/{ATHENA_FILE}"
    _put_athena_parquet(f"s3://{BUCKET}/{other}", ctas_rows(0))

    # When an input changes and the table is rebuilt
    restate_clean_table(clean_lake, "orders")
    second = engine.build_table("fact_orders", run_id="run2")

    # Then the Glue table points at a new snapshot holding the second build only (the crashed
    # run's files are never read), and the first build stays readable at its snapshot
    table = clean_lake.load(BUSINESS, "fact_orders")
    assert glue_table("fact_orders")["Parameters"]["metadata_location"] == table.metadata_location
    assert table.snapshot_by_id(second.snapshot_id).parent_snapshot_id == first.snapshot_id
    assert order_ids(clean_lake) == ctas_rows(2).column("order_id").to_pylist()
    assert order_ids(clean_lake, first.snapshot_id) == ctas_rows(1).column("order_id").to_pylist()
    assert business_tables() == {"fact_orders"}

    # When maintenance runs past the retention of the first build
    later = datetime.now(UTC) + timedelta(minutes=1)
    maintain_table(clean_lake, BUSINESS, "fact_orders", timedelta(0), later)

    # Then only the current build's data is left, and the other table's data is untouched
    assert keys("business/fact_orders/data/") == [
        f"business/fact_orders/data/ctas-run2/{ATHENA_FILE}-us.parquet"
    ]
    assert keys("business/fact_order_items/") == [other]
    assert order_ids(clean_lake) == ctas_rows(2).column("order_id").to_pylist()


def test_a_failed_ctas_leaves_the_published_snapshot_current_and_removes_its_output(
    engine, athena, clean_lake
):
    # Given a published build
    first = engine.build_table("fact_orders", run_id="run1")
    published = glue_table("fact_orders")["Parameters"]["metadata_location"]

    # When an input changes and the next CTAS fails after writing part of its output
    restate_clean_table(clean_lake, "orders")
    athena.fail_next = True
    with pytest.raises(AthenaQueryFailed, match="simulated failure"):
        engine.build_table("fact_orders", run_id="run2")

    # Then readers still see the previous build, and the partial output is removed
    assert glue_table("fact_orders")["Parameters"]["metadata_location"] == published
    assert clean_lake.load(BUSINESS, "fact_orders").current_snapshot().snapshot_id == (
        first.snapshot_id
    )
    assert order_ids(clean_lake) == ctas_rows(1).column("order_id").to_pylist()
    assert keys("business/fact_orders/data/ctas-run2/") == []


def test_a_work_group_enforcing_its_settings_is_refused_before_any_query(lake, session, athena):
    # Given a work group that overrides client settings (Athena would reject external_location)
    boto3.client("athena", region_name=REGION).create_work_group(
        Name="enforced",
        Configuration={
            "EnforceWorkGroupConfiguration": True,
            "ResultConfiguration": {"OutputLocation": "s3://olist-athena-results/"},
        },
    )
    engine = AthenaEngine(lake, "enforced", session)

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


def test_a_build_from_unchanged_inputs_runs_no_query(engine, athena, clean_lake):
    # Given a published build
    first = engine.build_table("fact_orders", run_id="run1")
    statements = list(athena.statements)

    # When the table is built again before any input changed
    again = engine.build_table("fact_orders", run_id="run2")

    # Then Athena runs nothing, no file is written, and the published snapshot stands
    assert athena.statements == statements
    assert (again.rebuilt, again.snapshot_id, again.rows) == (False, first.snapshot_id, first.rows)
    assert keys("business/fact_orders/data/ctas-run2/") == []
    assert glue_table("fact_orders")["Parameters"]["metadata_location"] == (
        clean_lake.load(BUSINESS, "fact_orders").metadata_location
    )
