"""The block reader equals Python's csv module (the oracle) on the real files, whole and heads,
whatever the block size: the same typed rows, on the same physical lines, in the same order."""

from __future__ import annotations

import io
from pathlib import Path

import pyarrow as pa
import pytest

from olist_assets.core.contracts import contract_for_file
from olist_assets.core.parsing import read_chunks
from tests.cases.csv_oracle import oracle_read

pytestmark = pytest.mark.real_data

REAL_FILES = [
    ("full", "olist_order_payments_dataset.csv"),
    ("full", "olist_products_dataset.csv"),
    ("full", "olist_sellers_dataset.csv"),
    ("full", "product_category_name_translation.csv"),
    ("heads", "olist_customers_dataset.csv"),
    ("heads", "olist_geolocation_dataset.csv"),
    ("heads", "olist_order_items_dataset.csv"),
    ("heads", "olist_order_payments_dataset.csv"),
    ("heads", "olist_order_reviews_dataset.csv"),
    ("heads", "olist_orders_dataset.csv"),
    ("heads", "olist_products_dataset.csv"),
    ("heads", "olist_sellers_dataset.csv"),
]


def read_all(data: bytes, file_name: str, block_bytes: int):
    contract = contract_for_file(file_name)
    chunks = list(read_chunks(io.BytesIO(data), contract, file_name, block_bytes=block_bytes))
    rows = pa.concat_tables(chunk.rows for chunk in chunks)
    lines = [int(line) for chunk in chunks for line in chunk.lines]
    rejects = [(r.line, r.reason) for chunk in chunks for r in chunk.rejects]
    return rows, lines, rejects, sum(chunk.records for chunk in chunks)


@pytest.mark.parametrize("block_bytes", [8 * 2**20, 65_537], ids=["8MiB-blocks", "64KiB-blocks"])
@pytest.mark.parametrize("folder, file_name", REAL_FILES, ids=[f"{f}/{n}" for f, n in REAL_FILES])
def test_reader_equals_python_csv_on_the_real_files(
    real_dir: Path, folder: str, file_name: str, block_bytes: int
):
    data = (real_dir / folder / file_name).read_bytes()
    expected = oracle_read(data, contract_for_file(file_name))

    rows, lines, rejects, records = read_all(data, file_name, block_bytes)

    assert rows.equals(expected.rows)
    assert lines == expected.lines
    assert rejects == expected.rejects == []
    assert records == expected.records == rows.num_rows


def test_reviews_head_has_multi_line_records_whose_lines_the_reader_keeps(real_dir: Path):
    name = "olist_order_reviews_dataset.csv"
    data = (real_dir / "heads" / name).read_bytes()

    _, lines, _, records = read_all(data, name, 4096)

    gaps = [after - before for before, after in zip(lines, lines[1:], strict=False)]
    assert max(gaps) > 1
    assert records < data.count(b"\n") - 1
