"""Peak memory of cleaning one file at scale 1 and scale 10, against the engine floor: memory must
follow the block size and the duplicate judgement, not the file.

The files come from the project's generator, so they carry the real shapes and duplicate rates
(geolocation: about 26% exact duplicate rows). Each run is a fresh process reporting its peak RSS
(VmHWM) and the part above its imports:
  clean: `stage_batch` on the file (the clean step's whole work);
  floor: DuckDB, `COPY (SELECT DISTINCT * FROM read_csv(file)) TO '...' (FORMAT parquet)`.

    .venv/bin/python benchmarks/bench_clean_memory.py [--tables geolocation orders] [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from support import generated_dataset, peak_rss_mib

from olist_assets.core.contracts import CONTRACTS

SCALES = (1, 10)


def clean_once(csv_path: Path, table: str) -> dict:
    """Child process: stage one file; rows, duplicates and peak RSS."""
    import pyarrow as pa

    from olist_assets.core.batches import Batch
    from olist_assets.core.staging import stage_batch

    pa.array([0])
    imports = peak_rss_mib()
    contract = CONTRACTS[table]
    with tempfile.TemporaryDirectory(prefix="olist-bench-memory-") as out:
        started = time.perf_counter()
        with csv_path.open("rb") as stream:
            staged = stage_batch(stream, contract, Batch(table, contract.file_name, ""), Path(out))
        seconds = time.perf_counter() - started
    counts = staged.counts
    return {
        "rows": counts.read,
        "duplicate": counts.duplicate,
        "seconds": seconds,
        "peak_mib": peak_rss_mib(),
        "above_imports_mib": peak_rss_mib() - imports,
    }


def floor_once(csv_path: Path, table: str) -> dict:
    """Child process: DuckDB reads, deduplicates and writes the file; peak RSS."""
    import duckdb

    imports = peak_rss_mib()
    with tempfile.TemporaryDirectory(prefix="olist-bench-memory-") as out:
        started = time.perf_counter()
        connection = duckdb.connect()
        connection.execute(
            f"COPY (SELECT DISTINCT * FROM read_csv('{csv_path}')) "
            f"TO '{out}/{table}.parquet' (FORMAT parquet)"
        )
        connection.close()
        seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "peak_mib": peak_rss_mib(),
        "above_imports_mib": peak_rss_mib() - imports,
    }


def measure(side: str, csv_path: Path, table: str) -> dict:
    """Run one side in a fresh interpreter so each peak is its own."""
    command = [sys.executable, __file__, "--child", side, str(csv_path), "--tables", table]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"{side} {table} failed:\n{result.stderr}")
    return json.loads(result.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", nargs="+", default=["geolocation", "orders"])
    parser.add_argument("--data", type=Path, help="folder of scale-N/ datasets to reuse")
    parser.add_argument("--child", nargs=2, metavar=("SIDE", "CSV"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        side, path = args.child
        work = clean_once if side == "clean" else floor_once
        print(json.dumps(work(Path(path), args.tables[0])))
        return
    with tempfile.TemporaryDirectory(prefix="olist-bench-data-") as scratch:
        root = args.data or Path(scratch)
        folders = {scale: generated_dataset(root, scale) for scale in SCALES}
        for table in args.tables:
            runs = {}
            for scale in SCALES:
                path = folders[scale] / CONTRACTS[table].file_name
                clean, floor = measure("clean", path, table), measure("floor", path, table)
                runs[scale] = clean
                report(table, scale, clean, floor, path.stat().st_size / 2**20)
            base, big = runs[1], runs[10]
            print(
                f"{table:12} 10x/1x: rows {big['rows'] / base['rows']:.1f}, "
                f"peak RSS {big['peak_mib'] / base['peak_mib']:.2f}, "
                f"RSS above imports {big['above_imports_mib'] / base['above_imports_mib']:.2f}"
            )


def report(table: str, scale: int, clean: dict, floor: dict, mib: float) -> None:
    share = clean["duplicate"] / clean["rows"] if clean["rows"] else 0.0
    print(
        f"{table:12} {scale:>2}x: {clean['rows']:>10,} rows ({mib:,.0f} MiB, {share:.1%} "
        f"duplicates): clean peak RSS {clean['peak_mib']:,.0f} MiB "
        f"({clean['above_imports_mib']:,.0f} above imports) in {clean['seconds']:.1f}s; "
        f"floor {floor['peak_mib']:,.0f} MiB ({floor['above_imports_mib']:,.0f}) in "
        f"{floor['seconds']:.1f}s; ratio {clean['peak_mib'] / floor['peak_mib']:.2f}x",
        flush=True,
    )


if __name__ == "__main__":
    main()
