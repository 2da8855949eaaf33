"""The SQL written once: it parses as Athena (Trino) SQL, reads what the table list says, runs on
DuckDB with Athena-compatible column types."""

from __future__ import annotations

import pyarrow as pa
import pytest
import sqlglot
from sqlglot import exp

from olist_assets.core.business.tables import (
    BUSINESS_SQL_DIR,
    BUSINESS_TABLES,
    build_stages,
    qualify_schemas,
    sql_for,
)
from olist_assets.core.tables import BUSINESS
from olist_assets.engines.duckdb_engine import DuckDBEngine, MissingInputError
from olist_assets.stores.iceberg.datafiles import current_files
from tests.integration.business.conftest import restate_clean_table

TABLES = list(BUSINESS_TABLES)


def tables_read(sql: str, dialect: str = "athena") -> set[tuple[str, str]]:
    """(schema, table) of every lake table a statement reads, CTE names left out."""
    tree = sqlglot.parse_one(sql, read=dialect)
    return {(t.db, t.name) for t in tree.find_all(exp.Table) if t.db}


@pytest.mark.parametrize("dialect", ["athena", "trino"])
@pytest.mark.parametrize("name", TABLES)
def test_business_sql_parses_as_one_query_with_only_functions_the_dialect_knows(name, dialect):
    [statement] = sqlglot.parse(sql_for(name), read=dialect)

    assert isinstance(statement, exp.Query)
    assert [f.sql(dialect) for f in statement.find_all(exp.Anonymous)] == []


@pytest.mark.parametrize("name", TABLES)
def test_business_sql_reads_exactly_the_tables_the_table_list_declares(name):
    table = BUSINESS_TABLES[name]

    assert tables_read(sql_for(name)) == {("clean", t) for t in table.reads} | {
        ("business", t) for t in table.depends_on
    }


def exact_division(div: exp.Div) -> bool:
    """A division both engines compute alike: a cast dividend, or (n - n % d) / d."""
    dividend = div.this.unnest()
    if isinstance(dividend, exp.Cast):
        return dividend.to.is_type(exp.DataType.Type.DOUBLE, exp.DataType.Type.DECIMAL)
    return (
        isinstance(dividend, exp.Sub)
        and isinstance(dividend.expression, exp.Mod)
        and dividend.expression.this == dividend.this
        and dividend.expression.expression == div.expression
    )


@pytest.mark.parametrize("name", TABLES)
def test_every_division_states_its_type_because_trino_divides_integers_exactly(name):
    divisions = sqlglot.parse_one(sql_for(name), read="athena").find_all(exp.Div)

    assert [d.sql("athena") for d in divisions if not exact_division(d)] == []


def test_an_integer_division_would_be_caught():
    div = sqlglot.parse_one("SELECT count(*) / sum(n) FROM t", read="athena").find(exp.Div)

    assert not exact_division(div)


def test_every_sql_file_is_a_declared_business_table():
    assert sorted(p.stem for p in BUSINESS_SQL_DIR.glob("*.sql")) == sorted(TABLES)


def test_build_stages_put_every_table_after_the_tables_it_reads():
    stages = build_stages()
    position = {name: i for i, stage in enumerate(stages) for name in stage}

    assert sorted(position) == sorted(TABLES)
    for name, table in BUSINESS_TABLES.items():
        assert all(position[dep] < position[name] for dep in table.depends_on)
    assert stages[0] == ["fact_orders"]


def test_qualify_schemas_points_every_table_at_the_deployments_databases():
    sql = qualify_schemas(sql_for("seller_scorecard"), "prod_clean", "prod_business")

    assert tables_read(sql) == {
        ("prod_clean", "sellers"),
        ("prod_business", "fact_order_items"),
        ("prod_business", "fact_orders"),
    }
    assert "seller_orders AS so" in sql


def test_sql_for_an_unknown_table_names_the_known_ones():
    with pytest.raises(KeyError, match="fact_orders"):
        sql_for("fact_refunds")


ATHENA_COMPATIBLE = (
    pa.types.is_string,
    pa.types.is_int32,
    pa.types.is_int64,
    pa.types.is_float64,
    pa.types.is_boolean,
    pa.types.is_date32,
    pa.types.is_timestamp,
)


def test_every_business_table_runs_on_duckdb_with_athena_compatible_column_types(tiny_lake):
    engine = DuckDBEngine(tiny_lake)
    for name in [name for stage in build_stages() for name in stage]:
        result = engine.build_table(name)
        schema = engine.query(f"SELECT * FROM business.{name} LIMIT 0").schema

        odd = [
            f"{f.name}: {f.type}"
            for f in schema
            if not any(is_type(f.type) for is_type in ATHENA_COMPATIBLE)
            and not (pa.types.is_decimal128(f.type) and f.type.precision <= 18)
        ]
        assert odd == [], name
        assert result.rows > 0


def test_building_before_the_tables_read_exist_names_what_is_missing(tiny_lake):
    with pytest.raises(MissingInputError, match="business.fact_orders"):
        DuckDBEngine(tiny_lake).build_table("customer_rfm")


def test_a_rebuild_replaces_the_table_in_one_snapshot_and_a_stray_file_is_never_read(tiny_lake):
    # Given a published table and a stray copy of its data file left under its data/ folder
    first = DuckDBEngine(tiny_lake).build_table("fact_orders")
    table = tiny_lake.load(BUSINESS, "fact_orders")
    [published] = [f.file_path for f in current_files(table, first.snapshot_id)]
    with table.io.new_input(published).open() as source:
        stray = f"{first.location}/data/part-old.parquet"
        with table.io.new_output(stray).create() as out:
            out.write(source.read())
    engine = DuckDBEngine(tiny_lake)
    assert engine.query("SELECT count(*) AS n FROM business.fact_orders").to_pylist() == [{"n": 12}]

    # When an input changes and the table is rebuilt
    restate_clean_table(tiny_lake, "orders")
    second = engine.build_table("fact_orders")

    # Then one new snapshot, after the first, holds only the new build's file
    table.refresh()
    [rebuilt] = [f.file_path for f in current_files(table, second.snapshot_id)]
    assert rebuilt not in (published, stray) and rebuilt.startswith(f"{second.location}/data/")
    assert table.current_snapshot().snapshot_id == second.snapshot_id
    assert table.snapshot_by_id(second.snapshot_id).parent_snapshot_id == first.snapshot_id
    assert first.location == second.location
    # And readers see each order once, now and at the first build's snapshot
    assert engine.query("SELECT count(*) AS n FROM business.fact_orders").to_pylist() == [{"n": 12}]
    before = tiny_lake.scan(BUSINESS, "fact_orders", ["order_id"], first.snapshot_id).read_all()
    assert before.num_rows == 12
