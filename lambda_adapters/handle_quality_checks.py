"""Quality checks: the clean and business checks of the Dagster asset checks, as the refresh's gate."""

from olist_assets import settings
from olist_assets.aws.invocation import invocation
from olist_assets.aws.quality import quality_gate
from olist_assets.engines.athena_engine import AthenaEngine
from olist_assets.stores.locations import open_store


def lambda_handler(event, context):
    with invocation("quality_checks", context) as env:
        store = open_store(env[settings.LAKE_URL])
        engine = AthenaEngine(
            store,
            clean_database=env[settings.GLUE_DATABASE_CLEAN],
            business_database=env[settings.GLUE_DATABASE_BUSINESS],
            workgroup=env[settings.ATHENA_WORKGROUP],
        )
        return quality_gate(store, engine, execution=event["execution"])
