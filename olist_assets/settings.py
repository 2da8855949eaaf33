"""Names shared by every runtime: environment variables, their local defaults, the Lambda catalogue.

Dagster resources, Lambda handlers and the Terraform (through infrastructure/generated/) all read
these names from here, so the two sides cannot drift apart. The functions here turn an environment
(a mapping passed in by the edge that owns it) into typed settings; nothing reads os.environ here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from olist_assets.stores.iceberg.catalogs import CatalogConfig

LAKE_URL = "OLIST_LAKE_URL"
LANDING_URL = "OLIST_LANDING_URL"

DEFAULT_LAKE_URL = "data/lake"
DEFAULT_LANDING_URL = "data/landing"

# Which Iceberg catalog holds the tables: "sql" (default for a lake folder: <lake>/catalog.db) or
# "glue" (default for an s3:// lake); a SQL catalog elsewhere is named by its SQLAlchemy URI.
CATALOG = "OLIST_CATALOG"
CATALOG_URI = "OLIST_CATALOG_URI"
GLUE_DATABASE_CLEAN = "OLIST_GLUE_DATABASE_CLEAN"
GLUE_DATABASE_BUSINESS = "OLIST_GLUE_DATABASE_BUSINESS"
GLUE_DATABASE_QUARANTINE = "OLIST_GLUE_DATABASE_QUARANTINE"
GLUE_DATABASES = {
    "clean": GLUE_DATABASE_CLEAN,
    "business": GLUE_DATABASE_BUSINESS,
    "quarantine": GLUE_DATABASE_QUARANTINE,
}
ATHENA_WORKGROUP = "OLIST_ATHENA_WORKGROUP"
STATE_MACHINE_ARN = "OLIST_STATE_MACHINE_ARN"
# The refresh's quiet period: a burst of landings is refreshed once it is this many seconds quiet.
REFRESH_DEBOUNCE_SECONDS = "OLIST_REFRESH_DEBOUNCE_SECONDS"
FAILURE_TOPIC_ARN = "OLIST_FAILURE_TOPIC_ARN"
# CloudWatch namespace of the custom metrics the functions publish as EMF log lines.
METRICS_NAMESPACE = "OLIST_METRICS_NAMESPACE"
CODE_VERSION = "OLIST_CODE_VERSION"
# Table maintenance: snapshots (time travel, rollback) and unreferenced files are kept this many
# days (a decimal number) before they are expired and deleted.
MAINTENANCE_RETAIN_DAYS = "OLIST_MAINTENANCE_RETAIN_DAYS"

# The dependency layer `make package` builds (infrastructure/build_lambda_layer.py): pyarrow,
# numpy, pyiceberg[glue], tenacity and a pinned boto3. A function without it gets the runtime's.
DEPENDENCIES_LAYER = "dependencies"

# The production Lambda functions: short name -> handler, the environment variables it reads and
# the layers it runs with.
LAMBDA_FUNCTIONS: dict[str, dict[str, object]] = {
    "landing": {
        "handler": "lambda_adapters.handle_landing.lambda_handler",
        "env": [
            LAKE_URL,
            CATALOG,
            GLUE_DATABASE_CLEAN,
            GLUE_DATABASE_QUARANTINE,
            STATE_MACHINE_ARN,
            METRICS_NAMESPACE,
            CODE_VERSION,
        ],
        "layers": [DEPENDENCIES_LAYER],
    },
    "check_inputs": {
        "handler": "lambda_adapters.handle_check_inputs.lambda_handler",
        "env": [
            LAKE_URL,
            CATALOG,
            GLUE_DATABASE_CLEAN,
            STATE_MACHINE_ARN,
            REFRESH_DEBOUNCE_SECONDS,
            METRICS_NAMESPACE,
        ],
        "layers": [DEPENDENCIES_LAYER],
    },
    "build_table": {
        "handler": "lambda_adapters.handle_build_table.lambda_handler",
        "env": [
            LAKE_URL,
            CATALOG,
            GLUE_DATABASE_CLEAN,
            GLUE_DATABASE_BUSINESS,
            GLUE_DATABASE_QUARANTINE,
            ATHENA_WORKGROUP,
            CODE_VERSION,
        ],
        "layers": [DEPENDENCIES_LAYER],
    },
    "quality_checks": {
        "handler": "lambda_adapters.handle_quality_checks.lambda_handler",
        "env": [
            LAKE_URL,
            CATALOG,
            GLUE_DATABASE_CLEAN,
            GLUE_DATABASE_BUSINESS,
            GLUE_DATABASE_QUARANTINE,
            ATHENA_WORKGROUP,
        ],
        "layers": [DEPENDENCIES_LAYER],
    },
    "maintenance": {
        "handler": "lambda_adapters.handle_maintenance.lambda_handler",
        "env": [
            LAKE_URL,
            CATALOG,
            GLUE_DATABASE_CLEAN,
            GLUE_DATABASE_BUSINESS,
            GLUE_DATABASE_QUARANTINE,
            MAINTENANCE_RETAIN_DAYS,
        ],
        "layers": [DEPENDENCIES_LAYER],
    },
    "record_failure": {
        "handler": "lambda_adapters.handle_record_failure.lambda_handler",
        "env": [LAKE_URL, FAILURE_TOPIC_ARN],
        "layers": [],
    },
}

# Dagster only: "1" starts the sensor that mirrors production run records (runs/ in the lake).
PRODUCTION_RUNS = "OLIST_PRODUCTION_RUNS"

# Tests and benchmarks only: the folder of real Olist files (full/ and heads/).
REAL_DIR = "OLIST_REAL_DIR"


def catalog_config(lake_url: str, environ: Mapping[str, str]) -> CatalogConfig:
    """The Iceberg catalog of a lake: OLIST_CATALOG (sql|glue), OLIST_CATALOG_URI, the Glue
    database names, and the AWS endpoint and region when set (a moto server in tests)."""
    from olist_assets.stores.iceberg.catalogs import GLUE, default_config

    kind = environ.get(CATALOG) or None
    config = default_config(
        lake_url,
        kind,
        uri=environ.get(CATALOG_URI),
        endpoint=environ.get("AWS_ENDPOINT_URL"),
        region=environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION"),
    )
    if config.kind != GLUE:
        return config
    databases = {
        ns: environ.get(name) or config.databases[ns] for ns, name in GLUE_DATABASES.items()
    }
    return default_config(
        lake_url,
        GLUE,
        databases=databases,
        endpoint=config.endpoint,
        region=config.region,
    )
