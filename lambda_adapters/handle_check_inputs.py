"""Check inputs: is the refresh's request quiet long enough, superseded, or are clean tables missing?"""

import os
from datetime import UTC, datetime

from olist_assets import settings
from olist_assets.aws.config import positive_seconds
from olist_assets.aws.invocation import invocation
from olist_assets.aws.refresh import refresh_readiness
from olist_assets.stores.iceberg.tables import open_tables


def lambda_handler(event, context):
    with invocation("check_inputs", context) as env:
        tables = open_tables(env[settings.LAKE_URL], os.environ)
        return refresh_readiness(
            tables.store,
            tables,
            execution=event["execution"],
            now=datetime.now(tz=UTC),
            debounce_seconds=positive_seconds(env, settings.REFRESH_DEBOUNCE_SECONDS),
        )
