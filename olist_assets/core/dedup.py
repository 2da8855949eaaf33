"""Duplicate handling within one file: exact copies are dropped, key conflicts are quarantined."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from olist_assets.core.contracts import TableContract
from olist_assets.core.parsing import Chunk, Reject


def row_hashes(table: pa.Table, columns: list[str] | tuple[str, ...] | None = None) -> np.ndarray:
    """A stable 64-bit fingerprint per row of the given columns (all by default)."""
    names = list(columns or table.column_names)
    if table.num_rows == 0:
        return np.empty(0, dtype=np.uint64)
    strings = [pc.cast(table[name], pa.string()) for name in names]
    joined = pc.binary_join_element_wise(
        *strings, "\x1f", null_handling="replace", null_replacement="\x00"
    )
    return pd.util.hash_array(joined.to_numpy(zero_copy_only=False))


def parquet_row_hashes(path: Path, columns: list[str] | tuple[str, ...]) -> np.ndarray:
    """Row fingerprints of some columns of a Parquet file, read a record batch at a time."""
    parquet = pq.ParquetFile(path)
    parts = [
        row_hashes(pa.Table.from_batches([batch]), columns)
        for batch in parquet.iter_batches(columns=list(columns))
    ]
    return np.concatenate(parts) if parts else np.empty(0, np.uint64)


class Deduplicator:
    """Remembers the fingerprints of a file's distinct rows and keys (24 bytes a row, not the rows).

    The fingerprints are kept sorted, so each chunk is checked and merged in O(chunk + seen) time
    and memory, with no per-chunk copy of a growing frame.
    """

    def __init__(self, contract: TableContract) -> None:
        self.key_columns = list(contract.key_columns)
        self.has_key = bool(contract.primary_key)
        self.rows_seen = np.empty(0, np.uint64)
        self.keys_seen = np.empty(0, np.uint64)
        self.key_lines = np.empty(0, np.int64)

    def apply(self, chunk: Chunk) -> tuple[pa.Table, int, list[Reject]]:
        """(rows to keep, exact duplicates dropped, key conflicts to quarantine) for one chunk."""
        keys = row_hashes(chunk.rows, self.key_columns)
        rows = row_hashes(chunk.rows) if self.has_key else keys
        exact = _in_sorted(self.rows_seen, rows) | pd.Series(rows).duplicated().to_numpy()
        repeated_key = _in_sorted(self.keys_seen, keys) | pd.Series(keys).duplicated().to_numpy()
        conflict = repeated_key & ~exact
        keep = ~(exact | conflict)
        self.rows_seen = _merge_sorted(self.rows_seen, rows[~exact])
        self.keys_seen, self.key_lines = _merge_sorted(
            self.keys_seen, keys[keep], self.key_lines, chunk.lines[keep]
        )
        positions = np.flatnonzero(conflict)
        conflicts = self._conflicts(chunk, keys, positions) if len(positions) else []
        return chunk.rows.filter(pa.array(keep)), int(exact.sum()), conflicts

    def _conflicts(self, chunk: Chunk, keys: np.ndarray, positions: np.ndarray) -> list[Reject]:
        first_lines = self.key_lines[np.searchsorted(self.keys_seen, keys[positions])]
        key_label = ", ".join(self.key_columns)
        rejects = []
        for i, first in zip(positions, first_lines, strict=True):
            row = chunk.rows.slice(int(i), 1).to_pylist()[0]
            values = ", ".join(str(row[c]) for c in self.key_columns)
            reason = f"duplicate primary key ({key_label})=({values}), first seen on line {first}"
            rejects.append(Reject(int(chunk.lines[i]), _as_csv(row), reason, key_label))
        return rejects


def _in_sorted(sorted_values: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Whether each value is in the sorted array."""
    if not len(sorted_values):
        return np.zeros(len(values), bool)
    at = np.minimum(np.searchsorted(sorted_values, values), len(sorted_values) - 1)
    return sorted_values[at] == values


def _merge_sorted(
    sorted_values: np.ndarray, new: np.ndarray, *aligned: np.ndarray
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Insert new values keeping the order; given (values, new values) aligned, insert those too."""
    order = np.argsort(new, kind="stable")
    at = np.searchsorted(sorted_values, new[order])
    merged = np.insert(sorted_values, at, new[order])
    if not aligned:
        return merged
    old, added = aligned
    return merged, np.insert(old, at, added[order])


def _as_csv(row: dict) -> str:
    return ",".join("" if value is None else str(value) for value in row.values())
