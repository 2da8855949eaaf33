"""Order items: what each order bought, from which seller, at what price and freight."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from olist_assets.core.contracts import ORDER_ITEMS
from olist_assets.generator.catalog import Catalog
from olist_assets.generator.orders import Orders
from olist_assets.generator.random_values import (
    DAY,
    counts_with_total,
    money,
    spread,
    timestamps,
    weighted_choice,
)
from olist_assets.generator.vocabulary import ITEMS_PER_ORDER

SAME_PRODUCT_AGAIN = 0.55
PRICE_VARIATION_SHARE = 0.05
FREE_FREIGHT_SHARE = 0.003
# Days a seller has to hand the order to the carrier, counted from the approval.
HANDLING_DAYS = {2: 5, 3: 10, 4: 12, 5: 10, 6: 40, 7: 12, 8: 6, 9: 5}


@dataclass(frozen=True)
class Items:
    """Item rows: order index, position in the order, product index, price and freight in cents."""

    order: np.ndarray
    number: np.ndarray
    product: np.ndarray
    price_cents: np.ndarray
    freight_cents: np.ndarray

    def order_totals(self, orders: int) -> np.ndarray:
        """Price plus freight per order, in cents (0 for orders without items)."""
        totals = np.zeros(orders, dtype=np.int64)
        np.add.at(totals, self.order, self.price_cents + self.freight_cents)
        return totals


def build_items(rng: np.random.Generator, orders: Orders, catalog: Catalog, rows: int) -> Items:
    """Spread the item rows over the orders that have items, 1 to 21 each like the real ones."""
    buying = np.flatnonzero(orders.has_items)
    per_order = counts_with_total(rng, len(buying), ITEMS_PER_ORDER, rows)
    order = np.repeat(buying, per_order)
    first = np.repeat(np.cumsum(per_order) - per_order, per_order)
    number = np.arange(rows) - first + 1
    product = _item_products(rng, catalog, first, number)
    price = catalog.product_price_cents[product]
    varied = np.flatnonzero(rng.random(rows) < PRICE_VARIATION_SHARE)
    price[varied] = np.maximum(85, price[varied] * rng.uniform(0.9, 1.1, len(varied)))
    freight = _freight_cents(rng, orders, catalog, order, product)
    return Items(order, number, product, price, freight)


def _item_products(
    rng: np.random.Generator, catalog: Catalog, first: np.ndarray, number: np.ndarray
) -> np.ndarray:
    """Popular products sell more; every product leads at least one order; a second item is
    often the same product again (the real files hold one row per unit)."""
    products, leads = len(catalog.product_seller), int((number == 1).sum())
    popular = catalog.product_popularity
    leading = np.concatenate([np.arange(products), weighted_choice(rng, leads - products, popular)])
    product = weighted_choice(rng, len(number), popular)
    product[number == 1] = rng.permutation(leading)
    again = (number > 1) & (rng.random(len(number)) < SAME_PRODUCT_AGAIN)
    product[again] = product[first[again]]
    return product


def _freight_cents(
    rng: np.random.Generator,
    orders: Orders,
    catalog: Catalog,
    order: np.ndarray,
    product: np.ndarray,
) -> np.ndarray:
    """Freight grows with weight and with the distance the parcel travels; a few ship free."""
    weight = catalog.product_weight_g[product]
    distance = np.sqrt(orders.remoteness[order])
    base = (8 + 7 * np.log1p(weight / 250)) * distance * spread(rng, len(order), 1.0, 0.35)
    cents = np.round(base * 100).astype(np.int64)
    return np.where(rng.random(len(order)) < FREE_FREIGHT_SHARE, 0, cents)


def items_table(
    rng: np.random.Generator, items: Items, orders: Orders, catalog: Catalog
) -> pa.Table:
    """The items file, sorted by order id and item number like the original."""
    handling = np.array(list(HANDLING_DAYS))[
        weighted_choice(rng, len(catalog.seller_ids), np.array(list(HANDLING_DAYS.values())))
    ]
    seller = catalog.product_seller[items.product]
    start = np.where(orders.missing["approved"], orders.purchase, orders.approved)[items.order]
    table = pa.Table.from_arrays(
        [
            orders.ids.take(pa.array(items.order)),
            pa.array(items.number, pa.int32()),
            catalog.product_ids.take(pa.array(items.product)),
            catalog.seller_ids.take(pa.array(seller)),
            timestamps(start + handling[seller] * DAY),
            money(items.price_cents),
            money(items.freight_cents),
        ],
        schema=ORDER_ITEMS.arrow_schema,
    )
    order = pc.sort_indices(table, [("order_id", "ascending"), ("order_item_id", "ascending")])
    return table.take(order)
