"""Each batch as one row: its state in this run and where its rows went, from a refresh or a landing."""

from __future__ import annotations

from olist_assets.core.batch_status import (
    BatchState,
    LandedBatch,
    TableBatch,
    changed_batches,
    landing_batches,
    table_batches,
)
from olist_assets.core.cleaning import RefreshResult
from olist_assets.core.landing import LandedFile, TableLanding
from olist_assets.core.ledger import BatchEntry, Ledger, Rejection

UNDATED = "olist_orders_dataset.csv"
SEPTEMBER = "2018-09/olist_orders_dataset.csv"


def _entry(key: str, date: str, read: int, clean: int, quarantined: int, superseded: int):
    return BatchEntry(
        key=key,
        table="orders",
        date=date,
        sha256=f"sha-{key}",
        size=100,
        etag="e",
        modified="2018-10-01T00:00:00+00:00",
        landed_at="2018-10-01T00:00:00+00:00",
        rows_read=read,
        rows_blank=0,
        rows_clean=clean,
        rows_quarantined=quarantined,
        rows_duplicate=read - clean - quarantined,
        rows_superseded=superseded,
    )


def test_a_refresh_lists_batches_in_precedence_order_then_removed_then_refused() -> None:
    undated, september = _entry(UNDATED, "", 10, 9, 1, 3), _entry(SEPTEMBER, "2018-09", 5, 5, 0, 0)
    refused = Rejection(f"raw/2018-10/{UNDATED}", "the header differs", "orders", sha256="bad")
    ledger = Ledger("orders", {SEPTEMBER: september, UNDATED: undated}, {refused.key: refused})
    result = RefreshResult("orders", ledger, 7, landed=[september], removed=["2018-08/x.csv"])

    rows = table_batches(result)

    assert [(r.batch, r.state, r.rows_in_table) for r in rows] == [
        (UNDATED, BatchState.UNCHANGED, 6),
        (SEPTEMBER, BatchState.LANDED, 5),
        ("2018-08/x.csv", BatchState.REMOVED, 0),
        (f"2018-10/{UNDATED}", BatchState.REFUSED, 0),
    ]
    assert rows[0] == TableBatch(
        UNDATED, "", BatchState.UNCHANGED, 10, 9, 1, 0, 3, 6, f"sha-{UNDATED}",
        "2018-10-01T00:00:00+00:00",
    )  # fmt: skip
    assert rows[3].reason == "the header differs"
    assert [r.batch for r in changed_batches(rows)] == [SEPTEMBER, "2018-08/x.csv"]
    assert rows[1].summary == (
        f"{SEPTEMBER}: landed, 5 rows read, 5 clean, 0 quarantined, 0 duplicate, "
        "0 superseded by later drops"
    )
    assert rows[2].summary == "2018-08/x.csv: removed from the table"


def test_a_landing_lists_its_files_landed_or_unchanged_then_refused() -> None:
    landing = TableLanding(
        "orders",
        landed=(
            LandedFile(f"raw/{UNDATED}", UNDATED, 100, "a", 9, changed=False),
            LandedFile(f"raw/{SEPTEMBER}", SEPTEMBER, 50, "b", 5, changed=True),
        ),
        rejected=(Rejection("2018-10/x.csv", "empty", "orders", sha256="c"),),
        unmatched=(),
        ignored=(),
        held=(UNDATED, SEPTEMBER),
    )

    assert landing_batches(landing) == [
        LandedBatch(UNDATED, BatchState.UNCHANGED, 9, 100, "a"),
        LandedBatch(SEPTEMBER, BatchState.LANDED, 5, 50, "b"),
        LandedBatch("2018-10/x.csv", BatchState.REFUSED, None, None, "c", "empty"),
    ]
