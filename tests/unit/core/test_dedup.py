"""Duplicate judgement: first row kept, exact copies counted, key conflicts naming the first holder,
right even when two different fingerprints share their first 64-bit lane."""

from __future__ import annotations

import numpy as np

from olist_assets.core.dedup import CONFLICT, DUPLICATE, KEEP, DuplicateFinder


def prints(*pairs: tuple[int, int]) -> np.ndarray:
    """V16 fingerprints from (first lane, second lane) pairs."""
    return np.array(pairs, dtype=np.uint64).view("V16").ravel()


def judge(tmp_path, keys, rows=None, keyed=False):
    finder = DuplicateFinder(tmp_path, keyed)
    half = len(keys) // 2
    finder.add(keys[:half], None if rows is None else rows[:half])
    finder.add(keys[half:], None if rows is None else rows[half:])
    verdicts = finder.verdicts()
    finder.remove()
    return verdicts


def test_keyless_rows_keep_the_first_copy_even_when_first_lanes_collide(tmp_path):
    keys = prints((7, 1), (7, 2), (7, 1), (5, 9), (7, 2), (5, 9))

    verdicts = judge(tmp_path, keys)

    assert list(verdicts.status) == [KEEP, KEEP, DUPLICATE, KEEP, DUPLICATE, DUPLICATE]
    assert verdicts.duplicates == 3
    assert not any(tmp_path.iterdir())


def test_keyed_rows_tell_copies_from_conflicts_and_name_the_first_holder(tmp_path):
    keys = prints((1, 1), (1, 1), (2, 2), (1, 1), (1, 1), (1, 2))
    rows = prints((10, 0), (11, 0), (20, 0), (11, 0), (10, 0), (30, 0))

    verdicts = judge(tmp_path, keys, rows, keyed=True)

    assert list(verdicts.status) == [KEEP, CONFLICT, KEEP, DUPLICATE, DUPLICATE, KEEP]
    assert (list(verdicts.conflicts), list(verdicts.first_holders)) == ([1], [0])


def test_keyed_rows_with_colliding_row_lanes_are_not_taken_for_copies(tmp_path):
    keys = prints((1, 1), (1, 1), (1, 1))
    rows = prints((10, 1), (10, 2), (10, 1))

    verdicts = judge(tmp_path, keys, rows, keyed=True)

    assert list(verdicts.status) == [KEEP, CONFLICT, DUPLICATE]
    assert list(verdicts.first_holders) == [0]


def test_a_file_of_distinct_keys_has_nothing_to_judge(tmp_path):
    keys = prints(*[(n, n) for n in range(100)])

    verdicts = judge(tmp_path, keys, keys, keyed=True)

    assert (verdicts.status == KEEP).all() and not len(verdicts.conflicts)
