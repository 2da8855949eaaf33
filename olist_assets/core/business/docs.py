"""What each business table and column means, kept beside its SQL in `sql/business/<name>.toml`.

One source for the Dagster column schema and asset description, the Glue table and column comments
of the production tables, and `docs/business_tables.md` (rendered by
`python -m olist_assets.core.business.docs`). A file holds `description`, a `[columns]` table (column
-> meaning, in output order) and optional `[values.<column>]` tables giving the meaning of each
value a column takes (the RFM segments, the reconciliation statuses).
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from olist_assets.core.business.tables import BUSINESS_TABLES, SQL_DIR

DOCS_PAGE = SQL_DIR.parent / "docs" / "business_tables.md"


class TableDocError(ValueError):
    """A business table's documentation file is missing a required entry."""


@dataclass(frozen=True)
class TableDoc:
    """A business table's description, its columns' meanings in output order, and named values."""

    name: str
    description: str
    columns: Mapping[str, str]
    values: Mapping[str, Mapping[str, str]]


def doc_file(name: str) -> Path:
    """The documentation file of a business table: its SQL file with the `.toml` suffix."""
    return BUSINESS_TABLES[name].sql_file.with_suffix(".toml")


@functools.cache
def table_doc(name: str) -> TableDoc:
    """The parsed documentation of one business table; raises TableDocError naming the file."""
    path = doc_file(name)
    with path.open("rb") as stream:
        raw: dict[str, Any] = tomllib.load(stream)
    if not raw.get("description") or not raw.get("columns"):
        raise TableDocError(f"{path} needs a description and a [columns] table")
    return TableDoc(
        name=name,
        description=" ".join(raw["description"].split()),
        columns={column: " ".join(text.split()) for column, text in raw["columns"].items()},
        values=raw.get("values", {}),
    )


def render_markdown() -> str:
    """docs/business_tables.md: every business table, its grain and its columns' meanings."""
    lines = [
        "# Business tables",
        "",
        "Generated from `sql/business/<table>.toml` by `python -m olist_assets.core.business.docs`:",
        "edit those files, not this page.",
    ]
    for name, table in BUSINESS_TABLES.items():
        doc = table_doc(name)
        lines += ["", f"## {name}", "", doc.description, ""]
        lines += [f"Grain: {', '.join(table.grain)}. SQL: `sql/business/{name}.sql`.", ""]
        lines += ["| column | meaning |", "|---|---|"]
        lines += [f"| `{column}` | {text} |" for column, text in doc.columns.items()]
        for column, meanings in doc.values.items():
            lines += ["", f"Values of `{column}`:", "", "| value | meaning |", "|---|---|"]
            lines += [f"| `{value}` | {text} |" for value, text in meanings.items()]
    return "\n".join(lines) + "\n"


def write_markdown(path: Path = DOCS_PAGE) -> Path:
    path.write_text(render_markdown(), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write_markdown())
