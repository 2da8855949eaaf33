"""Read a lake table folder (one dataset of Parquet files) through the storage port."""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
import pyarrow.parquet as pq

from olist_assets.core.storage import Store


def parquet_keys(store: Store, prefix: str) -> list[str]:
    return [info.key for info in store.list(prefix) if info.key.endswith(".parquet")]


def read_table(store: Store, prefix: str, columns: Sequence[str] | None = None) -> pa.Table:
    """All Parquet files under a prefix as one table (only the named columns, if given)."""
    parts = []
    for key in parquet_keys(store, prefix):
        with store.local_copy(key) as path:
            parts.append(pq.read_table(path, columns=list(columns) if columns else None))
    if not parts:
        raise FileNotFoundError(f"no Parquet files under {store.uri(prefix)}")
    return pa.concat_tables(parts)


def read_head(store: Store, prefix: str, rows: int = 5) -> pa.Table | None:
    """The first rows found under a prefix, for previews; None when it holds no rows."""
    for key in parquet_keys(store, prefix):
        with store.local_copy(key) as path:
            for batch in pq.ParquetFile(path).iter_batches(batch_size=rows):
                return pa.Table.from_batches([batch])
    return None
