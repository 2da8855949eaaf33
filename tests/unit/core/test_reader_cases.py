"""Every record-classification rule at the core: the shared case table through `stage_batch`, with
the file read in one block and in tiny blocks (records and quote runs cut across reads)."""

from __future__ import annotations

import io

import pyarrow.parquet as pq
import pytest

from olist_assets.core.batches import Batch
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.parsing import BLOCK_BYTES, SourceFileError, count_records
from olist_assets.core.staging import stage_batch
from tests.cases.reader_cases import CASES, Refused, assert_outcome, assert_refusal

SMALL_BLOCK = 61
RUNS = [
    pytest.param(case, block, chunk_rows, id=f"{case.id}-{label}")
    for case in CASES
    for block, chunk_rows, label in (
        [(BLOCK_BYTES, 1_000_000, "one-block"), (SMALL_BLOCK, 2, "small-blocks")]
        if len(case.content) < 2**20
        else [(BLOCK_BYTES, 1_000_000, "one-block")]
    )
]


@pytest.mark.parametrize("case, block_bytes, chunk_rows", RUNS)
def test_each_classification_rule_gives_its_outcome_reason_and_line(
    tmp_path, case, block_bytes, chunk_rows
):
    batch = Batch(case.table, case.source_file, "")
    contract = CONTRACTS[case.table]

    def stage():
        return stage_batch(
            io.BytesIO(case.content), contract, batch, tmp_path, chunk_rows, block_bytes
        )

    if isinstance(case.expected, Refused):
        with pytest.raises(SourceFileError) as raised:
            stage()
        assert_refusal(case, raised.value)
        return
    staged = stage()
    quarantine = pq.read_table(staged.quarantine).to_pylist()
    assert_outcome(case, staged.counts.as_dict(), quarantine)
    assert pq.read_metadata(staged.rows).num_rows == staged.counts.clean
    assert staged.size == len(case.content)


@pytest.mark.parametrize(
    "case", [c for c in CASES if not isinstance(c.expected, Refused)], ids=lambda c: c.id
)
def test_the_landing_count_equals_the_records_the_reader_reads(case):
    assert count_records(io.BytesIO(case.content), block_bytes=SMALL_BLOCK) == case.expected.read
    assert count_records(io.BytesIO(case.content)) == case.expected.read
