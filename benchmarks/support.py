"""What the clean benchmarks share: a process's own peak memory, and generated datasets.

`getrusage(RUSAGE_SELF).ru_maxrss` survives `exec`: a child forked from a large parent reports at
least the parent's size. Linux's VmHWM is the high-water mark of the process's own memory map.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

from olist_assets.core.contracts import CONTRACTS


def peak_rss_mib() -> float:
    """Peak RSS of this process in MiB (VmHWM on Linux, getrusage elsewhere)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generated_dataset(root: Path, scale: float) -> Path:
    """root/scale-N/, generated once (seed 42) in a child process, so this one stays small."""
    folder = root / f"scale-{scale:g}"
    if not (folder / CONTRACTS["geolocation"].file_name).exists():
        started = time.perf_counter()
        command = [sys.executable, "-m", "olist_assets.cli.main", "generate", "--scale", str(scale)]
        command += ["--seed", "42", "--out", str(folder)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        print(f"generated scale {scale:g} in {time.perf_counter() - started:.1f}s (not timed)")
    return folder
