"""The environment of one Lambda function, read once per invocation and checked against the catalogue."""

from __future__ import annotations

from collections.abc import Mapping

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
