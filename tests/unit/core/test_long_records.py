"""Records longer than any record of valid values are read past, not held: the reader keeps its
memory bounded and its lines exact, and quarantines them (the limit is lowered to keep it small)."""

from __future__ import annotations

import io

import pytest

from olist_assets.core import parsing
from olist_assets.core.contracts import CONTRACTS

HEADER = "product_category_name,product_category_name_english\n"
LIMIT = 50


@pytest.fixture(autouse=True)
def small_limit(monkeypatch):
    monkeypatch.setattr(parsing, "MAX_FIELD_BYTES", LIMIT)


def read(text: str, block_bytes: int = 16):
    stream = io.BytesIO(text.encode())
    contract = CONTRACTS["product_category_translation"]
    chunks = list(parsing.read_chunks(stream, contract, "t.csv", 1000, block_bytes))
    rows = [row for chunk in chunks for row in chunk.rows.to_pylist()]
    lines = [int(line) for chunk in chunks for line in chunk.lines]
    rejects = [reject for chunk in chunks for reject in chunk.rejects]
    return rows, lines, rejects, sum(chunk.records for chunk in chunks)


def test_a_value_just_over_the_limit_quarantines_its_record():
    text = HEADER + f"a,{'x' * (LIMIT + 1)}\nb,ok\n"
    rows, lines, (reject,), records = read(text)
    assert (lines, reject.line, records) == ([3], 2, 2)
    assert reject.reason == (
        f"product_category_name_english: value of {LIMIT + 1} bytes exceeds the limit of {LIMIT}"
    )


def test_a_record_longer_than_any_valid_one_is_skipped_with_its_lines():
    long_value = '"' + "y\n" * (3 * LIMIT) + '"'
    text = HEADER + f"a,ok\nb,{long_value}\nc,fine\n"
    rows, lines, rejects, records = read(text)
    (reject,) = rejects
    assert [row["product_category_name"] for row in rows] == ["a", "c"]
    assert lines == [2, 3 + 3 * LIMIT + 1]
    assert reject.line == 3
    assert reject.reason.startswith("a record of ")
    assert reject.reason.endswith(f"some value is longer than the limit of {LIMIT} bytes")
    assert reject.raw_record.startswith("b,")
    assert records == 3


def test_an_unterminated_quote_is_read_to_the_end_without_holding_it():
    text = HEADER + 'a,ok\nb,"never closed\n' + "z,z\n" * (2 * LIMIT)
    rows, lines, (reject,), records = read(text)
    assert (lines, records) == ([2], 2)
    assert reject.line == 3
    assert reject.reason == (
        "unterminated quote: the record starting on line 3 runs to the end of the file"
    )
