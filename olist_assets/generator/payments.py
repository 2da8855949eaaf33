"""Order payments: how each order was paid, summing to its items' price plus freight.

The real exceptions are kept: one order has no payment, orders without items were still paid (a few
with a 0.00 `not_defined` payment), split payments stack vouchers (some worth 0.00) before a card.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from olist_assets.core.contracts import ORDER_PAYMENTS
from olist_assets.generator.random_values import (
    counts_with_total,
    money,
    per_order_sum,
    pick,
    spread,
    weighted_choice,
)
from olist_assets.generator.sizing import quirk_count
from olist_assets.generator.vocabulary import (
    CREDIT_CARD_INSTALLMENTS,
    PAYMENTS_PER_ORDER,
    SINGLE_PAYMENT_TYPES,
    SPLIT_PAYMENT_ENDINGS,
)

NOT_DEFINED_AT_SCALE_1 = 3
ZERO_VOUCHERS_AT_SCALE_1 = 6
ZERO_INSTALLMENTS_AT_SCALE_1 = 2
CENTS_PER_INSTALLMENT = 1_000


@dataclass(frozen=True)
class PaymentPlan:
    """Payment rows decided before the amounts are known: order, sequence, type, 0.00 rows."""

    order: np.ndarray
    sequential: np.ndarray
    kind: np.ndarray
    zero: np.ndarray
    last: np.ndarray

    def main_kind(self, orders: int) -> np.ndarray:
        """Each order's main payment type (its last row); credit_card for the unpaid order."""
        kinds = np.full(orders, "credit_card", dtype=object)
        kinds[self.order[self.last]] = self.kind[self.last]
        return kinds


def plan_payments(
    rng: np.random.Generator, has_items: np.ndarray, rows: int, scale: float
) -> PaymentPlan:
    """Rows per order and their types; vouchers come first in a split payment."""
    unpaid = rng.choice(np.flatnonzero(has_items))
    undefined = pick(rng, np.flatnonzero(~has_items), quirk_count(NOT_DEFINED_AT_SCALE_1, scale))
    paid = np.setdiff1d(np.arange(len(has_items)), np.concatenate([[unpaid], undefined]))
    per_order = counts_with_total(rng, len(paid), PAYMENTS_PER_ORDER, rows - len(undefined))
    order = np.concatenate([np.repeat(paid, per_order), undefined])
    counts = np.concatenate([per_order, np.ones(len(undefined), dtype=np.int64)])
    starts = np.cumsum(counts) - counts
    sequential = np.arange(len(order)) - np.repeat(starts, counts) + 1
    last = np.zeros(len(order), dtype=bool)
    last[starts + counts - 1] = True
    kind = _payment_kinds(rng, counts, last)
    kind[len(order) - len(undefined) :] = "not_defined"
    zero = kind == "not_defined"
    vouchers = np.flatnonzero((kind == "voucher") & ~last)
    zero[pick(rng, vouchers, quirk_count(ZERO_VOUCHERS_AT_SCALE_1, scale))] = True
    return PaymentPlan(order, sequential, kind, zero, last)


def _payment_kinds(rng: np.random.Generator, counts: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Row types: a single payment by the real shares; a split one is vouchers then a card, only
    vouchers, or a card split in several (the first split order always mixes vouchers and card)."""
    single_kind = np.array(list(SINGLE_PAYMENT_TYPES), dtype=object)[
        weighted_choice(rng, len(counts), np.array(list(SINGLE_PAYMENT_TYPES.values())))
    ]
    endings = np.array(list(SPLIT_PAYMENT_ENDINGS), dtype=object)[
        weighted_choice(rng, len(counts), np.array(list(SPLIT_PAYMENT_ENDINGS.values())))
    ]
    split = counts > 1
    endings[np.flatnonzero(split)[:1]] = "credit_card"
    row_kind = np.repeat(np.where(split, endings, single_kind), counts)
    kind = np.where(row_kind == "split_card", "credit_card", row_kind).astype(object)
    kind[np.repeat(split, counts) & (row_kind == "credit_card") & ~last] = "voucher"
    return kind


def payment_values(rng: np.random.Generator, plan: PaymentPlan, totals: np.ndarray) -> np.ndarray:
    """Cents per row: each order's total split over its non-zero rows (at least a cent each, a
    closing card taking the most), the rounding remainder on the order's last paying row."""
    paying = ~plan.zero
    weight = np.where(paying, rng.uniform(0.2, 1.0, len(plan.order)), 0.0)
    weight[plan.last & (plan.kind == "credit_card")] *= 4
    total = totals[plan.order]
    spare = np.maximum(total - per_order_sum(plan.order, paying, len(totals)).astype(np.int64), 0)
    share = weight / per_order_sum(plan.order, weight, len(totals)).clip(1e-9)
    cents = np.where(paying, 1 + np.floor(spare * share).astype(np.int64), 0)
    remainder = total - per_order_sum(plan.order, cents, len(totals)).astype(np.int64)
    last_paying = np.zeros(len(totals), dtype=np.int64)
    np.maximum.at(last_paying, plan.order[paying], plan.sequential[paying])
    receiver = paying & (plan.sequential == last_paying[plan.order])
    return cents + np.where(receiver, remainder, 0)


def installments(
    rng: np.random.Generator, plan: PaymentPlan, cents: np.ndarray, scale: float
) -> np.ndarray:
    """1 except for credit cards (1-24, fewer for small amounts); a couple of card rows show 0."""
    counts = np.ones(len(cents), dtype=np.int64)
    card = np.flatnonzero(plan.kind == "credit_card")
    drawn = np.array(list(CREDIT_CARD_INSTALLMENTS))[
        weighted_choice(rng, len(card), np.array(list(CREDIT_CARD_INSTALLMENTS.values())))
    ]
    counts[card] = np.minimum(drawn, np.maximum(1, cents[card] // CENTS_PER_INSTALLMENT))
    counts[pick(rng, card, quirk_count(ZERO_INSTALLMENTS_AT_SCALE_1, scale))] = 0
    return counts


def unpaid_totals(
    rng: np.random.Generator, totals: np.ndarray, has_items: np.ndarray
) -> np.ndarray:
    """Amounts for orders without items (canceled or unavailable, yet paid), items totals otherwise."""
    spare = np.round(spread(rng, len(totals), 10_000, 0.9)).astype(np.int64) + 100
    return np.where(has_items, totals, spare)


def payments_table(
    rng: np.random.Generator,
    plan: PaymentPlan,
    order_ids: pa.Array,
    cents: np.ndarray,
    scale: float,
) -> pa.Table:
    """The payments file, rows in shuffled order."""
    table = pa.Table.from_arrays(
        [
            order_ids.take(pa.array(plan.order)),
            pa.array(plan.sequential, pa.int32()),
            pa.array(plan.kind, pa.string()),
            pa.array(installments(rng, plan, cents, scale), pa.int32()),
            money(cents),
        ],
        schema=ORDER_PAYMENTS.arrow_schema,
    )
    return table.take(pa.array(rng.permutation(len(plan.order))))
