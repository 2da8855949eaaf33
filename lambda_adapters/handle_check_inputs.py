"""Check inputs: wait for the burst to go quiet, supersede, report missing clean tables, or build."""

import os
from datetime import UTC, datetime

import boto3

from olist_assets import settings
from olist_assets.aws.config import positive_seconds
from olist_assets.aws.invocation import invocation
from olist_assets.aws.metrics import publish_refresh_pending
from olist_assets.aws.refresh import RefreshStates, check_refresh
from olist_assets.stores.iceberg.tables import open_tables


def lambda_handler(event, context):
    with invocation("check_inputs", context) as env:
        session = boto3.Session()
        tables = open_tables(env[settings.LAKE_URL], os.environ, session=session)
        now = datetime.now(tz=UTC)
        verdict = check_refresh(
            RefreshStates(tables.store),
            tables,
            session.client("stepfunctions"),
            env[settings.STATE_MACHINE_ARN],
            execution=event["execution"],
            now=now,
            quiet_seconds=positive_seconds(env, settings.REFRESH_DEBOUNCE_SECONDS),
        )
        publish_refresh_pending(
            env[settings.METRICS_NAMESPACE],
            env[settings.STATE_MACHINE_ARN],
            verdict["pending_seconds"],
            now,
        )
        return verdict
