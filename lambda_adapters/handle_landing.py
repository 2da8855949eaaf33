"""Landing: commit each raw CSV an S3 event names to its Iceberg table, record it, ask for a refresh."""

import os

import boto3

from olist_assets import settings
from olist_assets.aws.config import positive_seconds
from olist_assets.aws.events import object_events
from olist_assets.aws.invocation import invocation
from olist_assets.aws.landing import Landing, land_object
from olist_assets.stores.iceberg.tables import open_tables


def lambda_handler(event, context):
    with invocation("landing", context) as env:
        session = boto3.Session()
        tables = open_tables(env[settings.LAKE_URL], os.environ, session=session)
        landing = Landing(
            store=tables.store,
            tables=tables,
            sfn=session.client("stepfunctions"),
            state_machine_arn=env[settings.STATE_MACHINE_ARN],
            debounce_seconds=positive_seconds(env, settings.REFRESH_DEBOUNCE_SECONDS),
            code_version=env[settings.CODE_VERSION],
        )
        return {"objects": [land_object(landing, obj) for obj in object_events(event)]}
