"""Raw file -> clean batch: parse, quarantine, deduplicate, and publish the table with precedence.

`refresh_table` is the one entry point both runtimes call: the Dagster clean asset for a whole table,
the landing Lambda for the single file it was told about.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from olist_assets.core import lake
from olist_assets.core.contracts import TableContract
from olist_assets.core.dedup import Deduplicator, parquet_row_hashes
from olist_assets.core.hashing import HashingReader
from olist_assets.core.landing import raw_zone
from olist_assets.core.manifest import BatchRecord, TableManifest, load_manifest, save_manifest
from olist_assets.core.parsing import DEFAULT_CHUNK_ROWS, Reject, read_chunks
from olist_assets.core.storage import Store

QUARANTINE_SCHEMA = pa.schema(
    [
        pa.field("source_file", pa.string(), nullable=False),
        pa.field("line", pa.int64(), nullable=False),
        pa.field("column_name", pa.string()),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("raw_record", pa.string(), nullable=False),
    ]
)


@dataclass
class RefreshResult:
    """What one refresh did to a table: the batches it (re)ingested and the table's ledger after it."""

    table: str
    ingested: list[BatchRecord]
    removed: list[str]
    manifest: TableManifest
    ignored: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.ingested or self.removed)


def refresh_table(
    store: Store,
    contract: TableContract,
    raw_keys: list[str] | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> RefreshResult:
    """Ingest the table's new or changed raw files (all its batches in raw/ unless given) and publish."""
    manifest = load_manifest(store, contract.name)
    removed = _forget_missing_batches(store, manifest) if raw_keys is None else []
    keys, ignored = (raw_keys, []) if raw_keys is not None else raw_files(store, contract)
    ingested = []
    for key in keys:
        known = manifest.batches.get(lake.batch_name(key))
        info = store.info(key)
        if info is None:
            raise FileNotFoundError(f"{key}: no such raw file in {store.url}")
        landing = (key, info.etag, info.modified.isoformat())
        if known and (known.raw_key, known.etag, known.landed_at) == landing:
            continue
        record = ingest_batch(store, contract, key, chunk_rows)
        manifest.batches[record.batch] = record
        save_manifest(store, manifest)
        ingested.append(record)
    publish_table(store, contract, manifest)
    return RefreshResult(contract.name, ingested, removed, manifest, ignored)


def raw_files(store: Store, contract: TableContract) -> tuple[list[str], list[str]]:
    """Raw keys of this table's batches, oldest landing first, and raw keys refused for it, with why."""
    zone = raw_zone(store)
    ours = [a for a in zone.admitted if a.batch.table == contract.name]
    refused = [lake.raw_key(r.message) for r in zone.rejected if r.table == contract.name]
    return [lake.raw_key(a.key) for a in sorted(ours, key=lambda a: (a.at, a.key))], refused


def ingest_batch(
    store: Store, contract: TableContract, raw_key: str, chunk_rows: int = DEFAULT_CHUNK_ROWS
) -> BatchRecord:
    """Parse one raw file into its staged batch and quarantine; the lake changes only on success."""
    info = store.info(raw_key)
    if info is None:
        raise FileNotFoundError(f"{raw_key}: no such raw file in {store.url}")
    file_name = raw_key.removeprefix(f"{lake.RAW}/")
    batch = lake.batch_name(raw_key)
    counts = {"read": 0, "clean": 0, "quarantined": 0, "duplicate": 0}
    with tempfile.TemporaryDirectory(prefix="olist-ingest-") as folder:
        staged, quarantined = Path(folder) / "staged.parquet", Path(folder) / "quarantine.parquet"
        with (
            store.open_input(raw_key) as stream,
            pq.ParquetWriter(staged, contract.arrow_schema) as clean_out,
            pq.ParquetWriter(quarantined, QUARANTINE_SCHEMA) as quarantine_out,
        ):
            hashed = HashingReader(stream)
            dedup = Deduplicator(contract)
            for chunk in read_chunks(hashed, contract, file_name, chunk_rows):
                rows, duplicates, conflicts = dedup.apply(chunk)
                rejects = sorted(chunk.rejects + conflicts, key=lambda reject: reject.line)
                if rows.num_rows:
                    clean_out.write_table(rows)
                if rejects:
                    quarantine_out.write_table(_quarantine_rows(file_name, rejects))
                counts["read"] += chunk.records
                counts["clean"] += rows.num_rows
                counts["quarantined"] += len(rejects)
                counts["duplicate"] += duplicates
        store.put_file(lake.staging_key(contract.name, batch), staged)
        store.put_file(lake.quarantine_key(contract.name, batch), quarantined)
    return BatchRecord(
        batch=batch,
        raw_key=raw_key,
        etag=info.etag,
        sha256=hashed.hexdigest(),
        size=hashed.size,
        landed_at=info.modified.isoformat(),
        rows_read=counts["read"],
        rows_clean=counts["clean"],
        rows_quarantined=counts["quarantined"],
        rows_duplicate=counts["duplicate"],
    )


def publish_table(store: Store, contract: TableContract, manifest: TableManifest) -> None:
    """Write clean/<table>/: each staged batch less the keys a newer batch also holds."""
    seen = np.empty(0, dtype=np.uint64)
    for record in manifest.ordered(newest_first=True):
        staged_key = lake.staging_key(contract.name, record.batch)
        with store.local_copy(staged_key) as path:
            keys = parquet_row_hashes(path, contract.key_columns)
            keep = ~np.isin(keys, seen)
            signature = f"{record.sha256}:{hashlib.sha256(np.packbits(keep)).hexdigest()}"
            clean_key = lake.clean_key(contract.name, record.batch)
            if record.published_signature != signature or store.info(clean_key) is None:
                _write_filtered(store, clean_key, path, keep)
        record.rows_superseded = int((~keep).sum())
        record.published_signature = signature
        seen = np.concatenate([seen, keys[keep]])
    for info in store.list(lake.table_prefix(lake.CLEAN, contract.name)):
        batch = info.key.removeprefix(lake.table_prefix(lake.CLEAN, contract.name))
        if batch.removesuffix(".parquet") not in manifest.batches:
            store.delete(info.key)
    save_manifest(store, manifest)


def _write_filtered(store: Store, key: str, source: Path, keep: np.ndarray) -> None:
    if keep.all():
        store.put_file(key, source)
        return
    parquet = pq.ParquetFile(source)
    with tempfile.TemporaryDirectory(prefix="olist-publish-") as folder:
        target = Path(folder) / "clean.parquet"
        with pq.ParquetWriter(target, parquet.schema_arrow) as out:
            offset = 0
            for batch in parquet.iter_batches():
                mask = keep[offset : offset + batch.num_rows]
                offset += batch.num_rows
                out.write_table(pa.Table.from_batches([batch]).filter(pa.array(mask)))
        store.put_file(key, target)


def _forget_missing_batches(store: Store, manifest: TableManifest) -> list[str]:
    """Drop batches whose raw file is gone from the lake, with their staged and quarantined rows."""
    removed = [b.batch for b in manifest.ordered() if store.info(b.raw_key) is None]
    for batch in removed:
        del manifest.batches[batch]
        for key in (
            lake.staging_key(manifest.table, batch),
            lake.quarantine_key(manifest.table, batch),
        ):
            store.delete(key)
    return removed


def _quarantine_rows(file_name: str, rejects: list[Reject]) -> pa.Table:
    return pa.Table.from_pydict(
        {
            "source_file": [file_name] * len(rejects),
            "line": [r.line for r in rejects],
            "column_name": [r.column for r in rejects],
            "reason": [r.reason for r in rejects],
            "raw_record": [r.raw_record for r in rejects],
        },
        schema=QUARANTINE_SCHEMA,
    )
