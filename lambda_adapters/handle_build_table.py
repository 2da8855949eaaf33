"""Build table: rebuild one business table on Athena from its SQL file, switch readers to it, record it.

Event: {"table": name, "execution": id (optional), "rebuild": true (optional: build even when the
table was built from what its inputs hold now, e.g. after an engine change)}.
"""

import dataclasses
import os
from datetime import UTC, datetime

from olist_assets import settings
from olist_assets.aws.invocation import invocation
from olist_assets.core import runs
from olist_assets.core.business.tables import BUSINESS_TABLES
from olist_assets.engines.athena_engine import AthenaEngine
from olist_assets.stores.iceberg.tables import open_tables


def lambda_handler(event, context):
    with invocation("build_table", context) as env:
        table = event["table"]
        if table not in BUSINESS_TABLES:
            raise ValueError(f"{table!r} is not a business table ({sorted(BUSINESS_TABLES)})")
        tables = open_tables(env[settings.LAKE_URL], os.environ)
        store = tables.store
        engine = AthenaEngine(tables, workgroup=env[settings.ATHENA_WORKGROUP])
        rebuild = event.get("rebuild", False)
        if not isinstance(rebuild, bool):
            raise ValueError(f"rebuild must be true or false (a JSON boolean), not {rebuild!r}")
        result = engine.build_table(table, rebuild=rebuild)
        record_key = runs.record_business_build(
            store,
            result,
            execution=event.get("execution"),
            code_version=env[settings.CODE_VERSION],
            finished_at=datetime.now(tz=UTC),
        )
        return {**dataclasses.asdict(result), "run_record": record_key}
