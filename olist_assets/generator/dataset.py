"""Generate the embedded default dataset: the 9 Olist CSV files, shaped and serialised like the real
ones, with their distributions, referential integrity and quirks, deterministic for a seed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
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
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    for table, rows in generate_tables(scale, seed):
        contract = CONTRACTS[table]
        written[contract.file_name] = write_file(out_dir / contract.file_name, contract, rows)
        if progress:
            progress(contract.file_name, written[contract.file_name])
    return written


def generate_tables(
    scale: float = 0.1, seed: int = 42
) -> Iterator[tuple[str, pa.Table | Iterable[pa.Table]]]:
    """The 9 tables as typed rows, in dependency order; geolocation as a stream of chunks."""
    counts = row_counts(scale)
    rng = np.random.default_rng(seed)
    yield "product_category_translation", translation_table()
    places = build_places(rng, scale)
    catalog = build_catalog(rng, places, counts["sellers"], counts["products"], scale)
    yield "sellers", catalog.sellers
    yield "products", catalog.products
    status, has_items = order_statuses(rng, counts["orders"], scale)
    person, person_zip = customer_people(rng, places, counts["orders"])
    customer_ids = hex_ids(rng, counts["orders"])
    yield "customers", customers_table(rng, places, customer_ids, person, person_zip)
    plan = plan_payments(rng, has_items, counts["order_payments"], scale)
    boleto = plan.main_kind(len(status)) == "boleto"
    orders = build_orders(rng, places, status, has_items, boleto, person_zip[person], scale)
    yield "orders", orders_table(rng, orders, customer_ids)
    items = build_items(rng, orders, catalog, counts["order_items"])
    yield "order_items", items_table(rng, items, orders, catalog)
    totals = unpaid_totals(rng, items.order_totals(len(status)), has_items)
    cents = payment_values(rng, plan, totals)
    yield "order_payments", payments_table(rng, plan, orders.ids, cents, scale)
    yield "order_reviews", reviews_table(rng, orders, counts["order_reviews"], scale)
    yield "geolocation", geolocation_chunks(rng, places, counts["geolocation"])


def write_file(path: Path, contract: TableContract, rows: pa.Table | Iterable[pa.Table]) -> int:
    """Write one table's rows as its Olist CSV file; returns the data rows written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with OlistCsvWriter(path, contract) as writer:
        for chunk in [rows] if isinstance(rows, pa.Table) else rows:
            writer.write(chunk)
    return writer.rows
