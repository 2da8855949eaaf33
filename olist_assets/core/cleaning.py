"""Raw file -> clean batch: parse, quarantine, deduplicate, and publish the table with precedence.

`refresh_table` is the one entry point both runtimes call: the Dagster clean asset for a whole table,
the landing Lambda for the single file it was told about.
"""

from __future__ import annotations

import hashlib
import posixpath
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from olist_assets.core import lake
from olist_assets.core.batches import Batch
from olist_assets.core.contracts import TableContract
from olist_assets.core.fingerprints import FINGERPRINT, from_arrow
from olist_assets.core.manifest import BatchRecord, TableManifest, load_manifest, save_manifest
from olist_assets.core.parsing import DEFAULT_CHUNK_ROWS
from olist_assets.core.staging import KEY_COLUMN, stage_batch
from olist_assets.core.storage import Store


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
    """Ingest the table's new or changed raw files (all under raw/<table>/ unless given) and publish."""
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
    """Raw keys of this table, oldest landing first, and the keys in its folder that are not its files."""
    found = store.list(lake.table_prefix(lake.RAW, contract.name))
    ours = [info for info in found if contract.matches_file(posixpath.basename(info.key))]
    ignored = [info.key for info in found if info not in ours]
    return [info.key for info in sorted(ours, key=lambda info: (info.modified, info.key))], ignored


def ingest_batch(
    store: Store, contract: TableContract, raw_key: str, chunk_rows: int = DEFAULT_CHUNK_ROWS
) -> BatchRecord:
    """Stage one raw file (rows with their `_key`, quarantine); the lake changes only on success."""
    info = store.info(raw_key)
    if info is None:
        raise FileNotFoundError(f"{raw_key}: no such raw file in {store.url}")
    batch = lake.batch_name(raw_key)
    with tempfile.TemporaryDirectory(prefix="olist-ingest-") as folder:
        with store.open_input(raw_key) as stream:
            staged = stage_batch(
                stream,
                contract,
                Batch(contract.name, posixpath.basename(raw_key), ""),
                Path(folder),
                chunk_rows,
            )
        store.put_file(lake.staging_key(contract.name, batch), staged.rows)
        store.put_file(lake.quarantine_key(contract.name, batch), staged.quarantine)
    return BatchRecord(
        batch=batch,
        raw_key=raw_key,
        etag=info.etag,
        sha256=staged.sha256,
        size=staged.size,
        landed_at=info.modified.isoformat(),
        rows_read=staged.counts.read,
        rows_clean=staged.counts.clean,
        rows_quarantined=staged.counts.quarantined,
        rows_duplicate=staged.counts.duplicate,
    )


def publish_table(store: Store, contract: TableContract, manifest: TableManifest) -> None:
    """Write clean/<table>/: each staged batch less the keys a newer batch also holds."""
    seen = np.empty(0, dtype=FINGERPRINT)
    for record in manifest.ordered(newest_first=True):
        staged_key = lake.staging_key(contract.name, record.batch)
        with store.local_copy(staged_key) as path:
            keys = from_arrow(pq.read_table(path, columns=[KEY_COLUMN])[KEY_COLUMN])
            keep = ~np.isin(keys, seen)
            signature = f"{record.sha256}:{hashlib.sha256(np.packbits(keep)).hexdigest()}"
            clean_key = lake.clean_key(contract.name, record.batch)
            if record.published_signature != signature or store.info(clean_key) is None:
                _write_filtered(store, clean_key, path, keep)
        record.rows_superseded = int((~keep).sum())
        record.published_signature = signature
        seen = np.concatenate([seen, keys[keep]])
    for info in store.list(lake.table_prefix(lake.CLEAN, contract.name)):
        if lake.batch_name(info.key.removesuffix(".parquet")) not in manifest.batches:
            store.delete(info.key)
    save_manifest(store, manifest)


def _write_filtered(store: Store, key: str, source: Path, keep: np.ndarray) -> None:
    """The staged rows a newer batch does not override, without the staged `_key` column."""
    parquet = pq.ParquetFile(source)
    schema = parquet.schema_arrow.remove(parquet.schema_arrow.get_field_index(KEY_COLUMN))
    with tempfile.TemporaryDirectory(prefix="olist-publish-") as folder:
        target = Path(folder) / "clean.parquet"
        with pq.ParquetWriter(target, schema) as out:
            offset = 0
            for batch in parquet.iter_batches():
                mask = keep[offset : offset + batch.num_rows]
                offset += batch.num_rows
                rows = pa.Table.from_batches([batch]).filter(pa.array(mask))
                out.write_table(rows.select(schema.names))
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
