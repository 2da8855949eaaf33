"""Wall time, rows per second and peak memory of the dataset generator at scale 0.1 and scale 1.

Both scales run in this one process, the small one first, so the peak RSS read after each run
(getrusage, monotonic) is that run's peak; the ratio scale1/scale0.1 of the wall times shows how
generation scales (ideally about 10 for 10x the rows). A warm-up run at the smallest scale comes
first, untimed, so one-time costs (lazy imports, first calls) are in neither timed run.

    .venv/bin/python benchmarks/bench_generate.py [--seed 42] [--scales 0.1 1]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from olist_assets.generator.dataset import generate_dataset
from olist_assets.generator.sizing import MIN_SCALE


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(scale: float, seed: int) -> float:
    """Generate one dataset into a temporary folder; print and return its wall time."""
    with tempfile.TemporaryDirectory(prefix="olist-bench-generate-") as folder:
        started = time.perf_counter()
        counts = generate_dataset(Path(folder), scale=scale, seed=seed)
        seconds = time.perf_counter() - started
        size = sum(path.stat().st_size for path in Path(folder).iterdir())
    rows = sum(counts.values())
    print(
        f"scale {scale:>5}: {rows:>9,} rows, {size / 2**20:6.1f} MiB of CSV in {seconds:5.2f} s "
        f"({rows / seconds:,.0f} rows/s), peak RSS {peak_rss_mib():,.0f} MiB"
    )
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--scales", type=float, nargs=2, default=[0.1, 1.0])
    args = parser.parse_args()
    print(f"after imports: peak RSS {peak_rss_mib():,.0f} MiB")
    with tempfile.TemporaryDirectory(prefix="olist-bench-warmup-") as folder:
        generate_dataset(Path(folder), scale=MIN_SCALE, seed=args.seed)
    print(f"after an untimed warm-up at scale {MIN_SCALE}: peak RSS {peak_rss_mib():,.0f} MiB")
    small, large = (run(scale, args.seed) for scale in args.scales)
    print(f"ratio scale {args.scales[1]}/scale {args.scales[0]} wall time: {large / small:.1f}x")


if __name__ == "__main__":
    main()
