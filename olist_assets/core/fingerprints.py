"""128-bit fingerprints of rows or keys: what deduplication and batch precedence compare.

Two independent 64-bit hashes of the canonical text of the columns (unit separator between values,
NUL for a null), so a collision between distinct keys is as unlikely as 2^-128 per pair. The
fingerprint of a row never depends on the process, the machine or the chunking: staged batches keep
them on disk and later commits compare them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

FINGERPRINT = np.dtype("V16")
ARROW_FINGERPRINT = pa.binary(16)
_KEYS = ("olist-lakehouse1", "olist-lakehouse2")


def fingerprints(table: pa.Table, columns: Sequence[str] | None = None) -> np.ndarray:
    """One 16-byte fingerprint per row of the named columns (all by default), dtype V16."""
    names = list(columns or table.column_names)
    if table.num_rows == 0:
        return np.empty(0, dtype=FINGERPRINT)
    strings = [pc.cast(table[name], pa.string()) for name in names]
    joined = pc.binary_join_element_wise(
        *strings, "\x1f", null_handling="replace", null_replacement="\x00"
    ).to_numpy(zero_copy_only=False)
    halves = np.stack([pd.util.hash_array(joined, hash_key=key) for key in _KEYS], axis=1)
    return np.ascontiguousarray(halves).view(FINGERPRINT).ravel()


def to_arrow(values: np.ndarray) -> pa.Array:
    """Fingerprints as an Arrow fixed_size_binary(16) column."""
    data = np.ascontiguousarray(values).view(np.uint8)
    return pa.FixedSizeBinaryArray.from_buffers(
        ARROW_FINGERPRINT, len(values), [None, pa.py_buffer(data)]
    )


def from_arrow(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """An Arrow fixed_size_binary(16) column back as a V16 array."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks else pa.array([], ARROW_FINGERPRINT)
    buffer = column.buffers()[1]
    start = column.offset * 16
    raw = np.frombuffer(buffer, dtype=np.uint8)[start : start + len(column) * 16] if buffer else b""
    return np.frombuffer(bytes(raw), dtype=FINGERPRINT) if len(column) else np.empty(0, FINGERPRINT)
