"""Dagster resources: where the lake and the landing folder are, bound to environment settings."""

import os

import dagster as dg

from olist_assets import settings
from olist_assets.core.storage import Store
from olist_assets.stores.iceberg.tables import IcebergTables
from olist_assets.stores.locations import open_store


class LakeResource(dg.ConfigurableResource):
    """The lake location (a local folder or an s3://bucket/prefix URL) and its Iceberg catalog.

    `catalog` is `sql` or `glue` (empty: SQL for a folder, Glue for s3://); `catalog_uri` names a SQL
    catalog other than `<lake>/catalog.db`. Glue database names and the AWS endpoint and region come
    from the process environment, as the AWS SDK's own settings do.
    """

    url: str
    catalog: str = ""
    catalog_uri: str = ""

    def store(self) -> Store:
        return open_store(self.url)

    def tables(self) -> IcebergTables:
        """The lake's Iceberg tables (the core's table port)."""
        environ = {
            **os.environ,
            settings.CATALOG: self.catalog,
            settings.CATALOG_URI: self.catalog_uri,
        }
        return IcebergTables(settings.catalog_config(self.url, environ), self.store())


class LandingResource(dg.ConfigurableResource):
    """Where source CSV files arrive before they are landed into the lake's raw zone."""

    url: str

    def store(self) -> Store:
        return open_store(self.url)
