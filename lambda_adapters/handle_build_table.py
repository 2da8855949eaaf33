"""Build table: rebuild one business table on Athena from its SQL file, switch readers to it, record it."""

import dataclasses
from datetime import UTC, datetime

from olist_assets import settings
from olist_assets.aws.invocation import invocation
from olist_assets.core import runs
from olist_assets.core.business.tables import BUSINESS_TABLES
from olist_assets.engines.athena_engine import AthenaEngine
from olist_assets.stores.locations import open_store


def lambda_handler(event, context):
    with invocation("build_table", context) as env:
        table = event["table"]
        if table not in BUSINESS_TABLES:
            raise ValueError(f"{table!r} is not a business table ({sorted(BUSINESS_TABLES)})")
        store = open_store(env[settings.LAKE_URL])
        engine = AthenaEngine(
            store,
            clean_database=env[settings.GLUE_DATABASE_CLEAN],
            business_database=env[settings.GLUE_DATABASE_BUSINESS],
            workgroup=env[settings.ATHENA_WORKGROUP],
        )
        result = engine.build_table(table)
        record_key = runs.record_business_build(
            store,
            result,
            execution=event.get("execution"),
            code_version=env[settings.CODE_VERSION],
            finished_at=datetime.now(tz=UTC),
        )
        return {**dataclasses.asdict(result), "run_record": record_key}
