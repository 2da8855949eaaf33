"""`olist-lakehouse run` end to end against its floor, one DuckDB process doing the same work.

Generates an Olist-shaped dataset (scale 1 is real-sized) once, then times, in alternating pairs so
both see the same machine, `olist-lakehouse run` into a new lake (land, clean with quarantine and
ledger, Iceberg commits, business tables, checks, report; Dagster in process) and
`pipeline_floor.py` (clean and business tables from the same files and SQL in one DuckDB process).
Prints each run with where its time went (the run summary's seconds per layer), the medians and their
ratio (target: at most 3), the pipeline's peak memory, and a second run over the same unchanged files
(which commits nothing: no clean, no business snapshot).

    .venv/bin/python benchmarks/bench_run.py [--scale 1] [--pairs 3]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
TARGET = 3.0


def timed(command: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB) and the "Wall time:" line (if any) of a child process."""
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    lines = [line for line in done.stdout.splitlines() if line.startswith("Wall time:")]
    return time.perf_counter() - started, max(peak, before) / 1024, "".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--pairs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="olist-bench-run-") as folder:
        root = Path(folder)
        landing = root / "landing"
        subprocess.run(
            [BIN / "olist-lakehouse", "generate", "--scale", str(args.scale), "--out", landing],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        runs, floors, reruns, peak = [], [], [], 0.0
        for pair in range(args.pairs):
            lake = root / f"lake-{pair}"
            command = [BIN / "olist-lakehouse", "run", "--source", str(landing), "--lake", lake]
            seconds, mib, spent = timed(command)
            runs.append(seconds)
            peak = max(peak, mib)
            floor, _, _ = timed(
                [sys.executable, HERE / "pipeline_floor.py", landing, root / f"floor-{pair}"]
            )
            floors.append(floor)
            rerun, _, rerun_spent = timed(command)
            reruns.append(rerun)
            print(f"pair {pair + 1}: run {seconds:.2f} s, floor {floor:.2f} s")
            print(f"  run     {spent}")
            print(f"  re-run  {rerun:.2f} s, {rerun_spent}")
    run, floor = statistics.median(runs), statistics.median(floors)
    ratio = run / floor
    print(f"scale {args.scale}: olist-lakehouse run {run:.2f} s, DuckDB floor {floor:.2f} s")
    print(f"ratio {ratio:.2f} (target <= {TARGET:g}): {'met' if ratio <= TARGET else 'MISSED'}")
    print(f"peak memory of the runs: {peak:.0f} MiB")
    print(f"a second run over unchanged files: {statistics.median(reruns):.2f} s")


if __name__ == "__main__":
    main()
