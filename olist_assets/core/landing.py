"""Land source files into the lake's raw zone, byte for byte, with their fingerprint."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from olist_assets.core import lake
from olist_assets.core.contracts import TableContract
from olist_assets.core.hashing import HashingReader, file_sha256
from olist_assets.core.parsing import count_records
from olist_assets.core.storage import ObjectInfo, Store


@dataclass(frozen=True)
class LandedFile:
    """A source file as it now sits in raw/: `changed` is False when identical bytes were already
    there. `etag` is the source's ETag (S3) or size-and-mtime tag (local store) as seen."""

    key: str
    file_name: str
    size: int
    sha256: str
    records: int
    changed: bool
    etag: str = ""


@dataclass(frozen=True)
class SeenVersion:
    """What was recorded when a file was last landed: enough to know it again unread."""

    size: int
    etag: str
    sha256: str
    records: int


def source_files(source: Store, contract: TableContract) -> list[str]:
    """Keys in a landing location that belong to this table (original name or dated variants)."""
    return [
        info.key for info in source.list("") if contract.matches_file(posixpath.basename(info.key))
    ]


def unchanged_since(info: ObjectInfo, seen: SeenVersion | None) -> bool:
    """Whether a file is the version recorded: the same size and the same ETag (S3) or
    modification time (a local store's tag holds it). Anything else is read and hashed: the
    content, not the metadata, decides what changed."""
    return seen is not None and (info.size, info.etag) == (seen.size, seen.etag)


def land_file(
    source: Store,
    source_key: str,
    target: Store,
    contract: TableContract,
    seen: SeenVersion | None = None,
) -> LandedFile:
    """Copy one source file to raw/<table>/<name> unless the same bytes are already there.

    A file `unchanged_since` the version `seen` (recorded by the caller at its last landing) is
    not read at all; otherwise one pass hashes it and counts its records as the reader does.
    """
    file_name = posixpath.basename(source_key)
    key = lake.raw_key(contract.name, file_name)
    info = source.info(source_key)
    if info is not None and unchanged_since(info, seen) and target.info(key) is not None:
        return LandedFile(key, file_name, seen.size, seen.sha256, seen.records, False, info.etag)
    with source.local_copy(source_key) as path:
        with path.open("rb") as handle:
            hashed = HashingReader(handle)
            records = count_records(hashed)
            sha256, size = hashed.hexdigest(), hashed.size
        changed = _differs(target, key, size, sha256)
        if changed:
            target.put_file(key, path)
    return LandedFile(key, file_name, size, sha256, records, changed, info.etag if info else "")


def _differs(target: Store, key: str, size: int, sha256: str) -> bool:
    existing = target.info(key)
    if existing is None or existing.size != size:
        return True
    with target.local_copy(key) as path, path.open("rb") as handle:
        return file_sha256(handle)[0] != sha256
