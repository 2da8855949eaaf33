"""Wall time of the business build through DuckDBEngine against the same SQL run directly in DuckDB.

Generates an Olist-shaped dataset (scale 1 is real-sized), lands and cleans it once into a
temporary local lake, then in this one process times N alternating runs of each and keeps the best:
  engine: DuckDBEngine.build_table for every table in stage order (views over the pinned Iceberg
          snapshots, Parquet written and committed as one snapshot per table, views re-attached);
          the business tables are dropped from the catalog before each run (not timed), so every
          run builds them all (a build from unchanged inputs would commit nothing);
  direct: a bare DuckDB connection with views over the same clean data files, each table's SQL written
          with the engine's own `COPY (...) TO ... (FORMAT parquet, COMPRESSION zstd)` to a local
          folder and read back by a view for the tables that depend on it: the engine's floor
          (the same Parquet work, none of the store, publishing or bookkeeping).

    .venv/bin/python benchmarks/bench_business.py [--scale 1] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import duckdb

from olist_assets.core import lake
from olist_assets.core.business.tables import build_stages, sql_for
from olist_assets.core.cleaning import refresh_table
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.tables import BUSINESS, CLEAN
from olist_assets.engines.duckdb_engine import DuckDBEngine
from olist_assets.generator.dataset import generate_dataset
from olist_assets.stores.iceberg.datafiles import current_files
from olist_assets.stores.iceberg.tables import IcebergTables, open_tables


def prepare_lake(folder: Path, scale: float) -> IcebergTables:
    """Generate the CSV files, land them under raw/ and clean every table."""
    started = time.perf_counter()
    generate_dataset(folder / "csv", scale, seed=42)
    generated = time.perf_counter()
    tables = open_tables(str(folder / "lake"), os.environ)
    for contract in CONTRACTS.values():
        tables.store.put_file(lake.raw_key(contract.file_name), folder / "csv" / contract.file_name)
        refresh_table(tables.store, tables, contract)
    print(
        f"prepared scale {scale}: generated in {generated - started:.1f}s, "
        f"cleaned in {time.perf_counter() - generated:.1f}s"
    )
    return tables


def ordered_tables() -> list[str]:
    return [name for stage in build_stages() for name in stage]


def engine_build(tables: IcebergTables) -> float:
    for name in ordered_tables():
        if tables.load(BUSINESS, name) is not None:
            tables.catalog.drop_table(tables.config.identifier(BUSINESS, name))
    started = time.perf_counter()
    engine = DuckDBEngine(tables)
    for name in ordered_tables():
        assert engine.build_table(name).rebuilt
    engine.close()
    return time.perf_counter() - started


def clean_files(tables: IcebergTables) -> dict[str, list[str]]:
    """The data files of each clean table's current snapshot (planned once, not timed)."""
    files = {}
    for name in CONTRACTS:
        table = tables.load(CLEAN, name)
        paths = current_files(table, table.current_snapshot().snapshot_id)
        files[name] = [f.file_path.removeprefix("file://") for f in paths]
    return files


def direct_build(files: dict[str, list[str]]) -> float:
    with tempfile.TemporaryDirectory(prefix="olist-bench-direct-") as out:
        started = time.perf_counter()
        connection = duckdb.connect()
        connection.execute("CREATE SCHEMA clean; CREATE SCHEMA business")
        for table, paths in files.items():
            connection.execute(f"CREATE VIEW clean.{table} AS SELECT * FROM read_parquet({paths})")
        for name in ordered_tables():
            path = f"{out}/{name}.parquet"
            connection.execute(
                f"COPY ({sql_for(name)}) TO '{path}' (FORMAT parquet, COMPRESSION zstd)"
            )
            connection.execute(
                f"CREATE VIEW business.{name} AS SELECT * FROM read_parquet('{path}')"
            )
        connection.close()
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="olist-bench-business-") as folder:
        tables = prepare_lake(Path(folder), args.scale)
        files = clean_files(tables)
        timings = [(engine_build(tables), direct_build(files)) for _ in range(args.runs)]
    engine, direct = (min(column) for column in zip(*timings, strict=True))
    print(f"business build, {len(ordered_tables())} tables, best of {args.runs} alternating runs:")
    print(f"  DuckDBEngine (Parquet published in the lake): {engine:.2f}s")
    print(f"  same SQL and Parquet directly in DuckDB:      {direct:.2f}s")
    print(f"  ratio engine / direct: {engine / direct:.2f}x")


if __name__ == "__main__":
    main()
