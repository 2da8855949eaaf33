"""Cold import time of each Lambda handler against `import awswrangler` alone, in one run.

A Lambda cold start pays the handler module's import once. Each measurement is a fresh
interpreter timing one import (the AWS SDK for pandas layer supplies awswrangler, pandas, pyarrow,
numpy and boto3, so `import awswrangler` is the floor a handler that uses Athena cannot go under).
Prints the median of several repetitions per target and its ratio to the baseline.
Usage: `.venv/bin/python benchmarks/bench_cold_import.py [--repeat 7]`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from olist_assets.settings import LAMBDA_FUNCTIONS  # noqa: E402

BASELINE = "awswrangler"
TIMER = (
    "import time; started = time.perf_counter(); import {module}; "
    "print(time.perf_counter() - started)"
)


def cold_import_seconds(module: str) -> float:
    """Seconds to import `module` in a new interpreter (nothing cached in sys.modules)."""
    found = subprocess.run(
        [sys.executable, "-c", TIMER.format(module=module)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return float(found.stdout.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    targets = {"baseline: import awswrangler": BASELINE} | {
        name: spec["handler"].rpartition(".")[0] for name, spec in sorted(LAMBDA_FUNCTIONS.items())
    }
    samples: dict[str, list[float]] = {label: [] for label in targets}
    for _ in range(args.repeat):  # interleaved, so a noisy moment hits every target alike
        for label, module in targets.items():
            samples[label].append(cold_import_seconds(module))
    baseline = statistics.median(samples["baseline: import awswrangler"])
    print(
        f"cold import, median of {args.repeat} fresh interpreters (python {sys.version.split()[0]})"
    )
    print(f"{'target':<30} {'median ms':>10} {'min ms':>8} {'vs awswrangler':>15}")
    for label, values in samples.items():
        median = statistics.median(values)
        print(
            f"{label:<30} {median * 1000:>10.0f} {min(values) * 1000:>8.0f} {median / baseline:>14.2f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
