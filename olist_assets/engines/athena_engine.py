"""Athena adapter of the SQL engine port: the business SQL run by Athena, committed to Iceberg.

A build pins the snapshots of the tables its SQL reads (`FOR VERSION AS OF`), runs a CTAS whose
Parquet lands under the business table's own location (`business/<table>/data/ctas-<run>/`),
drops the CTAS's throwaway Glue table, and commits those files as one snapshot of the Iceberg
table `business.<table>` (pyiceberg, `stores/iceberg/business.py`). Readers see the previous build
or this one; a failed CTAS leaves the table as it was and its partial output is removed. Files whose
types Iceberg does not take as written (Athena's INT96 or millisecond timestamps) are rewritten
with microsecond timestamps before the commit.

The work group must not enforce its settings over the client's: Athena rejects a CTAS naming an
external_location in a work group that does (it would write the table under the query results
location instead), so the build checks this first and says so.

Queries go through boto3 alone (StartQueryExecution, GetQueryExecution polled with a bounded
backoff, GetQueryResults), so the functions need no pandas or awswrangler layer.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime

import boto3
import pyarrow as pa

from olist_assets.core.business.engine import BuildResult
from olist_assets.core.business.tables import (
    BUSINESS_TABLES,
    pin_snapshots,
    qualify_schemas,
    sql_for,
)
from olist_assets.core.tables import BUSINESS, CLEAN
from olist_assets.engines.athena_queries import run_query, select_results
from olist_assets.stores.iceberg.business import (
    current_build,
    iceberg_ready,
    input_contents,
    publish_build,
)
from olist_assets.stores.iceberg.tables import IcebergTables

HIVE_TYPES = {
    "string": pa.string(),
    "varchar": pa.string(),
    "bigint": pa.int64(),
    "int": pa.int32(),
    "integer": pa.int32(),
    "double": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
}


class MissingInputError(LookupError):
    """A business table's SQL reads a table that has no snapshot yet."""


class EnforcedWorkgroupError(RuntimeError):
    """The Athena work group overrides client settings, so CTAS cannot write into the lake."""


def new_run_id() -> str:
    """A sortable, unique id for one build: UTC time and a random suffix, valid in Glue names."""
    return f"{datetime.now(UTC):%Y%m%dt%H%M%S}_{uuid.uuid4().hex[:8]}"


class AthenaEngine:
    """Runs the business SQL on Athena against the Glue databases of the clean and business layers."""

    def __init__(
        self, tables: IcebergTables, workgroup: str, session: boto3.Session | None = None
    ) -> None:
        self.tables = tables
        self.store = tables.store
        self.clean_database = tables.config.databases[CLEAN]
        self.business_database = tables.config.databases[BUSINESS]
        self.workgroup = workgroup
        self.session = session or boto3.Session()

    def render(self, sql: str) -> str:
        """The SQL with `clean.` and `business.` pointing at this deployment's Glue databases."""
        return qualify_schemas(sql, self.clean_database, self.business_database)

    def build_table(
        self, name: str, rebuild: bool = False, run_id: str | None = None
    ) -> BuildResult:
        """CTAS the table's rows as Parquet under its location, then commit them as one snapshot; a
        table already built from what its inputs hold now runs no query (rebuilt=False) unless
        `rebuild`."""
        started = time.perf_counter()
        self._require_client_settings()
        inputs = self._pinned_inputs(name)
        contents = input_contents(self.tables, inputs)
        standing = None if rebuild else current_build(self.tables, name, inputs, contents)
        if standing is not None:
            return replace(standing, seconds=time.perf_counter() - started)
        run_id = run_id or new_run_id()
        staging = f"{name}__ctas_{run_id}"
        location = self.tables.location(BUSINESS, name)
        prefix = f"{BUSINESS}/{name}/data/ctas-{run_id}/"
        try:
            query_id = self._execute(self._ctas(name, staging, self.store.uri(prefix), inputs))
            schema = self._drop_glue_table(staging)
            paths = iceberg_ready(self.tables, prefix, schema)
            snapshot = publish_build(
                self.tables,
                name,
                paths,
                inputs,
                contents,
                {"olist.engine": "athena", "olist.query": query_id},
            )
        except Exception:
            self._delete_under(prefix)
            raise
        rows = self._update_count(query_id)
        return BuildResult(name, rows, location, time.perf_counter() - started, snapshot, inputs)

    def query(self, sql: str) -> pa.Table:
        athena = self.session.client("athena")
        query_id = self._execute(self.render(sql))
        return select_results(athena, query_id)

    def _require_client_settings(self) -> None:
        workgroup = self.session.client("athena").get_work_group(WorkGroup=self.workgroup)
        if workgroup["WorkGroup"]["Configuration"].get("EnforceWorkGroupConfiguration"):
            raise EnforcedWorkgroupError(
                f"Athena work group {self.workgroup!r} enforces its settings over the client's, "
                "so a CTAS cannot write to the lake's business/ prefix; set "
                "enforce_workgroup_configuration = false on it"
            )

    def _ctas(self, name: str, staging: str, location: str, inputs: dict[str, int]) -> str:
        return (
            f'CREATE TABLE "{self.business_database}"."{staging}"\n'
            f"WITH (format = 'PARQUET', write_compression = 'ZSTD', "
            f"external_location = '{location}')\n"
            f"AS\n{self.render(pin_snapshots(sql_for(name), inputs))}"
        )

    def _pinned_inputs(self, name: str) -> dict[str, int]:
        """The current snapshot of every table the SQL reads; MissingInputError for an absent one."""
        table = BUSINESS_TABLES[name]
        wanted = [(CLEAN, t) for t in table.reads] + [(BUSINESS, t) for t in table.depends_on]
        pinned, missing = {}, []
        for namespace, reads in wanted:
            loaded = self.tables.load(namespace, reads)
            snapshot = loaded.current_snapshot() if loaded else None
            if snapshot is None:
                missing.append(f"{namespace}.{reads}")
            else:
                pinned[f"{namespace}.{reads}"] = snapshot.snapshot_id
        if missing:
            raise MissingInputError(f"business.{name} reads {', '.join(missing)}: not built yet")
        return pinned

    def _drop_glue_table(self, staging: str) -> pa.Schema:
        """The CTAS registered a Hive table over its output: keep its columns, drop the table."""
        glue = self.session.client("glue")
        table = glue.get_table(DatabaseName=self.business_database, Name=staging)["Table"]
        glue.delete_table(DatabaseName=self.business_database, Name=staging)
        columns = table["StorageDescriptor"]["Columns"]
        return pa.schema([(c["Name"], hive_type(c["Type"])) for c in columns])

    def _execute(self, sql: str) -> str:
        """Run one statement in the work group against the business database; its query id."""
        athena = self.session.client("athena")
        return run_query(athena, sql, database=self.business_database, workgroup=self.workgroup)

    def _update_count(self, query_id: str) -> int:
        """Rows a CTAS wrote, as Athena reports them for the query."""
        athena = self.session.client("athena")
        return int(athena.get_query_results(QueryExecutionId=query_id, MaxResults=1)["UpdateCount"])

    def _delete_under(self, prefix: str) -> None:
        for info in self.store.list(prefix):
            self.store.delete(info.key)


def hive_type(name: str) -> pa.DataType:
    """The Arrow type of a Glue (Hive) column type as Athena's CTAS declares it."""
    text = name.strip().lower()
    if text.startswith("decimal"):
        precision, scale = (int(part) for part in text[8:-1].split(","))
        return pa.decimal128(precision, scale)
    base = text.split("(")[0]
    if base not in HIVE_TYPES:
        raise ValueError(f"no Arrow type for the Glue column type {name!r}")
    return HIVE_TYPES[base]
