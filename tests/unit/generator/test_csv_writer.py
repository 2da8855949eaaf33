"""The Olist CSV writer: it re-creates the real files byte for byte, and round-trips any text."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from olist_assets.core.contracts import CONTRACTS, ORDER_REVIEWS, SELLERS
from olist_assets.core.parsing import read_chunks
from olist_assets.generator.writer import OlistCsvWriter, format_rows, header_line

TEXT = st.one_of(st.none(), st.text(st.characters(exclude_categories=("Cs",)), max_size=30))


def real_file(real_dir: Path, file_name: str) -> Path:
    """The full original when the folder has it, else its byte-exact head."""
    full = real_dir / "full" / file_name
    return full if full.exists() else real_dir / "heads" / file_name


@pytest.mark.parametrize("table", list(CONTRACTS))
def test_writer_reproduces_the_real_file_bytes(real_dir: Path, table: str):
    contract = CONTRACTS[table]
    original = real_file(real_dir, contract.file_name).read_bytes()
    rows = pa.concat_tables(
        chunk.rows for chunk in read_chunks(io.BytesIO(original), contract, contract.file_name)
    )
    text = header_line(contract) + format_rows(contract, rows).to_pybytes().decode()
    assert original.decode("utf-8-sig").startswith(text)
    assert len(original.decode("utf-8-sig")) - len(text) <= len("\r\n")


def test_spreadsheet_framing_has_bom_crlf_and_no_final_newline(tmp_path: Path):
    contract = CONTRACTS["product_category_translation"]
    rows = pa.table(
        {"product_category_name": ["a", "b"], "product_category_name_english": ["x", "y"]}
    )
    with OlistCsvWriter(tmp_path / "t.csv", contract) as writer:
        writer.write(rows.slice(0, 1))
        writer.write(rows.slice(1))
    expected = "\ufeffproduct_category_name,product_category_name_english\r\na,x\r\nb,y"
    assert (tmp_path / "t.csv").read_bytes() == expected.encode()


def test_export_framing_quotes_the_header_and_ends_with_a_newline(tmp_path: Path):
    rows = pa.table(
        {
            "seller_id": ["0a"],
            "seller_zip_code_prefix": ["01037"],
            "seller_city": ["sp"],
            "seller_state": ["SP"],
        }
    )
    with OlistCsvWriter(tmp_path / "s.csv", SELLERS) as writer:
        writer.write(rows.cast(SELLERS.arrow_schema))
    expected = (
        '"seller_id","seller_zip_code_prefix","seller_city","seller_state"\n"0a","01037",sp,SP\n'
    )
    assert (tmp_path / "s.csv").read_bytes() == expected.encode()


def _parse_back(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), strict=True))


@given(st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=8))
def test_any_city_text_round_trips_and_is_quoted_by_the_leading_digit_rule(cities):
    values = [value for pair in cities for value in pair]
    rows = pa.table(
        {
            "seller_id": ["0f"] * len(values),
            "seller_zip_code_prefix": ["01037"] * len(values),
            "seller_city": values,
            "seller_state": ["SP"] * len(values),
        },
        schema=SELLERS.arrow_schema,
    )
    text = format_rows(SELLERS, rows).to_pybytes().decode().removeprefix("\n")
    parsed = _parse_back(text)
    assert [record[2] for record in parsed] == [value or "" for value in values]
    for value, line in zip(values, _records(text, len(values)), strict=True):
        field = line.removeprefix('"0f","01037",').removesuffix(",SP")
        special = value is not None and any(c in value for c in ',"\r\n')
        digit = bool(value) and "0" <= value[0] <= "9"
        assert field.startswith('"') == (special or digit)


@given(st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=8))
def test_review_text_round_trips_and_is_quoted_only_when_needed(comments):
    n = len(comments)
    rows = pa.table(
        {
            "review_id": ["7bc2406110b926393aa56f80a40eba40"] * n,
            "order_id": ["73fc7af87114b39712e6da79b0a377eb"] * n,
            "review_score": pa.array([4] * n, pa.int32()),
            "review_comment_title": [title for title, _ in comments],
            "review_comment_message": [message for _, message in comments],
            "review_creation_date": pa.array([0] * n, pa.timestamp("ms")),
            "review_answer_timestamp": pa.array([None] * n, pa.timestamp("ms")),
        },
        schema=ORDER_REVIEWS.arrow_schema,
    )
    text = format_rows(ORDER_REVIEWS, rows).to_pybytes().decode().removeprefix("\n")
    parsed = _parse_back(text)
    assert [(r[3], r[4]) for r in parsed] == [(t or "", m or "") for t, m in comments]
    assert all(r[5] == "1970-01-01 00:00:00" and r[6] == "" for r in parsed)
    ids = '"7bc2406110b926393aa56f80a40eba40","73fc7af87114b39712e6da79b0a377eb",4,'
    assert [record.startswith(ids) for record in _records(text, n)] == [True] * n
    assert text.count('"') == 4 * n + sum(_quotes_needed(v) for pair in comments for v in pair)


def _quotes_needed(value: str | None) -> int:
    """Quote characters a minimally quoted value takes: none unless special, inner ones doubled."""
    if not value or not any(c in value for c in ',"\r\n'):
        return 0
    return 2 + 2 * value.count('"')


def _records(text: str, count: int) -> list[str]:
    """The physical text of each record (records may span lines inside quotes)."""
    records, current, quoted = [], [], False
    for char in text:
        if char == "\n" and not quoted:
            records.append("".join(current))
            current = []
            continue
        if char == '"':
            quoted = not quoted
        current.append(char)
    records.append("".join(current))
    assert len(records) == count
    return records
