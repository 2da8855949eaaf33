"""Duplicates within one file, found with one stable sort of its fingerprints at the end of the file.

Exact copies of an earlier row are dropped and counted; a row whose primary key an earlier, different
row already holds is a key conflict, quarantined with the line where the key was first seen. The
first row of each key is kept. While the file is read, the fingerprints go to disk (16 bytes a row
for the key, a key-less table being identified by the whole row, and 16 more for the row of a
keyed table); judging at the end holds, per row and no row data: 8 bytes of sort order, 8 of one
lane and 8 of the lane sorted, then 1 byte of verdict: 24 bytes a row at the peak for a key-less
table, 41 (all four lanes and the order) for a keyed one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from olist_assets.core.fingerprints import lanes

KEEP, DUPLICATE, CONFLICT = 0, 1, 2


@dataclass(frozen=True)
class Verdicts:
    """Per row of the file (in reading order): KEEP, DUPLICATE or CONFLICT; for the conflicts, in
    order, the ordinal of the row that first held their key."""

    status: np.ndarray
    conflicts: np.ndarray
    first_holders: np.ndarray

    @property
    def duplicates(self) -> int:
        return int(np.count_nonzero(self.status == DUPLICATE))


class DuplicateFinder:
    """Collects the fingerprints of a file's typed rows, block by block, then judges them once.

    The fingerprints wait in files of `folder` (one per 64-bit lane), so reading the file holds
    none of them in memory; judging loads one lane at a time.
    """

    def __init__(self, folder: Path, keyed: bool) -> None:
        self.keyed = keyed
        names = ("key-hi", "key-lo", "row-hi", "row-lo") if keyed else ("key-hi", "key-lo")
        self.paths = [folder / f"fingerprints-{name}.u64" for name in names]
        self._files = [path.open("wb") for path in self.paths]

    def add(self, keys: np.ndarray, rows: np.ndarray | None = None) -> None:
        """The V16 key fingerprints of the next rows and, for a keyed table, their row prints."""
        parts = [*lanes(keys), *lanes(rows)] if self.keyed else lanes(keys)
        for file, part in zip(self._files, parts, strict=True):
            file.write(part.tobytes())

    def verdicts(self) -> Verdicts:
        """Judge every row with one sort (row ordinals decide who came first)."""
        for file in self._files:
            file.close()
        if self.keyed:
            return _keyed_verdicts(*(self._lane(i) for i in range(4)))
        return _keyless_verdicts(self._lane)

    def remove(self) -> None:
        for file, path in zip(self._files, self.paths, strict=True):
            file.close()
            path.unlink(missing_ok=True)

    def _lane(self, index: int) -> np.ndarray:
        return np.fromfile(self.paths[index], dtype=np.uint64)


def _keyless_verdicts(lane) -> Verdicts:
    """Sort on the first lane (equal neighbours must agree on the second, else sort on both);
    in each group of equal rows the lowest ordinal is kept, the others are duplicates. `lane(i)`
    loads a lane, so at most two are in memory at once."""
    hi = lane(0)
    order = np.argsort(hi)
    same = _equal_neighbours(order, hi)
    del hi
    lo = lane(1)
    if np.any(lo[order[1:][same]] != lo[order[:-1][same]]):
        hi = lane(0)
        order = np.lexsort((lo, hi))
        same = _equal_neighbours(order, hi) & _equal_neighbours(order, lo)
        del hi
    del lo
    member = np.zeros(len(order), bool)
    member[1:] |= same
    member[:-1] |= same
    members = order[member]
    starts = np.flatnonzero(~np.concatenate([[False], same])[member])
    status = np.zeros(len(order), np.uint8)
    status[members] = DUPLICATE
    if len(members):
        status[np.minimum.reduceat(members, starts)] = KEEP
    empty = np.empty(0, np.int64)
    return Verdicts(status, empty, empty)


def _keyed_verdicts(key_hi, key_lo, row_hi, row_lo) -> Verdicts:
    """One sort on the key's first lane finds the rows whose key may repeat (in a clean file,
    none); only those are judged in detail, in file order, then mapped back."""
    order = np.argsort(key_hi)
    same = _equal_neighbours(order, key_hi)
    status = np.zeros(len(key_hi), np.uint8)
    if not same.any():
        empty = np.empty(0, np.int64)
        return Verdicts(status, empty, empty)
    member = np.zeros(len(order), bool)
    member[1:] |= same
    member[:-1] |= same
    rows = np.sort(order[member])
    judged = _judge_keyed(key_hi[rows], key_lo[rows], row_hi[rows], row_lo[rows])
    status[rows] = judged.status
    return Verdicts(status, rows[judged.conflicts], rows[judged.first_holders])


def _judge_keyed(key_hi, key_lo, row_hi, row_lo) -> Verdicts:
    """Per row (in file order): the first row of each key is kept, later exact copies of any row
    are duplicates, later different rows with the key are conflicts."""
    order = np.lexsort((row_hi, key_hi))
    same_key = _equal_neighbours(order, key_hi)
    same_row = same_key & _equal_neighbours(order, row_hi)
    exact = same_key & _equal_neighbours(order, key_lo)
    exact_row = same_row & exact & _equal_neighbours(order, row_lo)
    if not (np.array_equal(same_key, exact) and np.array_equal(same_row, exact_row)):
        order = np.lexsort((row_lo, row_hi, key_lo, key_hi))
        same_key = _equal_neighbours(order, key_hi) & _equal_neighbours(order, key_lo)
        same_row = same_key & _equal_neighbours(order, row_hi) & _equal_neighbours(order, row_lo)
    status = np.zeros(len(order), np.uint8)
    status[order[1:][same_row]] = DUPLICATE
    group_starts = np.flatnonzero(np.concatenate([[True], ~same_key]))
    group_first = np.minimum.reduceat(order, group_starts) if len(order) else order
    group_of = np.cumsum(np.concatenate([[True], ~same_key])) - 1
    distinct = np.concatenate([[True], ~same_row]) if len(order) else np.empty(0, bool)
    holder = group_first[group_of]
    conflict = distinct & (order != holder)
    conflicts, first_holders = order[conflict], holder[conflict]
    status[conflicts] = CONFLICT
    by_line = np.argsort(conflicts, kind="stable")
    return Verdicts(status, conflicts[by_line], first_holders[by_line])


def _equal_neighbours(order: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Whether each sorted value equals the one before it (one shorter than `order`)."""
    ordered = values[order]
    return ordered[1:] == ordered[:-1]
