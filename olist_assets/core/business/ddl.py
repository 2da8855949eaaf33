"""Athena DDL for the clean layer's external tables, generated from the table contracts.

The files under `sql/ddl/clean/` are this module's output, committed so they can be reviewed and
run by hand; regenerate them with `python -m olist_assets.core.business.ddl`. They hold two
placeholders, in the `${name}` form that both `string.Template` and Terraform's `templatefile`
fill: `${database}` (the clean layer's Glue database) and `${location}` (the table's folder,
`s3://<bucket>/<prefix>/clean/<table>/`).
"""

from __future__ import annotations

import string
from pathlib import Path

from olist_assets.core.business.tables import SQL_DIR
from olist_assets.core.contracts import CONTRACTS, TableContract

CLEAN_DDL_DIR = SQL_DIR / "ddl" / "clean"

HEADER = (
    "-- Generated from olist_assets/core/contracts.py by "
    "`python -m olist_assets.core.business.ddl`: do not edit.\n"
    "-- Placeholders: database, the clean layer's Glue database; location, the table's folder "
    "s3://<bucket>/<prefix>/clean/"
)


def clean_table_ddl(contract: TableContract) -> str:
    """The CREATE EXTERNAL TABLE template of one clean table."""
    columns = ",\n".join(
        f"  `{column.name}` {column.athena_type}"
        + (f" COMMENT '{_quoted(column.description)}'" if column.description else "")
        for column in contract.columns
    )
    return (
        f"{HEADER}{contract.name}/\n"
        f"CREATE EXTERNAL TABLE IF NOT EXISTS `${{database}}`.`{contract.name}` (\n"
        f"{columns}\n"
        f")\n"
        f"COMMENT '{_quoted(contract.description)}'\n"
        f"STORED AS PARQUET\n"
        f"LOCATION '${{location}}'\n"
    )


def render_clean_ddl(contract: TableContract, database: str, location: str) -> str:
    """The DDL of one clean table for a given Glue database and table folder."""
    return string.Template(clean_table_ddl(contract)).substitute(
        database=database, location=location
    )


def write_clean_ddl(folder: Path = CLEAN_DDL_DIR) -> list[Path]:
    """Write one `<table>.sql` per contract into the folder; return the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for contract in CONTRACTS.values():
        path = folder / f"{contract.name}.sql"
        path.write_text(clean_table_ddl(contract), encoding="utf-8")
        written.append(path)
    return written


def _quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "\\'")


if __name__ == "__main__":
    for path in write_clean_ddl():
        print(path)
