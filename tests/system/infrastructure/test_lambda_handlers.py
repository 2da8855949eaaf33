"""Each handler string the Terraform deploys names a real function in lambda_adapters/."""

from __future__ import annotations

import importlib

import pytest

from olist_assets import settings


@pytest.mark.parametrize("name", sorted(settings.LAMBDA_FUNCTIONS))
def test_handler_string_imports_to_a_function_taking_event_and_context(name):
    module_name, _, attribute = str(settings.LAMBDA_FUNCTIONS[name]["handler"]).rpartition(".")
    assert module_name.startswith("lambda_adapters.")
    handler = getattr(importlib.import_module(module_name), attribute)
    assert callable(handler)
    assert handler.__code__.co_varnames[:2] == ("event", "context")
