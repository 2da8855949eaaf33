"""Athena adapter of the SQL engine port: the business SQL run by Athena, published atomically.

A build runs CTAS into a staging table whose data goes to a new prefix
`business/<table>/run=<id>/`, copies the staging table's Glue definition (columns and location) onto
the published table in one `update_table` (or `create_table` the first time), drops the staging
table and deletes every other object under `business/<table>/`. Readers of the published table see
the old data or the new, never a half-written prefix. A failed CTAS leaves the published table as
it was and its partial output is removed.

The work group must not enforce its settings over the client's: Athena rejects a CTAS naming an
external_location in a work group that does (it would write the table under the query results
location instead), so the build checks this first and says so.

Queries go through boto3 alone (StartQueryExecution, GetQueryExecution polled with a bounded
backoff, GetQueryResults), so the functions need no pandas or awswrangler layer.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import boto3
import pyarrow as pa

from olist_assets.core import lake
from olist_assets.core.business.engine import BuildResult
from olist_assets.core.business.tables import BUSINESS_TABLES, qualify_schemas, sql_for
from olist_assets.core.storage import Store
from olist_assets.engines.athena_queries import run_query, select_results

GLUE_TABLE_FIELDS = ("StorageDescriptor", "PartitionKeys", "TableType", "Parameters")


class EnforcedWorkgroupError(RuntimeError):
    """The Athena work group overrides client settings, so CTAS cannot write into the lake."""


def new_run_id() -> str:
    """A sortable, unique id for one build: UTC time and a random suffix, valid in Glue names."""
    return f"{datetime.now(UTC):%Y%m%dt%H%M%S}_{uuid.uuid4().hex[:8]}"


class AthenaEngine:
    """Runs the business SQL on Athena against the Glue databases of the clean and business layers."""

    def __init__(
        self,
        store: Store,
        clean_database: str,
        business_database: str,
        workgroup: str,
        session: boto3.Session | None = None,
    ) -> None:
        self.store = store
        self.clean_database = clean_database
        self.business_database = business_database
        self.workgroup = workgroup
        self.session = session or boto3.Session()

    def render(self, sql: str) -> str:
        """The SQL with `clean.` and `business.` pointing at this deployment's Glue databases."""
        return qualify_schemas(sql, self.clean_database, self.business_database)

    def build_table(self, name: str, run_id: str | None = None) -> BuildResult:
        """CTAS the table into a new prefix, then switch the published table to it."""
        started = time.perf_counter()
        self._require_client_settings()
        run_id = run_id or new_run_id()
        staging = f"{name}__{run_id}"
        run_prefix = f"{lake.business_prefix(name)}run={run_id}/"
        location = self.store.uri(run_prefix)
        try:
            query_id = self._execute(self._ctas(name, staging, location))
        except Exception:
            self._delete_under(run_prefix)
            raise
        rows = self._update_count(query_id)
        self._switch(name, staging)
        self._delete_under(lake.business_prefix(name), keep=run_prefix)
        return BuildResult(name, rows, location, time.perf_counter() - started)

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

    def _ctas(self, name: str, staging: str, location: str) -> str:
        return (
            f'CREATE TABLE "{self.business_database}"."{staging}"\n'
            f"WITH (format = 'PARQUET', write_compression = 'ZSTD', "
            f"external_location = '{location}')\n"
            f"AS\n{self.render(sql_for(name))}"
        )

    def _execute(self, sql: str) -> str:
        """Run one statement in the work group against the business database; its query id."""
        athena = self.session.client("athena")
        return run_query(athena, sql, database=self.business_database, workgroup=self.workgroup)

    def _update_count(self, query_id: str) -> int:
        """Rows a CTAS wrote, as Athena reports them for the query."""
        athena = self.session.client("athena")
        return int(athena.get_query_results(QueryExecutionId=query_id, MaxResults=1)["UpdateCount"])

    def _switch(self, name: str, staging: str) -> None:
        """Point the published table at the staging table's columns and location, drop the staging."""
        glue = self.session.client("glue")
        staged = glue.get_table(DatabaseName=self.business_database, Name=staging)["Table"]
        table_input = {field: staged[field] for field in GLUE_TABLE_FIELDS if field in staged}
        table_input |= {"Name": name, "Description": BUSINESS_TABLES[name].description}
        try:
            glue.update_table(DatabaseName=self.business_database, TableInput=table_input)
        except glue.exceptions.EntityNotFoundException:
            glue.create_table(DatabaseName=self.business_database, TableInput=table_input)
        glue.delete_table(DatabaseName=self.business_database, Name=staging)

    def _delete_under(self, prefix: str, keep: str | None = None) -> None:
        for info in self.store.list(prefix):
            if keep is None or not info.key.startswith(keep):
                self.store.delete(info.key)
