"""The business tables: which SQL file builds each, what it reads, its grain, the build order.

The SQL lives in `sql/business/<name>.sql`, written once in the common subset of Trino (Athena) and
DuckDB. It names clean tables as `clean.<table>` and business tables as `business.<table>`; each
engine maps those two schemas to its own (DuckDB views, Athena Glue databases).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SQL_DIR = Path(__file__).resolve().parents[3] / "sql"
BUSINESS_SQL_DIR = SQL_DIR / "business"

CLEAN_SCHEMA = "clean"
BUSINESS_SCHEMA = "business"

SCHEMA_REFERENCE = re.compile(rf'(?<![\w."])({CLEAN_SCHEMA}|{BUSINESS_SCHEMA})\.(?=[A-Za-z_"])')


@dataclass(frozen=True)
class BusinessTable:
    """One business table: its SQL file, the clean and business tables it reads, and its grain.

    What it and its columns mean is documented beside the SQL, in `<name>.toml` (see docs.py)."""

    name: str
    reads: tuple[str, ...]
    depends_on: tuple[str, ...]
    grain: tuple[str, ...]

    @property
    def sql_file(self) -> Path:
        return BUSINESS_SQL_DIR / f"{self.name}.sql"


BUSINESS_TABLES: dict[str, BusinessTable] = {
    t.name: t
    for t in (
        BusinessTable(
            "fact_orders",
            reads=("orders", "customers", "order_items", "order_payments", "order_reviews"),
            depends_on=(),
            grain=("order_id",),
        ),
        BusinessTable(
            "fact_order_items",
            reads=("order_items", "products", "product_category_translation", "sellers"),
            depends_on=("fact_orders",),
            grain=("order_id", "order_item_id"),
        ),
        BusinessTable(
            "customer_rfm",
            reads=(),
            depends_on=("fact_orders",),
            grain=("customer_unique_id",),
        ),
        BusinessTable(
            "delivery_performance",
            reads=(),
            depends_on=("fact_orders",),
            grain=("month", "customer_state"),
        ),
        BusinessTable(
            "payment_mix",
            reads=("order_payments",),
            depends_on=("fact_orders",),
            grain=("month", "payment_type"),
        ),
        BusinessTable(
            "cohort_retention",
            reads=(),
            depends_on=("fact_orders",),
            grain=("cohort_month", "months_since_first"),
        ),
        BusinessTable(
            "kpi_monthly",
            reads=(),
            depends_on=("fact_orders",),
            grain=("month",),
        ),
        BusinessTable(
            "sales_monthly",
            reads=(),
            depends_on=("fact_order_items",),
            grain=("month", "product_category", "customer_state"),
        ),
        BusinessTable(
            "seller_scorecard",
            reads=("sellers",),
            depends_on=("fact_order_items", "fact_orders"),
            grain=("seller_id",),
        ),
    )
}


def build_stages() -> list[list[str]]:
    """Tables grouped into stages: each stage reads only earlier stages, so its tables run in parallel."""
    stages: list[list[str]] = []
    built: set[str] = set()
    remaining = list(BUSINESS_TABLES)
    while remaining:
        ready = [n for n in remaining if set(BUSINESS_TABLES[n].depends_on) <= built]
        if not ready:
            raise ValueError(f"business tables depend on each other in a cycle: {remaining}")
        stages.append(ready)
        built.update(ready)
        remaining = [n for n in remaining if n not in built]
    return stages


def sql_for(name: str) -> str:
    """The SELECT statement that builds a business table, as written in its SQL file."""
    if name not in BUSINESS_TABLES:
        raise KeyError(f"{name!r} is not a business table (known: {', '.join(BUSINESS_TABLES)})")
    return BUSINESS_TABLES[name].sql_file.read_text(encoding="utf-8").strip().rstrip(";")


TABLE_REFERENCE = re.compile(rf'(?<![\w."])((?:{CLEAN_SCHEMA}|{BUSINESS_SCHEMA})\.\w+)\b(?!\.)')


def pin_snapshots(sql: str, snapshots: dict[str, int]) -> str:
    """Make every `clean.<t>`/`business.<t>` reference read one Iceberg snapshot
    (`FOR VERSION AS OF <id>`, Trino/Athena time travel); `snapshots` maps the names to the ids."""
    return TABLE_REFERENCE.sub(
        lambda match: f"{match.group(1)} FOR VERSION AS OF {snapshots[match.group(1)]}", sql
    )


def qualify_schemas(sql: str, clean_database: str, business_database: str) -> str:
    """Point the SQL's `clean.` and `business.` table names at the given databases (quoted)."""
    databases = {CLEAN_SCHEMA: clean_database, BUSINESS_SCHEMA: business_database}
    return SCHEMA_REFERENCE.sub(lambda match: f'"{databases[match.group(1)]}".', sql)
