"""Build table: rebuild one business table on Athena from its SQL file and switch readers to it."""

import dataclasses

from olist_assets.core import settings
from olist_assets.core.business.athena_engine import AthenaEngine
from olist_assets.core.business.tables import BUSINESS_TABLES
from olist_assets.core.runtime.invocation import invocation
from olist_assets.core.storage import open_store


def lambda_handler(event, context):
    with invocation("build_table", context) as env:
        table = event["table"]
        if table not in BUSINESS_TABLES:
            raise ValueError(f"{table!r} is not a business table ({sorted(BUSINESS_TABLES)})")
        engine = AthenaEngine(
            open_store(env[settings.LAKE_URL]),
            clean_database=env[settings.GLUE_DATABASE_CLEAN],
            business_database=env[settings.GLUE_DATABASE_BUSINESS],
            workgroup=env[settings.ATHENA_WORKGROUP],
        )
        return dataclasses.asdict(engine.build_table(table))
