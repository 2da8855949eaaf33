"""Quality checks: the clean and business checks of the Dagster asset checks, as the refresh's gate."""

import os

from olist_assets import settings
from olist_assets.aws.invocation import invocation
from olist_assets.aws.quality import quality_gate
from olist_assets.engines.athena_engine import AthenaEngine
from olist_assets.stores.iceberg.tables import open_tables


def lambda_handler(event, context):
    with invocation("quality_checks", context) as env:
        tables = open_tables(env[settings.LAKE_URL], os.environ)
        engine = AthenaEngine(tables, workgroup=env[settings.ATHENA_WORKGROUP])
        return quality_gate(tables.store, tables, engine, execution=event["execution"])
