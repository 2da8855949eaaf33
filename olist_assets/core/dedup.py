"""Duplicate handling within one file: exact copies are dropped, key conflicts are quarantined."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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


class Deduplicator:
    """Remembers the keys and row fingerprints of a file seen so far (16 bytes a row, not the rows)."""

    def __init__(self, contract: TableContract) -> None:
        self.key_columns = list(contract.key_columns)
        self.has_key = bool(contract.primary_key)
        self.seen = pd.DataFrame(
            {
                "key": np.empty(0, np.uint64),
                "row": np.empty(0, np.uint64),
                "line": np.empty(0, np.int64),
            }
        )

    def apply(self, chunk: Chunk) -> tuple[pa.Table, int, list[Reject]]:
        """(rows to keep, exact duplicates dropped, key conflicts to quarantine) for one chunk."""
        keys = row_hashes(chunk.rows, self.key_columns)
        rows = row_hashes(chunk.rows) if self.has_key else keys
        current = pd.DataFrame({"key": keys, "row": rows, "line": chunk.lines})
        both = pd.concat([self.seen, current], ignore_index=True)
        before = len(self.seen)
        exact = both.duplicated(["key", "row"]).to_numpy()[before:]
        conflict = both.duplicated("key").to_numpy()[before:] & ~exact
        keep = ~(exact | conflict)
        conflicts = (
            self._conflicts(chunk, keys, both, np.flatnonzero(conflict)) if conflict.any() else []
        )
        self.seen = pd.concat([self.seen, current[keep]], ignore_index=True)
        return chunk.rows.filter(pa.array(keep)), int(exact.sum()), conflicts

    def _conflicts(
        self, chunk: Chunk, keys: np.ndarray, both: pd.DataFrame, positions: np.ndarray
    ) -> list[Reject]:
        first_line = both.drop_duplicates("key").set_index("key")["line"]
        key_label = ", ".join(self.key_columns)
        rejects = []
        for i in positions:
            row = chunk.rows.slice(int(i), 1).to_pylist()[0]
            values = ", ".join(str(row[c]) for c in self.key_columns)
            first = int(first_line[keys[i]])
            reason = f"duplicate primary key ({key_label})=({values}), first seen on line {first}"
            rejects.append(Reject(int(chunk.lines[i]), _as_csv(row), reason, key_label))
        return rejects


def _as_csv(row: dict) -> str:
    return ",".join("" if value is None else str(value) for value in row.values())
