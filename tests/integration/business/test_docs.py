"""Business documentation beside the SQL: every column a table's SQL produces is described, named
values match the values the SQL writes, and the docs page is the rendering of those files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from olist_assets.core.business.docs import (
    DOCS_PAGE,
    TableDocError,
    render_markdown,
    table_doc,
)
from olist_assets.core.business.tables import (
    BUSINESS_SQL_DIR,
    BUSINESS_TABLES,
    build_stages,
    sql_for,
)
from olist_assets.core.tables import BUSINESS
from olist_assets.engines.duckdb_engine import DuckDBEngine

TABLES = list(BUSINESS_TABLES)


def test_every_output_column_is_described_in_output_order_and_nothing_else(tiny_lake):
    engine = DuckDBEngine(tiny_lake)
    produced, documented = {}, {}
    for name in [name for stage in build_stages() for name in stage]:
        engine.build_table(name)
        produced[name] = engine.query(f"SELECT * FROM business.{name} LIMIT 0").column_names
        documented[name] = list(table_doc(name).columns)
    engine.close()

    assert documented == produced
    assert all(len(text) > 10 for name in TABLES for text in table_doc(name).columns.values())
    assert all(len(table_doc(name).description) > 40 for name in TABLES)


def case_values(name: str, column: str) -> set[str]:
    """The string values the CASE expression aliased `column` in the table's SQL can produce."""
    tree = sqlglot.parse_one(sql_for(name), read="athena")
    (case,) = [a.this for a in tree.find_all(exp.Alias) if a.alias == column]
    branches = [branch.args["true"] for branch in case.args["ifs"]] + [case.args["default"]]
    return {branch.this for branch in branches}


@pytest.mark.parametrize(
    ("name", "column"), [("customer_rfm", "segment"), ("fact_orders", "reconciliation_status")]
)
def test_named_values_are_exactly_the_values_the_sql_writes(name, column):
    assert set(table_doc(name).values[column]) == case_values(name, column)


def test_the_docs_page_is_the_rendering_of_the_documentation_files():
    assert DOCS_PAGE.read_text(encoding="utf-8") == render_markdown()


@pytest.mark.parametrize("name", TABLES)
def test_a_built_table_carries_its_documented_table_and_column_comments(tiny_business, name):
    table = tiny_business.tables.load(BUSINESS, name)
    doc = table_doc(name)

    assert table.properties["Description"] == doc.description
    assert {field.name: field.doc for field in table.schema().fields} == dict(doc.columns)


def test_a_documentation_file_without_columns_is_named(tmp_path, monkeypatch):
    import olist_assets.core.business.tables as tables

    (tmp_path / "kpi_monthly.toml").write_text('description = "only this"\n')
    monkeypatch.setattr(tables, "BUSINESS_SQL_DIR", tmp_path)
    table_doc.cache_clear()
    try:
        with pytest.raises(TableDocError, match=re.escape(str(tmp_path / "kpi_monthly.toml"))):
            table_doc("kpi_monthly")
    finally:
        table_doc.cache_clear()


def sql_code(path: Path) -> str:
    """A SQL file without its `--` comments."""
    return re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8"))


def test_the_sold_order_rule_is_stated_once_in_fact_orders_and_used_as_is_sold_elsewhere():
    stated = {
        path.name
        for path in BUSINESS_SQL_DIR.glob("*.sql")
        if "'unavailable'" in sql_code(path)
        or re.search(r"order_status\s+NOT\s+IN", sql_code(path))
    }
    using = {path.stem for path in BUSINESS_SQL_DIR.glob("*.sql") if "is_sold" in sql_code(path)}

    assert stated == {"fact_orders.sql"}
    assert using == set(TABLES) - {"delivery_performance"}  # it counts deliveries, all sold


def test_no_python_module_restates_the_statuses_a_sale_excludes():
    root = Path(__file__).resolve().parents[3] / "olist_assets"
    folders = ("core/business", "core/checks", "defs", "report", "cli")

    restating = [
        path.relative_to(root).as_posix()
        for folder in folders
        for path in (root / folder).rglob("*.py")
        if "unavailable" in path.read_text(encoding="utf-8")
    ]

    assert restating == []
