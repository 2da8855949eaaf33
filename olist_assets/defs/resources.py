"""Dagster resources: where the lake and the landing folder are, and the SQL engine over the lake."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import dagster as dg
from pydantic import PrivateAttr

from olist_assets import settings
from olist_assets.core.storage import Store
from olist_assets.stores.iceberg.tables import IcebergTables, open_tables
from olist_assets.stores.locations import open_store

if TYPE_CHECKING:
    from olist_assets.engines.duckdb_engine import DuckDBEngine


class LakeResource(dg.ConfigurableResource):
    """The lake location (a local folder or an s3://bucket/prefix URL) and its Iceberg catalog.

    `catalog` is `sql` or `glue` (empty: SQL for a folder, Glue for s3://); `catalog_uri` names a SQL
    catalog other than `<lake>/catalog.db`. Glue database names and the AWS endpoint and region come
    from the process environment, as the AWS SDK's own settings do.
    """

    url: str
    catalog: str = ""
    catalog_uri: str = ""
    _tables: IcebergTables | None = PrivateAttr(default=None)

    def store(self) -> Store:
        return open_store(self.url)

    def tables(self) -> IcebergTables:
        """The lake's Iceberg tables (the core's table port), opened once per resource."""
        if self._tables is None:
            environ = {
                **os.environ,
                settings.CATALOG: self.catalog,
                settings.CATALOG_URI: self.catalog_uri,
            }
            self._tables = open_tables(self.url, environ)
        return self._tables


class LandingResource(dg.ConfigurableResource):
    """Where source CSV files arrive before they are landed into the lake's raw zone."""

    url: str

    def store(self) -> Store:
        return open_store(self.url)


class DuckDBResource(dg.ConfigurableResource):
    """The business SQL engine: an in-process DuckDB over the lake, one connection per run.

    The engine is opened when a run (or a step process) starts and closed when it ends, failed or
    not; every business asset and check of the run shares it.
    """

    lake: LakeResource
    _engine: DuckDBEngine | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        from olist_assets.engines.duckdb_engine import DuckDBEngine

        self._engine = DuckDBEngine(self.lake.tables())

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None

    def engine(self) -> DuckDBEngine:
        """The run's engine; RuntimeError outside a run (the resource was never set up)."""
        if self._engine is None:
            raise RuntimeError("DuckDBResource.engine() is only available while a run executes")
        return self._engine


def lake_resources(lake_url: str | dg.EnvVar, landing_url: str | dg.EnvVar) -> dict:
    """The resources every asset, check and sensor uses, for one lake and one landing location."""
    lake = LakeResource(url=lake_url)
    return {
        "lake": lake,
        "landing": LandingResource(url=landing_url),
        "duckdb": DuckDBResource(lake=lake),
    }
