"""Every asset says who owns it, what it is, which layer and domain it serves, and which code made it;
a code version changes exactly when what decides the asset's output changes."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import dagster as dg
import pytest

from olist_assets.core.business import builds
from olist_assets.core.business.builds import build_version
from olist_assets.core.business.tables import BUSINESS_TABLES, sql_for
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.versions import (
    CLEANING_RULES,
    LANDING_RULES,
    clean_version,
    module_source,
    raw_version,
)
from olist_assets.definitions import build_definitions
from olist_assets.defs.business import business_key
from olist_assets.defs.clean import clean_key
from olist_assets.defs.ownership import ANALYTICS, DATA_ENGINEERING

GRAPH = build_definitions("lake", "landing").resolve_asset_graph()
KEYS = sorted(GRAPH.get_all_asset_keys(), key=lambda key: key.to_user_string())


@pytest.mark.parametrize("key", KEYS, ids=lambda key: key.to_user_string())
def test_every_asset_has_owners_a_description_tags_and_a_code_version(key: dg.AssetKey) -> None:
    node = GRAPH.get(key)
    layer = key.path[0]

    assert node.owners == [DATA_ENGINEERING if layer in ("raw", "clean") else ANALYTICS]
    assert node.description and len(node.description) > 20
    assert node.tags["layer"] == layer and node.tags["domain"]
    assert node.code_version and len(node.code_version) == 16


def test_a_business_asset_is_versioned_as_its_builds_are() -> None:
    for name in BUSINESS_TABLES:
        assert GRAPH.get(business_key(name)).code_version == build_version(name)


def test_changing_the_sql_changes_the_version_and_the_same_statement_keeps_it(monkeypatch) -> None:
    sql = sql_for("kpi_monthly")
    before = build_version("kpi_monthly")
    edited = sql.replace("count(*) FILTER (WHERE is_sold) AS orders", "count(*) AS orders")
    assert edited != sql

    monkeypatch.setattr(builds, "sql_for", lambda name: edited)
    assert build_version("kpi_monthly") != before
    monkeypatch.setattr(builds, "sql_for", lambda name: sql)
    assert build_version("kpi_monthly") == before


def test_every_business_table_has_its_own_version() -> None:
    versions = {GRAPH.get(business_key(name)).code_version for name in BUSINESS_TABLES}

    assert len(versions) == len(BUSINESS_TABLES)


def test_a_clean_version_follows_the_contract_but_not_its_documentation() -> None:
    contract = CONTRACTS["orders"]
    status = contract.column("order_status")
    wider = dataclasses.replace(status, allowed=status.allowed | {"returned"})
    redocumented = dataclasses.replace(status, description="another wording")

    def with_column(column) -> object:
        columns = tuple(column if c.name == column.name else c for c in contract.columns)
        return dataclasses.replace(contract, columns=columns, description="reworded")

    assert GRAPH.get(clean_key("orders")).code_version == clean_version(contract)
    assert clean_version(with_column(wider)) != clean_version(contract)
    assert clean_version(with_column(redocumented)) == clean_version(contract)


@pytest.mark.parametrize("seed", ["1", "2"])
def test_a_clean_version_is_the_same_in_every_process_whatever_the_hash_seed(seed: str) -> None:
    # the contracts hold frozensets of strings, whose iteration order follows PYTHONHASHSEED
    probe = (
        "from olist_assets.core.contracts import CONTRACTS;"
        "from olist_assets.core.versions import clean_version;"
        "print(clean_version(CONTRACTS['orders']))"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe],
        env={**os.environ, "PYTHONHASHSEED": seed},
        capture_output=True,
        text=True,
        check=True,
    )

    assert found.stdout.strip() == clean_version(CONTRACTS["orders"])


def test_raw_and_clean_versions_are_per_table() -> None:
    assert len({clean_version(c) for c in CONTRACTS.values()}) == len(CONTRACTS)
    assert len({raw_version(c) for c in CONTRACTS.values()}) == len(CONTRACTS)


@pytest.mark.parametrize("module", CLEANING_RULES + LANDING_RULES)
def test_every_rule_module_a_version_hashes_exists(module: str) -> None:
    assert module_source(module)
