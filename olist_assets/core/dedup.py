"""Duplicates within one file, found with one stable sort of its fingerprints at the end of the file.

Exact copies of an earlier row are dropped and counted; a row whose primary key an earlier, different
row already holds is a key conflict, quarantined with the line where the key was first seen. The
first row of each key is kept. Memory per row, no row data: 16 bytes for the key fingerprint (a
key-less table is identified by the whole row), 16 more for the row fingerprint of a table with a
primary key, then while judging 8 for the sort order, 8 for the sorted first lane and 1 for the
verdict: about 33 bytes a row for a key-less table, 49 for a keyed one, at the end of the file.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    """Collects the fingerprints of a file's typed rows, block by block, then judges them once."""

    def __init__(self, keyed: bool) -> None:
        self.keyed = keyed
        self._lanes: list[list[np.ndarray]] = [[], [], [], []] if keyed else [[], []]

    def add(self, keys: np.ndarray, rows: np.ndarray | None = None) -> None:
        """The V16 key fingerprints of the next rows and, for a keyed table, their row prints."""
        parts = [*lanes(keys), *lanes(rows)] if self.keyed else lanes(keys)
        for kept, part in zip(self._lanes, parts, strict=True):
            kept.append(part)

    def verdicts(self) -> Verdicts:
        """Judge every row with one sort (row ordinals decide who came first)."""
        columns = []
        while self._lanes:
            parts = self._lanes.pop(0)
            columns.append(np.concatenate(parts) if parts else np.empty(0, np.uint64))
            parts.clear()
        return _keyed_verdicts(*columns) if self.keyed else _keyless_verdicts(columns)


def _keyless_verdicts(columns: list[np.ndarray]) -> Verdicts:
    """Sort on the first lane (equal neighbours must agree on the second, else sort on both);
    in each group of equal rows the lowest ordinal is kept, the others are duplicates. Takes the
    lanes out of `columns` so they are freed once the groups are known."""
    hi, lo = columns.pop(0), columns.pop(0)
    order = np.argsort(hi)
    same = _equal_neighbours(order, hi)
    if np.any(lo[order[1:][same]] != lo[order[:-1][same]]):
        order = np.lexsort((lo, hi))
        same = _equal_neighbours(order, hi) & _equal_neighbours(order, lo)
    del hi, lo
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
