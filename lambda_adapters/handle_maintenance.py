"""Maintenance: compact, expire old snapshots and delete unreferenced files of every lake table."""

import logging
import os
from dataclasses import asdict
from datetime import UTC, datetime

import boto3

from olist_assets import settings
from olist_assets.aws.config import retention_days
from olist_assets.aws.invocation import invocation
from olist_assets.stores.iceberg.maintenance import maintain_lake
from olist_assets.stores.iceberg.tables import open_tables

log = logging.getLogger("olist.maintenance")


def lambda_handler(event, context):
    with invocation("maintenance", context) as env:
        retention = retention_days(env, settings.MAINTENANCE_RETAIN_DAYS)
        tables = open_tables(env[settings.LAKE_URL], os.environ, session=boto3.Session())
        results = [asdict(result) for result in maintain_lake(tables, retention, datetime.now(UTC))]
        for result in results:
            log.info(f"maintained {result['table']}", extra={"fields": result})
        return {"retain_days": retention.total_seconds() / 86400, "tables": results}
