"""The per-table ledger: which raw files became which batch, and where every row went."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from olist_assets.core import lake
from olist_assets.core.storage import Store


@dataclass
class BatchRecord:
    """One raw file's journey: rows read = clean + quarantined + duplicates (within the file)."""

    batch: str
    raw_key: str
    etag: str
    sha256: str
    size: int
    landed_at: str
    rows_read: int
    rows_clean: int
    rows_quarantined: int
    rows_duplicate: int
    rows_superseded: int = 0
    published_signature: str | None = None

    @property
    def rows_published(self) -> int:
        """Rows of this batch in the clean table: its clean rows less those a newer batch replaced."""
        return self.rows_clean - self.rows_superseded

    @property
    def precedence(self) -> tuple[str, str]:
        """Later-landed batches win primary-key conflicts; the name breaks ties."""
        return (self.landed_at, self.batch)


@dataclass
class TableManifest:
    table: str
    batches: dict[str, BatchRecord] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(b.rows_published for b in self.batches.values())

    def ordered(self, newest_first: bool = False) -> list[BatchRecord]:
        return sorted(self.batches.values(), key=lambda b: b.precedence, reverse=newest_first)

    def to_json(self) -> bytes:
        body = {
            "table": self.table,
            "batches": {k: asdict(v) for k, v in sorted(self.batches.items())},
        }
        return json.dumps(body, indent=2, sort_keys=True).encode()


def load_manifest(store: Store, table: str) -> TableManifest:
    key = lake.manifest_key(table)
    if store.info(key) is None:
        return TableManifest(table)
    body = json.loads(store.read_bytes(key))
    batches = {name: BatchRecord(**record) for name, record in body["batches"].items()}
    return TableManifest(table, batches)


def save_manifest(store: Store, manifest: TableManifest) -> None:
    store.write_bytes(lake.manifest_key(manifest.table), manifest.to_json())
