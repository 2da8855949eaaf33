"""A monthly drop refreshes the clean tables in a fraction of a full load: only what changed is written.

In one process: generate an Olist-shaped dataset (scale 1 is real-sized), land every file into a
new local lake and refresh every clean table (the full clean load, timed); then land one monthly
drop of orders, items and payments (1/24 of each, 10% of whose keys restate orders of the previous
three months) and refresh those three tables (timed). Prints both wall times, their ratio (target:
at most 0.10), the bytes the drop's commits wrote over the tables' bytes, and, beside it and not in
the ratio, the business rebuild that follows the drop.

    .venv/bin/python benchmarks/bench_monthly_drop.py [--scale 1]
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from pathlib import Path

from olist_assets.core.business.tables import BUSINESS_TABLES
from olist_assets.core.cleaning import refresh_table
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.tables import CLEAN
from olist_assets.engines.duckdb_engine import DuckDBEngine
from olist_assets.generator.dataset import generate_dataset
from olist_assets.stores.iceberg.catalogs import default_config
from olist_assets.stores.iceberg.tables import IcebergTables
from olist_assets.stores.local import LocalStore

DROP_TABLES = ("orders", "order_items", "order_payments")
SHARE = 1 / 24
RESTATED = 0.10
TARGET = 0.10


def new_id(old: str) -> str:
    return hashlib.md5(f"drop:{old}".encode()).hexdigest()


def with_first_field(line: str, value: str) -> str:
    """The CSV line with its first field (an id, quoted or not) replaced, quoting kept."""
    first, rest = line.split(",", 1)
    return (f'"{value}"' if first.startswith('"') else value) + "," + rest


def build_drop(files: Path, out: Path) -> dict[str, Path]:
    """Write the drop's three files; returns table -> path."""
    orders = (files / CONTRACTS["orders"].file_name).read_text().splitlines()
    header, lines = orders[0], orders[1:]
    size = int(len(lines) * SHARE)
    by_month = sorted(lines, key=lambda line: line.split(",")[3])
    recent = by_month[-size * 3 :]
    restated = recent[:: max(1, len(recent) // max(1, int(size * RESTATED)))][
        : int(size * RESTATED)
    ]
    fresh = lines[: size - len(restated)]
    order_ids = {line.split(",")[0].strip('"'): line.split(",")[0].strip('"') for line in restated}
    order_ids |= {
        line.split(",")[0].strip('"'): new_id(line.split(",")[0].strip('"')) for line in fresh
    }
    drop = {"orders": [header]}
    drop["orders"] += [line.replace("delivered", "canceled", 1) for line in restated]
    drop["orders"] += [
        with_first_field(line, order_ids[line.split(",")[0].strip('"')]) for line in fresh
    ]
    for table in ("order_items", "order_payments"):
        source = (files / CONTRACTS[table].file_name).read_text().splitlines()
        drop[table] = [source[0]] + [
            with_first_field(line, order_ids[line.split(",")[0].strip('"')])
            for line in source[1:]
            if line.split(",")[0].strip('"') in order_ids
        ]
    paths = {}
    for table, rows in drop.items():
        paths[table] = out / f"{CONTRACTS[table].file_stem}_2018-11.csv"
        paths[table].write_text("\n".join(rows) + "\n")
    return paths


def table_bytes(tables: IcebergTables, name: str) -> int:
    table = tables.load(CLEAN, name)
    return sum(task.file.file_size_in_bytes for task in table.scan().plan_files())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="olist-bench-drop-") as folder:
        root = Path(folder)
        generate_dataset(root / "files", scale=args.scale, seed=42)
        store = LocalStore(root / "lake")
        tables = IcebergTables(default_config(str(root / "lake")), store)
        for contract in CONTRACTS.values():
            store.put_file(f"raw/{contract.file_name}", root / "files" / contract.file_name)
        started = time.perf_counter()
        for contract in CONTRACTS.values():
            refresh_table(store, tables, contract)
        full = time.perf_counter() - started

        drop = build_drop(root / "files", root)
        for path in drop.values():
            store.put_file(f"raw/{path.name}", path)
        before = {name: table_bytes(tables, name) for name in DROP_TABLES}
        started = time.perf_counter()
        results = [
            refresh_table(store, tables, CONTRACTS[t], raw_keys=[f"raw/{drop[t].name}"])
            for t in DROP_TABLES
        ]
        monthly = time.perf_counter() - started
        snapshots = [tables.load(CLEAN, r.table).snapshot_by_id(r.snapshot_id) for r in results]
        written = sum(int(s.summary["added-files-size"] or 0) for s in snapshots)
        rewritten = sum(
            int(s.summary.additional_properties.get("olist.files-rewritten-bytes", 0))
            for s in snapshots
        )
        engine = DuckDBEngine(tables)
        started = time.perf_counter()
        for name in BUSINESS_TABLES:
            engine.build_table(name)
        business = time.perf_counter() - started
        engine.close()

    superseded = sum(r.ledger.total("rows_superseded") for r in results)
    ratio = monthly / full
    print(f"scale {args.scale}: full clean load {full:.2f} s; monthly drop {monthly:.2f} s")
    print(
        f"drop/full ratio {ratio:.3f} (target <= {TARGET:.2f}): {'met' if ratio <= TARGET else 'MISSED'}"
    )
    print(f"rows superseded by the drop: {superseded:,}")
    total = sum(before.values())
    print(
        f"bytes written by the drop's commits {written:,} (of which rewritten files holding "
        f"superseded keys {rewritten:,}) over the three tables' {total:,} bytes = "
        f"{written / total:.3f}"
    )
    print(f"business rebuild after the drop (not in the ratio): {business:.2f} s")


if __name__ == "__main__":
    main()
