"""128-bit fingerprints: the same values give the same print whatever the chunking, the Arrow width
or the code path; different values, columns or orders give different prints."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import numpy as np
import pyarrow as pa

from olist_assets.core.fingerprints import (
    FINGERPRINT,
    SAMPLE_ROWS,
    SLICE_ROWS,
    fingerprints,
    from_arrow,
    key_and_row_fingerprints,
    lanes,
    to_arrow,
)

CITIES = ["sao paulo", "são paulo", "rio de janeiro", None, "", "a" * 40, "b" * 8, "b" * 9]


def sample(rows: int) -> pa.Table:
    """Rows with repeated text (the few-distinct-values path), long text, numbers, nulls."""
    n = np.arange(rows)
    return pa.table(
        {
            "id": pa.array([f"{i:032x}" for i in n]),
            "city": pa.array([CITIES[i % len(CITIES)] for i in n]),
            "count": pa.array(n % 7, pa.int32()),
            "price": pa.array([Decimal(int(i)) / 100 for i in n], pa.decimal128(12, 2)),
            "at": pa.array(n * 1000, pa.timestamp("ms")),
            "lat": pa.array(n / 3.0),
            "note": pa.array(["x" * int(i % 300) if i % 5 else None for i in n]),
        }
    )


def distinct(values: np.ndarray) -> int:
    return len(np.unique(values))


def test_a_row_prints_the_same_whatever_the_slices_and_the_code_path():
    table = sample(SLICE_ROWS + 3 * SAMPLE_ROWS + 17)
    whole = fingerprints(table)
    cuts = [0, 5, 4 * SAMPLE_ROWS + 1, SLICE_ROWS - 2, table.num_rows]
    pieces = [fingerprints(table.slice(a, b - a)) for a, b in zip(cuts, cuts[1:], strict=False)]
    one_by_one = np.concatenate([fingerprints(table.slice(i, 1)) for i in range(0, 200)])
    assert whole.dtype == FINGERPRINT and whole.shape == (table.num_rows,)
    assert (np.concatenate(pieces) == whole).all()
    assert (one_by_one == whole[:200]).all()


def test_prints_depend_on_values_not_on_arrow_widths_or_units():
    table = sample(50)
    wide = table.cast(
        pa.schema(
            [
                ("id", pa.large_string()),
                ("city", pa.large_string()),
                ("count", pa.int64()),
                ("price", pa.decimal128(20, 2)),
                ("at", pa.timestamp("us")),
                ("lat", pa.float64()),
                ("note", pa.large_string()),
            ]
        )
    )
    dictionary = table.set_column(1, "city", table["city"].dictionary_encode())
    assert (fingerprints(wide) == fingerprints(table)).all()
    assert (fingerprints(dictionary) == fingerprints(table)).all()


def test_distinct_rows_give_distinct_prints_and_equal_rows_equal_ones():
    table = sample(5_000)
    doubled = pa.concat_tables([table, table])
    prints = fingerprints(doubled)
    assert distinct(prints) == table.num_rows
    assert (prints[: table.num_rows] == prints[table.num_rows :]).all()
    numbers = fingerprints(pa.table({"n": pa.array(np.arange(1_000_000))}))
    assert distinct(numbers) == 1_000_000
    assert all(distinct(lane) == 1_000_000 for lane in lanes(numbers))


def test_null_empty_and_moved_values_are_told_apart():
    table = pa.table(
        {
            "a": pa.array(["ab", "a", "", None, "", "x"]),
            "b": pa.array(["", "b", None, "", "", "x"]),
        }
    )
    swapped = pa.table({"a": table["b"], "b": table["a"]})
    assert distinct(fingerprints(table)) == 6
    assert not (fingerprints(table) == fingerprints(swapped))[[0, 1, 2, 3]].any()
    assert (fingerprints(table, ["a"]) != fingerprints(table, ["b"]))[[0, 1, 2, 3]].all()


def test_key_and_row_prints_equal_separate_prints_of_their_columns():
    table = sample(300)
    for key in (["id"], ["id", "city"], ["count"], table.column_names):
        keys, rows = key_and_row_fingerprints(table, key)
        assert (keys == fingerprints(table, key)).all()
        assert (rows == fingerprints(table)).all()


def test_prints_round_trip_through_arrow():
    prints = fingerprints(sample(10))
    column = to_arrow(prints)
    assert column.type == pa.binary(16)
    assert (from_arrow(column) == prints).all()
    assert (from_arrow(pa.chunked_array([column.slice(0, 3), column.slice(3)])) == prints).all()
    assert from_arrow(pa.chunked_array([], pa.binary(16))).shape == (0,)


def test_a_known_row_keeps_its_print_across_releases():
    table = pa.table(
        {
            "order_id": ["e481f51cbdc54678b7cc49136f2d6af7"],
            "at": pa.array([datetime(2017, 10, 2, 10, 56, 33)], pa.timestamp("ms")),
            "price": pa.array([Decimal("29.99")], pa.decimal128(12, 2)),
        }
    )
    assert fingerprints(table)[0].tobytes().hex() == PINNED


PINNED = "82deb7df7af8ddca839401984d4b2250"
