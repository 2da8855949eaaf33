"""Vectorised random building blocks: hex ids, exact-total allocations, money and timestamps."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from olist_assets.core.contracts import MONEY, TIMESTAMP

ID_CHARS = 32
DAY = 86_400


def hex_ids(rng: np.random.Generator, n: int) -> pa.Array:
    """n distinct random 32-hex-digit ids (like the Olist md5 ids), built without a Python loop."""
    while True:
        data = rng.bytes(16 * n).hex().encode("ascii")
        offsets = np.arange(0, ID_CHARS * n + 1, ID_CHARS, dtype=np.int32)
        ids = pa.Array.from_buffers(
            pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)]
        )
        if pc.count_distinct(ids).as_py() == n:
            return ids


def allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Split an integer total in proportion to weights (largest remainders), exactly summing to it."""
    shares = np.asarray(weights, dtype=float) / np.sum(weights) * total
    counts = np.floor(shares).astype(np.int64)
    short = total - int(counts.sum())
    if short:
        counts[np.argsort(counts - shares, kind="stable")[:short]] += 1
    return counts


def weighted_choice(rng: np.random.Generator, n: int, weights: np.ndarray) -> np.ndarray:
    """n indices drawn with probability proportional to weights."""
    weights = np.asarray(weights, dtype=float)
    return rng.choice(len(weights), size=n, p=weights / weights.sum())


def pick(rng: np.random.Generator, candidates: np.ndarray, count: int) -> np.ndarray:
    """Up to count distinct elements of candidates (all of them when there are fewer)."""
    return rng.choice(candidates, size=min(len(candidates), count), replace=False)


def per_order_sum(order: np.ndarray, values: np.ndarray, orders: int) -> np.ndarray:
    """Sum of row values per order index, back on each row (exact for integer cents)."""
    return np.bincount(order, weights=values, minlength=orders)[order]


def counts_with_total(
    rng: np.random.Generator, n: int, distribution: Mapping[int, int], total: int
) -> np.ndarray:
    """n counts drawn from a {count: frequency} distribution, nudged to sum exactly to total."""
    values = np.array(list(distribution), dtype=np.int64)
    counts = values[weighted_choice(rng, n, np.array(list(distribution.values())))]
    low, high = int(values.min()), int(values.max())
    while (gap := total - int(counts.sum())) != 0:
        room = counts < high if gap > 0 else counts > low
        candidates = np.flatnonzero(room)
        if not len(candidates):
            raise ValueError(f"cannot reach {total} with {n} counts in [{low}, {high}]")
        chosen = rng.choice(candidates, size=min(abs(gap), len(candidates)), replace=False)
        counts[chosen] += 1 if gap > 0 else -1
    return counts


def spread(rng: np.random.Generator, n: int, median: float, sigma: float) -> np.ndarray:
    """Positive lognormal values with the given median: delays, prices, sizes."""
    return median * np.exp(sigma * rng.standard_normal(n))


def money(cents: np.ndarray) -> pa.Array:
    """Exact decimal(12,2) values from integer cents."""
    whole = pa.array(np.asarray(cents, dtype=np.int64)).cast(pa.decimal128(19, 0))
    return pc.multiply(whole, pa.scalar(Decimal("0.01"))).cast(MONEY)


def timestamps(seconds: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """Contract timestamps from epoch seconds, null where `missing`."""
    whole_seconds = pa.array(
        np.asarray(seconds, dtype=np.int64), type=pa.timestamp("s"), mask=missing
    )
    return whole_seconds.cast(TIMESTAMP)


def midnight(seconds: np.ndarray) -> np.ndarray:
    """The start of each timestamp's day."""
    return seconds - seconds % DAY
