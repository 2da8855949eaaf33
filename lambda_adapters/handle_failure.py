"""Record failure: keep a failed refresh's error in runs/failures/ and notify the SNS topic."""

from datetime import UTC, datetime

import boto3

from olist_assets import settings
from olist_assets.aws.failures import record_refresh_failure
from olist_assets.aws.invocation import invocation
from olist_assets.stores.locations import open_store


def lambda_handler(event, context):
    with invocation("record_failure", context) as env:
        session = boto3.Session()
        failure = {name: event.get(name) for name in ("execution", "error", "cause")}
        return record_refresh_failure(
            open_store(env[settings.LAKE_URL], session=session),
            session.client("sns"),
            env[settings.FAILURE_TOPIC_ARN],
            failure,
            now=datetime.now(tz=UTC),
        )
