"""Record failure: keep a failed refresh's error, or an alarm, in runs/failures/ and notify SNS."""

from datetime import UTC, datetime

import boto3

from olist_assets import settings
from olist_assets.aws.failures import alarm_failure, record_failure, refresh_failure
from olist_assets.aws.invocation import invocation
from olist_assets.stores.locations import open_store


def lambda_handler(event, context):
    with invocation("record_failure", context) as env:
        session = boto3.Session()
        return record_failure(
            open_store(env[settings.LAKE_URL], session=session),
            session.client("sns"),
            env[settings.FAILURE_TOPIC_ARN],
            alarm_failure(event) or refresh_failure(event),
            now=datetime.now(tz=UTC),
        )
