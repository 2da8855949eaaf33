"""The clean step against its engine floor: `stage_batch` over all 9 files vs DuckDB, scale 1 and 10.

For each scale, an Olist-shaped dataset is generated once (not timed), then alternating pairs of
fresh processes run (order swapped every pair, so drift hits both sides alike):
  clean: `stage_batch` over each file (read, classify, type, fingerprint, deduplicate, write the
         staged rows and quarantine Parquet): the clean step's whole work;
  floor: DuckDB, per file, `COPY (SELECT DISTINCT * FROM read_csv(file)) TO '...' (FORMAT parquet)`
         with its own type detection and both cores.
Both sides load their libraries before the clock starts (`import duckdb`; pyarrow's lazy imports).
It prints per table and in total the median wall time of each side and their ratio, each side's
peak RSS (VmHWM of its process), the scale-10/scale-1 time ratio per table (linearity), and the
peak RSS of geolocation alone at scale 10 (the landing Lambda's largest file).

Targets (issue 10): clean <= 2x floor at both scales; peak RSS at scale 10 <= 600 MiB;
scale-10 time <= 11x scale-1 time per table and in total; geolocation at scale 10 < 1,024 MB.

    .venv/bin/python benchmarks/bench_clean.py [--scales 1 10] [--pairs 3 1] [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from support import generated_dataset, peak_rss_mib

from olist_assets.core.contracts import CONTRACTS

TARGET_RATIO, TARGET_PEAK_MIB, TARGET_LINEAR, LAMBDA_MIB = 2.0, 600, 11.0, 1024


def clean_files(folder: Path, tables: list[str]) -> tuple[dict, dict]:
    """Child process: stage every file of the dataset; wall and CPU seconds per table."""
    import pyarrow as pa

    from olist_assets.core.batches import Batch
    from olist_assets.core.staging import stage_batch

    pa.array(
        [0]
    )  # pyarrow's lazy imports (pandas, when installed) happen here, like `import duckdb`
    seconds, cpu = {}, {}
    for table in tables:
        contract = CONTRACTS[table]
        with tempfile.TemporaryDirectory(prefix="olist-bench-clean-") as out:
            started, cpu_started = time.perf_counter(), time.process_time()
            with (folder / contract.file_name).open("rb") as stream:
                stage_batch(stream, contract, Batch(table, contract.file_name, ""), Path(out))
            seconds[table] = time.perf_counter() - started
            cpu[table] = time.process_time() - cpu_started
    return seconds, cpu


def floor_files(folder: Path, tables: list[str]) -> tuple[dict, dict]:
    """Child process: DuckDB reads, deduplicates and writes each file as Parquet; wall and CPU
    seconds per table."""
    import duckdb

    seconds, cpu = {}, {}
    for table in tables:
        source = folder / CONTRACTS[table].file_name
        with tempfile.TemporaryDirectory(prefix="olist-bench-floor-") as out:
            started, cpu_started = time.perf_counter(), time.process_time()
            connection = duckdb.connect()
            connection.execute(
                f"COPY (SELECT DISTINCT * FROM read_csv('{source}')) "
                f"TO '{out}/{table}.parquet' (FORMAT parquet)"
            )
            connection.close()
            seconds[table] = time.perf_counter() - started
            cpu[table] = time.process_time() - cpu_started
    return seconds, cpu


def run_child(side: str, folder: Path, tables: list[str]) -> dict:
    """One fresh interpreter running one side, so each peak RSS is that side's own."""
    command = [
        sys.executable,
        __file__,
        "--child",
        side,
        "--data",
        str(folder),
        "--tables",
        *tables,
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"{side} failed:\n{result.stderr}")
    return json.loads(result.stdout.splitlines()[-1])


def measure(folder: Path, pairs: int, tables: list[str]) -> dict[str, list[dict]]:
    runs: dict[str, list[dict]] = {"clean": [], "floor": []}
    for pair in range(pairs):
        order = ["clean", "floor"] if pair % 2 == 0 else ["floor", "clean"]
        for side in order:
            runs[side].append(run_child(side, folder, tables))
    return runs


def median_seconds(runs: list[dict], table: str | None = None, kind: str = "seconds") -> float:
    if table is None:
        return statistics.median(sum(run[kind].values()) for run in runs)
    return statistics.median(run[kind][table] for run in runs)


def report_scale(scale: float, runs: dict[str, list[dict]], tables: list[str]) -> dict:
    print(f"\nscale {scale:g}: median of {len(runs['clean'])} alternating pairs")
    print(f"  {'table':30}{'clean s':>9}{'floor s':>9}{'ratio':>8}")
    figures, cpu = {}, {}
    for table in [*tables, None]:
        clean, floor = median_seconds(runs["clean"], table), median_seconds(runs["floor"], table)
        figures[table or "total"] = clean
        cpu[table or "total"] = median_seconds(runs["clean"], table, "cpu")
        print(f"  {table or 'total (9 files)':30}{clean:9.2f}{floor:9.2f}{clean / floor:7.2f}x")
    peaks = {side: max(run["peak_mib"] for run in runs[side]) for side in runs}
    print(f"  peak RSS: clean {peaks['clean']:,.0f} MiB, floor {peaks['floor']:,.0f} MiB")
    total = figures["total"] / median_seconds(runs["floor"])
    verdict = "met" if total <= TARGET_RATIO else "MISSED"
    print(f"  target clean <= {TARGET_RATIO:g}x floor: {total:.2f}x ({verdict})")
    return {"seconds": figures, "cpu": cpu, "peak_mib": peaks["clean"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 10])
    parser.add_argument("--pairs", type=int, nargs="+", default=[3, 1], help="pairs per scale")
    parser.add_argument("--data", type=Path, help="folder of scale-N/ datasets to reuse")
    parser.add_argument("--tables", nargs="+", default=list(CONTRACTS))
    parser.add_argument("--child", choices=["clean", "floor"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        work = clean_files if args.child == "clean" else floor_files
        seconds, cpu = work(args.data, args.tables)
        print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mib": peak_rss_mib()}))
        return
    with tempfile.TemporaryDirectory(prefix="olist-bench-data-") as scratch:
        root = args.data or Path(scratch)
        results = {}
        for scale, pairs in zip(args.scales, args.pairs, strict=False):
            folder = generated_dataset(root, scale)
            results[scale] = report_scale(scale, measure(folder, pairs, args.tables), args.tables)
        report_linearity(results, args.tables)
        if 10 in results and "geolocation" in args.tables:
            report_geolocation(generated_dataset(root, 10))


def report_linearity(results: dict, tables: list[str]) -> None:
    if not {1, 10} <= set(results):
        return
    print(
        f"\nlinearity: clean CPU time scale 10 / scale 1 (target <= {TARGET_LINEAR:g}x; CPU time,"
        " which other load on a shared machine does not inflate; wall time beside)"
    )
    small, large = results[1]["cpu"], results[10]["cpu"]
    wall_small, wall_large = results[1]["seconds"], results[10]["seconds"]
    for table in [*tables, "total"]:
        ratio = large[table] / small[table]
        wall = wall_large[table] / wall_small[table]
        verdict = "met" if ratio <= TARGET_LINEAR else "MISSED"
        print(
            f"  {table:30}{small[table]:8.2f}s -> {large[table]:7.2f}s CPU {ratio:6.1f}x "
            f"({verdict}); wall {wall:5.1f}x"
        )
    peak = results[10]["peak_mib"]
    verdict = "met" if peak <= TARGET_PEAK_MIB else "MISSED"
    print(f"peak RSS cleaning all 9 files at scale 10: {peak:,.0f} MiB (target <= 600: {verdict})")


def report_geolocation(folder: Path) -> None:
    run = run_child("clean", folder, ["geolocation"])
    verdict = "fits" if run["peak_mib"] < LAMBDA_MIB else "DOES NOT FIT"
    print(
        f"geolocation alone at scale 10: {run['seconds']['geolocation']:.2f}s, peak RSS "
        f"{run['peak_mib']:,.0f} MiB ({verdict} a {LAMBDA_MIB:,} MB Lambda)"
    )


if __name__ == "__main__":
    main()
