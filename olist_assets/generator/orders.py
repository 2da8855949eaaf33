"""Orders and their customers: statuses, lifecycle timestamps consistent with each status."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from olist_assets.core.contracts import CUSTOMERS, ORDERS
from olist_assets.generator.places import Places, city_names, city_states
from olist_assets.generator.random_values import (
    DAY,
    hex_ids,
    midnight,
    pick,
    spread,
    timestamps,
    weighted_choice,
)
from olist_assets.generator.sizing import quirk_count
from olist_assets.generator.vocabulary import ORDER_STATUSES, ORDERS_PER_HOUR, ORDERS_PER_MONTH

HOUR = 3_600
PEOPLE_PER_ORDER = 96_096 / 99_441
REPEATERS_PER_REPEAT_ORDER = 0.88
CARRIER_BEFORE_APPROVAL_AT_SCALE_1 = 1_359
CARRIER_BEFORE_PURCHASE_AT_SCALE_1 = 100
LATE_SHARE = 0.081
CANCELED_WITHOUT_ITEMS_SHARE = 0.26
# Delivery takes longer the farther the customer is from the sellers (mostly in the south-east).
REGION_DELIVERY_FACTOR = {
    "SP": 0.6,
    "RJ": 1.0,
    "MG": 1.0,
    "PR": 1.0,
    "SC": 1.0,
    "RS": 1.1,
    "ES": 1.1,
}
OTHER_REGION_DELIVERY_FACTOR = 1.7
# Which lifecycle timestamps each status has (approval, carrier, customer delivery).
STATUS_STAGES = {
    "delivered": (True, True, True),
    "shipped": (True, True, False),
    "invoiced": (True, False, False),
    "processing": (True, False, False),
    "approved": (True, False, False),
    "unavailable": (True, False, False),
    "created": (False, False, False),
}
CANCELED_STAGE_SHARES = (0.8, 0.12, 0.01)


@dataclass(frozen=True)
class Orders:
    """One row per order; timestamps in epoch seconds with a missing mask each; remoteness is how
    much longer than average parcels take to reach the customer's state."""

    ids: pa.Array
    status: np.ndarray
    has_items: np.ndarray
    remoteness: np.ndarray
    purchase: np.ndarray
    approved: np.ndarray
    carrier: np.ndarray
    delivered: np.ndarray
    estimated: np.ndarray
    missing: dict[str, np.ndarray]

    @property
    def late(self) -> np.ndarray:
        """Delivered after the estimated day (estimates are midnights: compare dates)."""
        return ~self.missing["delivered"] & (midnight(self.delivered) > self.estimated)


def order_statuses(
    rng: np.random.Generator, orders: int, scale: float
) -> tuple[np.ndarray, np.ndarray]:
    """Each order's status (every status present) and whether it has items (unavailable,
    created and some canceled orders have none)."""
    counts = {s: quirk_count(n, scale) for s, n in ORDER_STATUSES.items() if s != "delivered"}
    counts["delivered"] = orders - sum(counts.values())
    status = rng.permutation(np.repeat(np.array(list(counts), dtype=object), list(counts.values())))
    canceled_empty = (status == "canceled") & (rng.random(orders) < CANCELED_WITHOUT_ITEMS_SHARE)
    has_items = ~(np.isin(status, ["unavailable", "created"]) | canceled_empty)
    return status, has_items


def purchase_times(rng: np.random.Generator, n: int) -> np.ndarray:
    """Purchase timestamps following the platform's monthly growth and the hours people shop."""
    months = np.array(list(ORDERS_PER_MONTH), dtype="datetime64[M]")
    month = months[weighted_choice(rng, n, np.array(list(ORDERS_PER_MONTH.values())))]
    start = month.astype("datetime64[s]").astype(np.int64)
    days = ((month + 1).astype("datetime64[D]") - month.astype("datetime64[D]")).astype(np.int64)
    hour = weighted_choice(rng, n, np.array(ORDERS_PER_HOUR))
    return start + rng.integers(0, days) * DAY + hour * HOUR + rng.integers(0, HOUR, n)


def build_orders(
    rng: np.random.Generator,
    places: Places,
    status: np.ndarray,
    has_items: np.ndarray,
    boleto: np.ndarray,
    customer_zip: np.ndarray,
    scale: float,
) -> Orders:
    """Lifecycle timestamps: approval (boleto waits for the bank), carrier, delivery, estimate."""
    n = len(status)
    purchase = purchase_times(rng, n)
    quick = spread(rng, n, 12 * 60, 0.8) + (rng.random(n) < 0.2) * spread(rng, n, 10 * HOUR, 1.0)
    approved = purchase + np.where(boleto, spread(rng, n, 26 * HOUR, 0.6), quick).astype(np.int64)
    carrier = approved + spread(rng, n, 44 * HOUR, 0.9).astype(np.int64)
    factor = _delivery_factor(places, customer_zip)
    travel = np.maximum(13 * HOUR, spread(rng, n, 7 * DAY, 0.75) * factor).astype(np.int64)
    delivered = carrier + travel
    missing = _missing_stages(rng, status)
    carrier = _early_carrier_dates(rng, purchase, approved, carrier, missing, scale)
    estimated = _estimated_dates(rng, purchase, delivered, missing["delivered"])
    return Orders(
        ids=hex_ids(rng, n),
        status=status,
        has_items=has_items,
        remoteness=factor,
        purchase=purchase,
        approved=approved,
        carrier=carrier,
        delivered=delivered,
        estimated=estimated,
        missing=missing,
    )


def _delivery_factor(places: Places, customer_zip: np.ndarray) -> np.ndarray:
    """How much longer than average a parcel takes to reach each customer's state."""
    factors = np.array(
        [REGION_DELIVERY_FACTOR.get(state, OTHER_REGION_DELIVERY_FACTOR) for state in city_states()]
    )
    return factors[places.city[customer_zip]]


def _missing_stages(rng: np.random.Generator, status: np.ndarray) -> dict[str, np.ndarray]:
    """Which timestamps are empty: those the status has not reached; canceled orders stopped anywhere."""
    reached = np.zeros((len(status), 3), dtype=bool)
    for name, stages in STATUS_STAGES.items():
        reached[status == name] = stages
    canceled = status == "canceled"
    stopped = rng.random((int(canceled.sum()), 3)) < np.array(CANCELED_STAGE_SHARES)
    reached[canceled] = np.logical_and.accumulate(stopped, axis=1)
    return {
        "approved": ~reached[:, 0],
        "carrier": ~reached[:, 1],
        "delivered": ~reached[:, 2],
    }


def _early_carrier_dates(
    rng: np.random.Generator,
    purchase: np.ndarray,
    approved: np.ndarray,
    carrier: np.ndarray,
    missing: dict[str, np.ndarray],
    scale: float,
) -> np.ndarray:
    """A few carrier dates recorded before the approval, and fewer still before the purchase."""
    both = np.flatnonzero(~missing["approved"] & ~missing["carrier"])
    early = pick(rng, both, quirk_count(CARRIER_BEFORE_APPROVAL_AT_SCALE_1, scale))
    carrier = carrier.copy()
    gap = np.maximum(approved[early] - purchase[early], 2 * 60)
    carrier[early] = approved[early] - (rng.random(len(early)) * gap).astype(np.int64) - 1
    before_purchase = early[: quirk_count(CARRIER_BEFORE_PURCHASE_AT_SCALE_1, scale)]
    carrier[before_purchase] = purchase[before_purchase] - rng.integers(
        HOUR, 2 * DAY, len(before_purchase)
    )
    return carrier


def _estimated_dates(
    rng: np.random.Generator, purchase: np.ndarray, delivered: np.ndarray, undelivered: np.ndarray
) -> np.ndarray:
    """Estimated delivery days (midnight): most deliveries arrive days early, about 8% late."""
    n = len(purchase)
    earliest = midnight(purchase) + 2 * DAY
    early_by = np.round(rng.gamma(2.2, 5.0, n)).astype(np.int64)
    late_by = 1 + rng.geometric(0.15, n)
    late = rng.random(n) < LATE_SHARE
    estimate = midnight(delivered) + np.where(late, -late_by, early_by) * DAY
    estimate = np.maximum(estimate, earliest)
    planned = (
        midnight(purchase) + np.clip(np.round(rng.normal(24, 8.7, n)), 3, 60).astype(np.int64) * DAY
    )
    return np.where(undelivered, planned, estimate)


def customer_people(
    rng: np.random.Generator, places: Places, orders: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each order's person (a few people order again) and each person's zip."""
    people = max(1, round(orders * PEOPLE_PER_ORDER))
    repeaters = round((orders - people) * REPEATERS_PER_REPEAT_ORDER)
    more = weighted_choice(
        rng, orders - people - repeaters, spread(rng, max(1, repeaters), 1.0, 1.2)
    )
    again = np.concatenate([np.arange(repeaters), more])
    person = rng.permutation(np.concatenate([np.arange(people), again]))
    return person, weighted_choice(rng, people, places.customer_weight)


def customers_table(
    rng: np.random.Generator,
    places: Places,
    customer_ids: pa.Array,
    person: np.ndarray,
    person_zip: np.ndarray,
) -> pa.Table:
    """One row per order's customer id, sharing the person's unique id, in shuffled order."""
    unique_ids = hex_ids(rng, len(person_zip))
    zips = person_zip[person]
    city = places.city[zips]
    table = pa.Table.from_arrays(
        [
            customer_ids,
            unique_ids.take(pa.array(person)),
            places.zip_text(zips),
            pa.array(city_names()[city], pa.string()),
            pa.array(city_states()[city], pa.string()),
        ],
        schema=CUSTOMERS.arrow_schema,
    )
    return table.take(pa.array(rng.permutation(len(person))))


def orders_table(rng: np.random.Generator, orders: Orders, customer_ids: pa.Array) -> pa.Table:
    """The orders file: one row per order, in shuffled order."""
    table = pa.Table.from_arrays(
        [
            orders.ids,
            customer_ids,
            pa.array(orders.status, pa.string()),
            timestamps(orders.purchase),
            timestamps(orders.approved, orders.missing["approved"]),
            timestamps(orders.carrier, orders.missing["carrier"]),
            timestamps(orders.delivered, orders.missing["delivered"]),
            timestamps(orders.estimated),
        ],
        schema=ORDERS.arrow_schema,
    )
    return table.take(pa.array(rng.permutation(len(orders.status))))
