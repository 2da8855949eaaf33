"""Check inputs: is the refresh's request quiet long enough, superseded, or are clean tables missing?"""

from datetime import UTC, datetime

from olist_assets.core import settings
from olist_assets.core.runtime.environment import positive_seconds
from olist_assets.core.runtime.invocation import invocation
from olist_assets.core.runtime.refresh import refresh_readiness
from olist_assets.core.storage import open_store


def lambda_handler(event, context):
    with invocation("check_inputs", context) as env:
        return refresh_readiness(
            open_store(env[settings.LAKE_URL]),
            execution=event["execution"],
            now=datetime.now(tz=UTC),
            debounce_seconds=positive_seconds(env, settings.REFRESH_DEBOUNCE_SECONDS),
        )
