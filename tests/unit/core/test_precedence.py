"""The rows a table change moves: winners by batch precedence, supersession, restoration."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from olist_assets.core.fingerprints import fingerprints
from olist_assets.core.ledger import BatchEntry, Ledger, rolled_back
from olist_assets.core.precedence import plan_change

KEYS = {
    "base": ["a", "b", "c"],
    "sept": ["a", "d"],
    "oct": ["a", "b"],
}


def keys(*names: str) -> np.ndarray:
    return fingerprints(pa.table({"id": list(names)}), ["id"])


def entry(key: str, date: str, sha: str, clean: int = 0) -> BatchEntry:
    return BatchEntry(
        key=key,
        table="sellers",
        date=date,
        sha256=sha,
        size=1,
        etag="e",
        modified="m",
        landed_at="t",
        rows_read=clean,
        rows_blank=0,
        rows_clean=clean,
        rows_quarantined=0,
        rows_duplicate=0,
    )


BASE = entry("olist_sellers_dataset.csv", "", "base", 3)
SEPT = entry("olist_sellers_dataset_2018-09.csv", "2018-09", "sept", 2)
OCT = entry("olist_sellers_dataset_2018-10.csv", "2018-10", "oct", 2)


def keys_of(batch: BatchEntry) -> np.ndarray:
    return keys(*KEYS[batch.sha256])


def as_set(values: np.ndarray | None) -> set[bytes]:
    return {bytes(v) for v in values}


def test_a_single_batch_replaces_the_table_without_reading_any_fingerprint() -> None:
    def refuse(_: BatchEntry) -> np.ndarray:
        raise AssertionError("no fingerprint is needed for a table of one batch")

    change = plan_change(Ledger("sellers", {BASE.key: BASE}), [BASE], [], refuse)

    assert change.drop_batches == {BASE.key}
    assert [(i.batch, i.keep) for i in change.inserts] == [(BASE.key, None)]


def test_a_later_drop_supersedes_the_keys_it_restates() -> None:
    ledger = Ledger("sellers", {BASE.key: BASE})

    change = plan_change(ledger, [SEPT], [], keys_of)

    assert change.drop_batches == frozenset()
    assert as_set(change.drop_keys[BASE.key]) == as_set(keys("a"))
    assert [(i.batch, i.keep) for i in change.inserts] == [(SEPT.key, None)]
    superseded = {k: e.rows_superseded for k, e in change.ledger.batches.items()}
    assert superseded == {BASE.key: 1, SEPT.key: 0}


def test_an_earlier_drop_landing_late_loses_to_the_later_one() -> None:
    ledger = Ledger("sellers", {BASE.key: BASE, OCT.key: OCT})

    change = plan_change(ledger, [SEPT], [], keys_of)

    (insert,) = change.inserts
    assert insert.batch == SEPT.key and as_set(insert.keep) == as_set(keys("d"))
    assert change.drop_keys == {}
    assert change.ledger.batches[SEPT.key].rows_superseded == 1


def test_removing_a_drop_brings_back_the_rows_it_superseded() -> None:
    ledger = Ledger("sellers", {BASE.key: BASE, SEPT.key: SEPT})

    change = plan_change(ledger, [], [SEPT.key], keys_of)

    assert change.drop_batches == {SEPT.key}
    (insert,) = change.inserts
    assert insert.batch == BASE.key and as_set(insert.keep) == as_set(keys("a"))
    assert change.ledger.batches[BASE.key].rows_superseded == 0


def test_the_table_is_the_same_whatever_order_the_drops_land_in() -> None:
    def winners(order: list[BatchEntry]) -> dict[str, int]:
        ledger = Ledger("sellers")
        for batch in order:
            ledger = plan_change(ledger, [batch], [], keys_of).ledger
        return {k: e.rows_superseded for k, e in ledger.batches.items()}

    assert winners([BASE, SEPT, OCT]) == winners([OCT, BASE, SEPT]) == winners([SEPT, OCT, BASE])
    assert winners([BASE, SEPT, OCT]) == {BASE.key: 2, SEPT.key: 1, OCT.key: 0}


def test_a_rollback_excludes_the_batches_it_undoes_at_their_current_content() -> None:
    before = Ledger("sellers", {BASE.key: BASE})
    replaced = entry(BASE.key, "", "base-v2", 3)
    current = Ledger("sellers", {BASE.key: replaced, SEPT.key: SEPT})

    after, undone = rolled_back(current, before)

    assert undone == [BASE.key, SEPT.key]
    assert after.batches == before.batches
    assert after.exclusions == {BASE.key: "base-v2", SEPT.key: "sept"}


def test_a_ledger_round_trips_through_its_json() -> None:
    ledger = Ledger("sellers", {BASE.key: BASE}, exclusions={SEPT.key: "sept"})

    assert Ledger.from_json(ledger.to_json()) == ledger
