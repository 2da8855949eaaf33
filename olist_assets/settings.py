"""Names shared by every runtime: environment variables, their local defaults, the Lambda catalogue.

Dagster resources, Lambda handlers and the Terraform (through infrastructure/generated/) all read
these names from here, so the two sides cannot drift apart.
"""

LAKE_URL = "OLIST_LAKE_URL"
LANDING_URL = "OLIST_LANDING_URL"

DEFAULT_LAKE_URL = "data/lake"
DEFAULT_LANDING_URL = "data/landing"

GLUE_DATABASE_CLEAN = "OLIST_GLUE_DATABASE_CLEAN"
GLUE_DATABASE_BUSINESS = "OLIST_GLUE_DATABASE_BUSINESS"
ATHENA_WORKGROUP = "OLIST_ATHENA_WORKGROUP"
STATE_MACHINE_ARN = "OLIST_STATE_MACHINE_ARN"
REFRESH_DEBOUNCE_SECONDS = "OLIST_REFRESH_DEBOUNCE_SECONDS"
FAILURE_TOPIC_ARN = "OLIST_FAILURE_TOPIC_ARN"
CODE_VERSION = "OLIST_CODE_VERSION"

# The production Lambda functions: short name -> handler and the environment variables it reads.
LAMBDA_FUNCTIONS: dict[str, dict[str, object]] = {
    "landing": {
        "handler": "lambda_adapters.handle_landing.lambda_handler",
        "env": [
            LAKE_URL,
            GLUE_DATABASE_CLEAN,
            STATE_MACHINE_ARN,
            REFRESH_DEBOUNCE_SECONDS,
            CODE_VERSION,
        ],
    },
    "check_inputs": {
        "handler": "lambda_adapters.handle_check_inputs.lambda_handler",
        "env": [LAKE_URL, REFRESH_DEBOUNCE_SECONDS],
    },
    "build_table": {
        "handler": "lambda_adapters.handle_build_table.lambda_handler",
        "env": [
            LAKE_URL,
            GLUE_DATABASE_CLEAN,
            GLUE_DATABASE_BUSINESS,
            ATHENA_WORKGROUP,
            CODE_VERSION,
        ],
    },
    "quality_checks": {
        "handler": "lambda_adapters.handle_quality_checks.lambda_handler",
        "env": [LAKE_URL, GLUE_DATABASE_CLEAN, GLUE_DATABASE_BUSINESS, ATHENA_WORKGROUP],
    },
    "record_failure": {
        "handler": "lambda_adapters.handle_failure.lambda_handler",
        "env": [LAKE_URL, FAILURE_TOPIC_ARN],
    },
}

# Dagster only: "1" starts the sensor that mirrors production run records (runs/ in the lake).
PRODUCTION_RUNS = "OLIST_PRODUCTION_RUNS"

# Tests and benchmarks only: the folder of real Olist files (full/ and heads/).
REAL_DIR = "OLIST_REAL_DIR"
