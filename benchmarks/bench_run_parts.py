"""A lower bound of `olist-lakehouse run`: the same work through the core functions alone, no Dagster.

In one process, over a generated dataset (scale 1 is real-sized), times each part of a run into a new
lake: importing the libraries of the work (in a fresh interpreter; Dagster's own import and instance
are timed apart and left out), landing the raw files, refreshing the clean
tables, building the business tables, running every clean and business check, rendering the report.
Then times `pipeline_floor.py` (one DuckDB process doing the clean and business work) and prints:

- the serial sum of the parts and its ratio to the floor: what any single-threaded orchestration of
  this work costs at best;
- the ideal two-core bound (imports, then the rest split evenly over the machine's 2 cores, as if it
  were perfectly parallel) and its ratio to the floor;
- the same sum without the checks and the report, the work the floor does.

`bench_run.py` gives the measured run; the gap between the two is Dagster's share.

    .venv/bin/python benchmarks/bench_run_parts.py [--scale 1]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
TARGET = 3.0
CORES = 2
CORE_IMPORTS = (
    "import olist_assets.core.cleaning, olist_assets.core.checks.clean, "
    "olist_assets.engines.duckdb_engine, olist_assets.report.document"
)
RUN_IMPORTS = (
    f"import dagster, olist_assets.cli.execution, olist_assets.cli.summary; {CORE_IMPORTS}; "
    "dagster.DagsterInstance.ephemeral()"
)


def wall(command: list) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def parts(landing: Path, lake: Path) -> dict[str, float]:
    """Seconds of each part of a run into a new lake, through the core functions in this process."""
    from olist_assets.core.business.tables import build_stages
    from olist_assets.core.checks.business import business_checks
    from olist_assets.core.checks.clean import all_clean_checks
    from olist_assets.core.cleaning import refresh_table
    from olist_assets.core.contracts import CONTRACTS
    from olist_assets.core.landing import land_table
    from olist_assets.engines.duckdb_engine import DuckDBEngine
    from olist_assets.report.document import render_report
    from olist_assets.stores.iceberg.tables import open_tables
    from olist_assets.stores.local import LocalStore

    tables = open_tables(str(lake), os.environ)
    source = LocalStore(landing)
    spent: dict[str, float] = {}

    def timed(part: str, work) -> None:
        started = time.perf_counter()
        work()
        spent[part] = time.perf_counter() - started

    timed("land", lambda: [land_table(source, tables.store, name) for name in CONTRACTS])
    timed(
        "clean",
        lambda: [refresh_table(tables.store, tables, contract) for contract in CONTRACTS.values()],
    )
    engine = DuckDBEngine(tables)
    timed("business", lambda: [engine.build_table(n) for stage in build_stages() for n in stage])
    timed("checks", lambda: (all_clean_checks(tables), business_checks(engine)))
    timed("report", lambda: render_report(tables, str(lake)))
    engine.close()
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="olist-bench-parts-") as folder:
        root = Path(folder)
        landing = root / "landing"
        generate = [BIN / "olist-lakehouse", "generate", "--scale", str(args.scale)]
        subprocess.run([*generate, "--out", landing], check=True, stdout=subprocess.DEVNULL)
        imports = wall([sys.executable, "-c", CORE_IMPORTS])
        dagster = wall([sys.executable, "-c", RUN_IMPORTS]) - imports
        spent = {"imports": imports, **parts(landing, root / "lake")}
        floor = wall([sys.executable, HERE / "pipeline_floor.py", landing, root / "floor"])
    serial = sum(spent.values())
    ideal = imports + (serial - imports) / CORES
    floor_work = serial - spent["checks"] - spent["report"]
    print(f"scale {args.scale}, the parts of a run without Dagster (seconds):")
    for part, seconds in spent.items():
        print(f"  {part:<9}{seconds:6.2f}")
    print(f"Dagster's own start (import, ephemeral instance), not counted below: {dagster:.2f} s")
    print(f"DuckDB floor (pipeline_floor.py): {floor:.2f} s; the target is {TARGET:g}x it")
    for label, seconds in (
        ("serial sum of the parts", serial),
        (f"ideal {CORES}-core bound", ideal),
        ("serial, without checks and report", floor_work),
    ):
        print(f"{label:<34}{seconds:6.2f} s = {seconds / floor:4.2f}x the floor")


if __name__ == "__main__":
    main()
