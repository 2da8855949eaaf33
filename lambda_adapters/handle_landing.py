"""Landing: clean each raw CSV an S3 event names, catalog it, record it, ask for a business refresh."""

import boto3

from olist_assets import settings
from olist_assets.aws.config import positive_seconds
from olist_assets.aws.events import object_events
from olist_assets.aws.invocation import invocation
from olist_assets.aws.landing import Landing, land_object
from olist_assets.stores.locations import open_store


def lambda_handler(event, context):
    with invocation("landing", context) as env:
        session = boto3.Session()
        landing = Landing(
            store=open_store(env[settings.LAKE_URL], session=session),
            glue=session.client("glue"),
            sfn=session.client("stepfunctions"),
            clean_database=env[settings.GLUE_DATABASE_CLEAN],
            state_machine_arn=env[settings.STATE_MACHINE_ARN],
            debounce_seconds=positive_seconds(env, settings.REFRESH_DEBOUNCE_SECONDS),
            code_version=env[settings.CODE_VERSION],
        )
        return {"objects": [land_object(landing, obj) for obj in object_events(event)]}
