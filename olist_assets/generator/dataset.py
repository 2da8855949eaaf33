"""Generate the embedded default dataset: the 9 Olist CSV files, shaped and serialised like the real
ones, with their distributions, referential integrity and quirks, deterministic for a seed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pyarrow as pa

from olist_assets.core.contracts import CONTRACTS, TableContract
from olist_assets.generator.catalog import build_catalog, translation_table
from olist_assets.generator.items import build_items, items_table
from olist_assets.generator.orders import (
    build_orders,
    customer_people,
    customers_table,
    order_statuses,
    orders_table,
)
from olist_assets.generator.payments import (
    payment_values,
    payments_table,
    plan_payments,
    unpaid_totals,
)
from olist_assets.generator.places import build_places, geolocation_chunks
from olist_assets.generator.random_values import hex_ids
from olist_assets.generator.reviews import reviews_table
from olist_assets.generator.sizing import row_counts
from olist_assets.generator.writer import OlistCsvWriter

Progress = Callable[[str, int], None]


def generate_dataset(
    out_dir: Path, scale: float = 0.1, seed: int = 42, progress: Progress | None = None
) -> dict[str, int]:
    """Write the 9 files into out_dir and return {file name: data rows}; scale 1 is real-sized."""
    counts = row_counts(scale)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    written: dict[str, int] = {}

    def save(table: str, rows: pa.Table | Iterable[pa.Table]) -> None:
        contract = CONTRACTS[table]
        written[contract.file_name] = _write(out_dir, contract, rows)
        if progress:
            progress(contract.file_name, written[contract.file_name])

    save("product_category_translation", translation_table())
    places = build_places(rng, scale)
    catalog = build_catalog(rng, places, counts["sellers"], counts["products"], scale)
    save("sellers", catalog.sellers)
    save("products", catalog.products)
    status, has_items = order_statuses(rng, counts["orders"], scale)
    person, person_zip = customer_people(rng, places, counts["orders"])
    customer_ids = hex_ids(rng, counts["orders"])
    save("customers", customers_table(rng, places, customer_ids, person, person_zip))
    plan = plan_payments(rng, has_items, counts["order_payments"], scale)
    boleto = plan.main_kind(len(status)) == "boleto"
    orders = build_orders(rng, places, status, has_items, boleto, person_zip[person], scale)
    save("orders", orders_table(rng, orders, customer_ids))
    items = build_items(rng, orders, catalog, counts["order_items"])
    save("order_items", items_table(rng, items, orders, catalog))
    totals = unpaid_totals(rng, items.order_totals(len(status)), has_items)
    cents = payment_values(rng, plan, totals)
    save("order_payments", payments_table(rng, plan, orders.ids, cents, scale))
    save("order_reviews", reviews_table(rng, orders, counts["order_reviews"], scale))
    save("geolocation", geolocation_chunks(rng, places, counts["geolocation"]))
    return written


def _write(out_dir: Path, contract: TableContract, rows: pa.Table | Iterable[pa.Table]) -> int:
    with OlistCsvWriter(out_dir / contract.file_name, contract) as writer:
        for chunk in [rows] if isinstance(rows, pa.Table) else rows:
            writer.write(chunk)
    return writer.rows
