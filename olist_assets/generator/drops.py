"""The embedded dataset as monthly drops: one dated folder per purchase month, as a business sends
its data month by month, to watch the event-driven pipeline work one drop at a time.

`YYYY-MM/` holds that month's orders with their items, payments and reviews and their customers,
and the products and sellers that first sell that month (those that never sell go in the first
month); the reference files (geolocation, category translation) stay undated at the top. Landing
the drops one by one, in order, gives the same tables as landing the whole dataset at once.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from olist_assets.core.contracts import CONTRACTS
from olist_assets.generator.dataset import Progress, generate_tables, write_file

REFERENCE_TABLES = ("geolocation", "product_category_translation")


def generate_monthly_drops(
    out_dir: Path, scale: float = 0.1, seed: int = 42, progress: Progress | None = None
) -> dict[str, int]:
    """Write the dataset as monthly drops under out_dir; returns {relative path: data rows}."""
    tables: dict[str, pa.Table] = {}
    written: dict[str, int] = {}
    for table, rows in generate_tables(scale, seed):
        if table in REFERENCE_TABLES:
            _save(out_dir, CONTRACTS[table].file_name, table, rows, written, progress)
        else:
            tables[table] = rows
    months = _months(tables)
    for month in sorted(set(months["orders"].to_pylist())):
        for table, rows in tables.items():
            chosen = pc.equal(months[table], month)
            path = f"{month}/{CONTRACTS[table].file_name}"
            _save(out_dir, path, table, rows.filter(chosen), written, progress)
    return written


def _save(out_dir: Path, path: str, table: str, rows, written: dict, progress) -> None:
    written[path] = write_file(out_dir / path, CONTRACTS[table], rows)
    if progress:
        progress(path, written[path])


def _months(tables: dict[str, pa.Table]) -> dict[str, pa.Array]:
    """The drop month (YYYY-MM) of every row of every dated table."""
    orders = tables["orders"]
    order_month = pc.strftime(orders["order_purchase_timestamp"], format="%Y-%m")
    by_order = {"order_id": orders["order_id"], "customer_id": orders["customer_id"]}
    months = {"orders": order_month.combine_chunks()}
    for table in ("order_items", "order_payments", "order_reviews"):
        months[table] = _lookup(tables[table]["order_id"], by_order["order_id"], order_month)
    months["customers"] = _lookup(
        tables["customers"]["customer_id"], by_order["customer_id"], order_month
    )
    first = months["orders"].sort()[0].as_py()
    items = tables["order_items"]
    for table, column in (("products", "product_id"), ("sellers", "seller_id")):
        sold = _first_sale(items[column], months["order_items"])
        found = _lookup(tables[table][column], sold["id"], sold["month"])
        months[table] = pc.fill_null(found, first)
    return months


def _lookup(keys: pa.ChunkedArray, index: pa.ChunkedArray, values: pa.ChunkedArray) -> pa.Array:
    """values[position of each key in index] (null where a key is not in the index)."""
    positions = pc.index_in(keys, value_set=index.combine_chunks())
    return pc.take(values.combine_chunks(), positions)


def _first_sale(ids: pa.ChunkedArray, months: pa.Array) -> pa.Table:
    """The first month each id appears in (YYYY-MM sorts as time)."""
    sales = pa.table({"id": ids, "month": months})
    return sales.group_by("id").aggregate([("month", "min")]).rename_columns(["id", "month"])
