"""Peak memory and wall time of cleaning one raw file at 1x and 10x size: memory must not scale 10x.

Each run cleans a synthetic Olist-shaped file through `refresh_table` into a temporary local lake,
in a fresh subprocess, and reports its peak RSS (getrusage), the part above the imports alone, and
the peak once the key-uniqueness and row-conservation checks have also run on the result.

    .venv/bin/python benchmarks/bench_clean_memory.py [--rows 200000] [--tables orders geolocation]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from olist_assets.core import lake
from olist_assets.core.contracts import CONTRACTS
from olist_assets.stores.local import LocalStore

STATUSES = ["delivered"] * 97 + ["shipped", "canceled", "invoiced"]
DUPLICATE_SHARE = 0.03
PLACES = [
    ("01037", "sao paulo", "SP"),
    ("20040", "rio de janeiro", "RJ"),
    ("30110", "belo horizonte", "MG"),
]


def order_line(n: int, rng: random.Random) -> str:
    """An orders row with a unique id (an odd multiplier is a bijection mod 2**128)."""
    order_id = f"{n * 0x9E3779B97F4A7C15F39CC0605CEDC835 % 2**128:032x}"
    day, second = rng.randrange(1, 28), rng.randrange(86_400)
    bought = (
        f"2017-{rng.randrange(1, 13):02d}-{day:02d} {second // 3600:02d}:{second // 60 % 60:02d}:00"
    )
    approved = "" if rng.random() < 0.01 else bought
    return (
        f"{order_id},{order_id[::-1]},{rng.choice(STATUSES)},{bought},{approved},"
        f"{approved},{approved},{bought[:10]} 00:00:00"
    )


def geolocation_line(n: int, rng: random.Random) -> str:
    """A geolocation point; many points share a zip prefix."""
    zip_prefix, city, state = rng.choice(PLACES)
    return f'"{zip_prefix}",{rng.uniform(-33, 5)!r},{rng.uniform(-73, -35)!r},{city},{state}'


def write_file(path: Path, table: str, rows: int) -> None:
    """A synthetic CSV with the real header; geolocation repeats 3% of its rows, as the real one."""
    contract = CONTRACTS[table]
    make = order_line if table == "orders" else geolocation_line
    rng = random.Random(7)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(f'"{name}"' for name in contract.source_columns) + "\n")
        line = ""
        for n in range(rows):
            repeat = table == "geolocation" and line and rng.random() < DUPLICATE_SHARE
            line = line if repeat else make(n, rng)
            out.write(line + "\n")


def clean_once(csv_path: Path, table: str) -> dict:
    """Child process: clean one file into a fresh lake, then check it; peak RSS (MiB) after each."""
    from olist_assets.core.checks.clean import primary_key_unique, row_conservation
    from olist_assets.core.cleaning import refresh_table

    imports_peak = _peak_mib()
    contract = CONTRACTS[table]
    with tempfile.TemporaryDirectory(prefix="olist-bench-") as folder:
        store = LocalStore(folder)
        store.put_file(lake.raw_key(contract.file_name), csv_path)
        started, cpu_started = time.perf_counter(), time.process_time()
        (record,) = refresh_table(store, contract).ingested
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        clean_peak = _peak_mib()
        checked = (
            primary_key_unique(store, contract).passed and row_conservation(store, contract).passed
        )
    return {
        "rows": record.rows_read,
        "clean": record.rows_clean,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "peak_mib": clean_peak,
        "above_imports_mib": clean_peak - imports_peak,
        "checks_peak_mib": _peak_mib(),
        "checks_passed": checked,
    }


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(csv_path: Path, table: str) -> dict:
    """Run `clean_once` in a fresh interpreter so each peak is its own."""
    command = [sys.executable, __file__, "--child", str(csv_path), "--tables", table]
    return json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="rows of the 1x file")
    parser.add_argument("--tables", nargs="+", default=["orders", "geolocation"])
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(clean_once(args.child, args.tables[0])))
        return
    with tempfile.TemporaryDirectory(prefix="olist-bench-src-") as folder:
        for table in args.tables:
            runs = {}
            for scale in (1, 10):
                path = Path(folder) / f"{table}_{scale}x.csv"
                write_file(path, table, args.rows * scale)
                runs[scale] = measure(path, table) | {"mib_file": path.stat().st_size / 2**20}
                path.unlink()
                report(table, scale, runs[scale])
            base, big = runs[1], runs[10]
            print(
                f"{table:12} 10x/1x: rows {big['rows'] / base['rows']:.1f}, "
                f"peak RSS {big['peak_mib'] / base['peak_mib']:.2f}, "
                f"RSS above imports {big['above_imports_mib'] / base['above_imports_mib']:.2f}, "
                f"wall time {big['seconds'] / base['seconds']:.2f}, "
                f"CPU time {big['cpu_seconds'] / base['cpu_seconds']:.2f}, "
                f"peak RSS with checks {big['checks_peak_mib'] / base['checks_peak_mib']:.2f}"
            )


def report(table: str, scale: int, run: dict) -> None:
    print(
        f"{table:12} {scale:>2}x: {run['rows']:>10,} rows ({run['mib_file']:.0f} MiB), "
        f"{run['clean']:>10,} clean, {run['seconds']:6.1f} s ({run['cpu_seconds']:.1f} s CPU), "
        f"peak RSS {run['peak_mib']:7.0f} MiB "
        f"({run['above_imports_mib']:.0f} MiB above imports); with checks "
        f"{run['checks_peak_mib']:.0f} MiB ({'passed' if run['checks_passed'] else 'FAILED'})",
        flush=True,
    )


if __name__ == "__main__":
    main()
