"""Landing: land each raw CSV an SQS batch of S3 events names; report the messages to retry."""

import os

import boto3

from olist_assets import settings
from olist_assets.aws.invocation import invocation
from olist_assets.aws.landing import Landing
from olist_assets.aws.queue import Intake, handle_event
from olist_assets.stores.iceberg.tables import open_tables


def lambda_handler(event, context):
    with invocation("landing", context) as env:
        session = boto3.Session()
        tables = open_tables(env[settings.LAKE_URL], os.environ, session=session)
        landing = Landing(
            store=tables.store,
            tables=tables,
            code_version=env[settings.CODE_VERSION],
        )
        intake = Intake(
            landing,
            sfn=session.client("stepfunctions"),
            state_machine_arn=env[settings.STATE_MACHINE_ARN],
            metrics_namespace=env[settings.METRICS_NAMESPACE],
            function_name=context.function_name,
        )
        return handle_event(intake, event)
