"""Wall time of the business build through DuckDBEngine against the same SQL run directly in DuckDB.

Generates an Olist-shaped dataset (scale 1 is real-sized), lands and cleans it once into a
temporary local lake, then in this one process times N alternating runs of each and keeps the best:
  engine: DuckDBEngine.build_table for every table in stage order (views over the lake, Parquet
          written and published through the store, views re-attached);
  direct: a bare DuckDB connection with views over the same clean Parquet, each table's SQL written
          with the engine's own `COPY (...) TO ... (FORMAT parquet, COMPRESSION zstd)` to a local
          folder and read back by a view for the tables that depend on it: the engine's floor
          (the same Parquet work, none of the store, publishing or bookkeeping).

    .venv/bin/python benchmarks/bench_business.py [--scale 1] [--runs 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import duckdb

from olist_assets.core import lake
from olist_assets.core.business.tables import build_stages, sql_for
from olist_assets.core.cleaning import refresh_table
from olist_assets.core.contracts import CONTRACTS
from olist_assets.engines.duckdb_engine import DuckDBEngine
from olist_assets.generator.dataset import generate_dataset
from olist_assets.stores.local import LocalStore


def prepare_lake(folder: Path, scale: float) -> LocalStore:
    """Generate the CSV files, land them under raw/ and clean every table."""
    started = time.perf_counter()
    generate_dataset(folder / "csv", scale, seed=42)
    generated = time.perf_counter()
    store = LocalStore(folder / "lake")
    for contract in CONTRACTS.values():
        key = lake.raw_key(contract.file_name)
        store.put_file(key, folder / "csv" / contract.file_name)
        refresh_table(store, contract)
    print(
        f"prepared scale {scale}: generated in {generated - started:.1f}s, "
        f"cleaned in {time.perf_counter() - generated:.1f}s"
    )
    return store


def ordered_tables() -> list[str]:
    return [name for stage in build_stages() for name in stage]


def engine_build(store: LocalStore) -> float:
    started = time.perf_counter()
    engine = DuckDBEngine(store)
    for name in ordered_tables():
        engine.build_table(name)
    engine.close()
    return time.perf_counter() - started


def direct_build(store: LocalStore) -> float:
    with tempfile.TemporaryDirectory(prefix="olist-bench-direct-") as out:
        started = time.perf_counter()
        connection = duckdb.connect()
        connection.execute("CREATE SCHEMA clean; CREATE SCHEMA business")
        for table in CONTRACTS:
            files = f"{store.root}/{lake.table_prefix(lake.CLEAN, table)}*.parquet"
            connection.execute(
                f"CREATE VIEW clean.{table} AS SELECT * FROM read_parquet('{files}')"
            )
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
        store = prepare_lake(Path(folder), args.scale)
        timings = [(engine_build(store), direct_build(store)) for _ in range(args.runs)]
    engine, direct = (min(column) for column in zip(*timings, strict=True))
    print(f"business build, {len(ordered_tables())} tables, best of {args.runs} alternating runs:")
    print(f"  DuckDBEngine (Parquet published in the lake): {engine:.2f}s")
    print(f"  same SQL and Parquet directly in DuckDB:      {direct:.2f}s")
    print(f"  ratio engine / direct: {engine / direct:.2f}x")


if __name__ == "__main__":
    main()
