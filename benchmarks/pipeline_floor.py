"""The floor of `olist-lakehouse run`: one DuckDB process doing the same clean and business work.

Reads the 9 CSV files with their contract types, keeps distinct rows, writes each clean table as
Parquet, then builds every business table from its SQL file (in stage order) and writes it as
Parquet: no landing, no quarantine, no checks, no ledger, no Iceberg commit, no report, no
Dagster. `bench_run.py` times it against the pipeline.

    .venv/bin/python benchmarks/pipeline_floor.py LANDING_DIR OUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from olist_assets.core.business.tables import build_stages, sql_for
from olist_assets.core.contracts import CONTRACTS


def duckdb_type(arrow_type) -> str:
    text = str(arrow_type)
    if text.startswith("timestamp"):
        return "TIMESTAMP"
    if text.startswith("decimal"):
        return text.replace("decimal128", "DECIMAL")
    return {"string": "VARCHAR", "int32": "INTEGER", "int64": "BIGINT", "double": "DOUBLE"}[text]


def main(landing: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect()
    connection.execute("CREATE SCHEMA clean; CREATE SCHEMA business")
    for contract in CONTRACTS.values():
        columns = ", ".join(f"'{c.source_name}': '{duckdb_type(c.type)}'" for c in contract.columns)
        renamed = ", ".join(f'"{c.source_name}" AS "{c.name}"' for c in contract.columns)
        source = f"read_csv('{landing / contract.file_name}', header=true, columns={{{columns}}})"
        connection.execute(
            f"CREATE TABLE clean.{contract.name} AS SELECT DISTINCT {renamed} FROM {source}"
        )
        connection.execute(
            f"COPY clean.{contract.name} TO '{out / contract.name}.parquet' (FORMAT parquet)"
        )
    for stage in build_stages():
        for name in stage:
            connection.execute(f"CREATE TABLE business.{name} AS {sql_for(name)}")
            connection.execute(f"COPY business.{name} TO '{out / name}.parquet' (FORMAT parquet)")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
