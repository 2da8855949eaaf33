"""Dagster resources: where the lake and the landing folder are, bound to environment settings."""

import dagster as dg

from olist_assets.core.storage import Store
from olist_assets.stores.locations import open_store


class LakeResource(dg.ConfigurableResource):
    """The lake location: a local folder or an s3://bucket/prefix URL."""

    url: str

    def store(self) -> Store:
        return open_store(self.url)


class LandingResource(dg.ConfigurableResource):
    """Where source CSV files arrive before they are landed into the lake's raw zone."""

    url: str

    def store(self) -> Store:
        return open_store(self.url)
