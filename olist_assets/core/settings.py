"""Names shared by every runtime: environment variables and their local defaults.

Dagster resources, Lambda handlers and the Terraform (through infrastructure/generated/) all read
these names from here, so the two sides cannot drift apart.
"""

LAKE_URL = "OLIST_LAKE_URL"
LANDING_URL = "OLIST_LANDING_URL"

DEFAULT_LAKE_URL = "data/lake"
DEFAULT_LANDING_URL = "data/landing"
