"""The Dagster code location: every layer's assets and checks, bound to the lake settings."""

from __future__ import annotations

import dagster as dg

from olist_assets.core import settings
from olist_assets.defs.business import business_assets, business_checks
from olist_assets.defs.clean import clean_assets, clean_checks
from olist_assets.defs.raw import raw_assets
from olist_assets.defs.resources import LakeResource, LandingResource


def build_definitions(lake_url: str | dg.EnvVar, landing_url: str | dg.EnvVar) -> dg.Definitions:
    """All assets, checks and resources for one lake and one landing location."""
    return dg.Definitions(
        assets=[*raw_assets, *clean_assets, *business_assets],
        asset_checks=[*clean_checks, *business_checks],
        resources={
            "lake": LakeResource(url=lake_url),
            "landing": LandingResource(url=landing_url),
        },
    )


defs = build_definitions(dg.EnvVar(settings.LAKE_URL), dg.EnvVar(settings.LANDING_URL))
