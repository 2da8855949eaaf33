"""The peak resident memory of this process alone, for benchmarks that run each side in a child.

`getrusage(RUSAGE_SELF).ru_maxrss` survives `exec`: a child forked from a large parent reports at
least the parent's size. Linux's VmHWM is the high-water mark of the process's own memory map.
"""

from __future__ import annotations

import resource
from pathlib import Path


def peak_rss_mib() -> float:
    """Peak RSS of this process in MiB (VmHWM on Linux, getrusage elsewhere)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
