"""The queries the README and docs/deploy.md show run as written: on DuckDB over the tiny lake (the
README's `olist-lakehouse sql` examples) and, for deploy.md, also parse as Athena SQL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlglot

ROOT = Path(__file__).resolve().parents[3]
ATHENA_DATABASES = {"olist_lakehouse_business.": "business.", "olist_lakehouse_clean.": "clean."}


def readme_queries() -> list[str]:
    """The quoted query of every `olist-lakehouse sql` example in the README that reads the clean
    and business layers (the quarantine tables arrive with the Iceberg catalog)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8").replace("\\\n", " ")
    queries = re.findall(r'olist-lakehouse sql --lake \S+(?: --format \w+)? +"([^"]+)"', text)
    return [q for q in queries if "quarantine." not in q and q != "QUERY"]


def deploy_queries() -> list[str]:
    """Every statement of the SQL blocks in docs/deploy.md."""
    text = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", text, flags=re.S)
    statements = [s for block in blocks for s in block.split(";")]
    return [re.sub(r"--[^\n]*", "", s).strip() for s in statements if re.search(r"\bSELECT\b", s)]


def test_the_docs_show_queries_and_the_month_totals_come_from_kpi_monthly():
    assert len(readme_queries()) >= 3 and len(deploy_queries()) >= 5
    assert all("sum(orders)" not in q or "kpi_monthly" in q for q in readme_queries())
    assert all("sum(orders)" not in q or "kpi_monthly" in q for q in deploy_queries())


@pytest.mark.parametrize("query", readme_queries())
def test_a_readme_query_runs_on_duckdb(tiny_business, query):
    assert tiny_business.query(query).num_rows > 0


@pytest.mark.parametrize("query", deploy_queries())
def test_a_deploy_query_parses_as_athena_and_runs_on_duckdb(tiny_business, query):
    # runs without error: the tiny lake has no seller with 50 orders, so some return no rows
    sqlglot.parse_one(query, read="athena")
    local = query
    for athena, duckdb in ATHENA_DATABASES.items():
        local = local.replace(athena, duckdb)

    tiny_business.query(local)
