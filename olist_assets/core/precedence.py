"""Which batch's row a clean table holds for each key, and the rows that move when batches change.

For every key the table holds the row of the batch latest in the precedence order (`core/batches.py`)
among the batches that have it. Landing, replacing or removing batches changes the winners only for
the keys those batches hold; `plan_change` turns the old and new ledgers into the rows that leave and
the rows that enter, so a monthly drop rewrites only what it supersedes, and removing a drop brings
back, in the same change, the rows it had superseded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

import numpy as np

from olist_assets.core.ledger import BatchEntry, Ledger
from olist_assets.core.tables import Insert, TableChange

KeysOf = Callable[[BatchEntry], np.ndarray]
"""Fingerprints (dtype V16) of the rows a batch entry's staged content holds, in staged order."""


def plan_change(
    ledger: Ledger,
    landed: Iterable[BatchEntry],
    removed: Iterable[str],
    keys_of: KeysOf,
    summary: dict[str, str] | None = None,
) -> TableChange:
    """The change that lands `landed` (new or replaced batches) and removes `removed` (batch keys).

    `keys_of` is only called when batches of the table can share keys; a table of one batch is
    replaced without reading any fingerprint.
    """
    landed = {entry.key: entry for entry in landed}
    removed = set(removed) - set(landed)
    entries = {k: e for k, e in ledger.batches.items() if k not in removed} | landed
    after = ledger.with_batches(entries)
    old, new = ledger.active, after.active
    changed = set(landed) | removed
    if all(entry.key in changed for entry in old) and len(new) <= 1:
        return _replace_all(after, old, new, summary)
    won_old, won_new = _winners(old, keys_of), _winners(new, keys_of)
    drop_keys, inserts = {}, []
    for entry in new:
        keys, wins = won_new[entry.key]
        if entry.key in changed or entry.key not in won_old:
            inserts.append(Insert(entry.key, entry.sha256, None if wins.all() else keys[wins]))
            continue
        _, won_before = won_old[entry.key]
        lost, regained = won_before & ~wins, wins & ~won_before
        if lost.any():
            drop_keys[entry.key] = keys[lost]
        if regained.any():
            inserts.append(Insert(entry.key, entry.sha256, keys[regained]))
    superseded = {key: int((~wins).sum()) for key, (_, wins) in won_new.items()}
    after = after.with_batches(
        {
            k: replace(e, rows_superseded=superseded.get(k, e.rows_superseded))
            for k, e in entries.items()
        }
    )
    return TableChange(
        ledger=after,
        drop_batches=frozenset(e.key for e in old if e.key in changed or e.key not in won_new),
        drop_keys=drop_keys,
        inserts=tuple(inserts),
        summary=summary or {},
    )


def _replace_all(
    after: Ledger, old: list[BatchEntry], new: list[BatchEntry], summary: dict[str, str] | None
) -> TableChange:
    """Every old batch leaves and at most one batch remains: all its rows enter, none superseded."""
    entries = dict(after.batches)
    for entry in new:
        entries[entry.key] = replace(entry, rows_superseded=0)
    return TableChange(
        ledger=after.with_batches(entries),
        drop_batches=frozenset(entry.key for entry in old),
        inserts=tuple(Insert(entry.key, entry.sha256) for entry in new),
        summary=summary or {},
    )


def _winners(active: list[BatchEntry], keys_of: KeysOf) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per batch (lowest precedence first): its key fingerprints and which of them win.

    A key's winner is the last batch in precedence order that holds it: one stable sort of all
    fingerprints (concatenated in precedence order) puts each key's holders together, in that order.
    """
    keys = [keys_of(entry) for entry in active]
    if not keys:
        return {}
    everything = np.concatenate(keys)
    order = np.argsort(everything, kind="stable")
    ordered = everything[order]
    last = np.ones(len(ordered), dtype=bool)
    last[:-1] = ordered[1:] != ordered[:-1]
    wins = np.zeros(len(everything), dtype=bool)
    wins[order[last]] = True
    bounds = np.cumsum([0, *(len(k) for k in keys)])
    return {entry.key: (keys[i], wins[bounds[i] : bounds[i + 1]]) for i, entry in enumerate(active)}
