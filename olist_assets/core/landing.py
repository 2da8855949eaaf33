"""Land source files into the lake's raw zone, byte for byte, with their fingerprint."""

from __future__ import annotations

import csv
import posixpath
from dataclasses import dataclass
from pathlib import Path

from olist_assets.core import lake
from olist_assets.core.contracts import TableContract
from olist_assets.core.hashing import file_sha256
from olist_assets.core.storage import Store


@dataclass(frozen=True)
class LandedFile:
    """A source file as it now sits in raw/: `changed` is False when identical bytes were already there."""

    key: str
    file_name: str
    size: int
    sha256: str
    records: int
    changed: bool


def source_files(source: Store, contract: TableContract) -> list[str]:
    """Keys in a landing location that belong to this table (original name or dated variants)."""
    return [
        info.key for info in source.list("") if contract.matches_file(posixpath.basename(info.key))
    ]


def land_file(source: Store, source_key: str, target: Store, contract: TableContract) -> LandedFile:
    """Copy one source file to raw/<table>/<name> unless the same bytes are already there."""
    file_name = posixpath.basename(source_key)
    key = lake.raw_key(contract.name, file_name)
    with source.local_copy(source_key) as path:
        with path.open("rb") as handle:
            sha256, size = file_sha256(handle)
        changed = _differs(target, key, size, sha256)
        if changed:
            target.put_file(key, path)
        records = count_records(path)
    return LandedFile(key, file_name, size, sha256, records, changed)


def count_records(path: Path) -> int:
    """CSV records after the header (quoted newlines do not count as records)."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        return max(sum(1 for _ in csv.reader(handle)) - 1, 0)


def _differs(target: Store, key: str, size: int, sha256: str) -> bool:
    existing = target.info(key)
    if existing is None or existing.size != size:
        return True
    with target.local_copy(key) as path, path.open("rb") as handle:
        return file_sha256(handle)[0] != sha256
