"""The environment of one Lambda function, read once per invocation and checked against the catalogue."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import timedelta

from olist_assets.settings import LAMBDA_FUNCTIONS


class ConfigurationError(RuntimeError):
    """The function is deployed without a variable it needs: a deployment bug, not bad input."""


def function_environment(function: str, environ: Mapping[str, str]) -> dict[str, str]:
    """The variables `LAMBDA_FUNCTIONS[function]` lists, all of them set and non-empty."""
    names = LAMBDA_FUNCTIONS[function]["env"]
    missing = [name for name in names if not environ.get(name)]
    if missing:
        raise ConfigurationError(f"{function}: environment variables not set: {missing}")
    return {name: environ[name] for name in names}


def positive_seconds(env: Mapping[str, str], name: str) -> int:
    """A whole number of seconds, zero or more, from a variable."""
    text = env[name]
    if not text.isdigit():
        raise ConfigurationError(f"{name} must be a whole number of seconds, got {text!r}")
    return int(text)


def retention_days(env: Mapping[str, str], name: str) -> timedelta:
    """A retention from a variable holding a number of days, zero or more (e.g. "7" or "0.5")."""
    text = env[name]
    try:
        days = float(text)
    except ValueError:
        days = math.nan
    if not math.isfinite(days) or days < 0:
        raise ConfigurationError(f"{name} must be a number of days, zero or more, got {text!r}")
    return timedelta(days=days)
