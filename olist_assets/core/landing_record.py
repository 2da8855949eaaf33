"""Whether a landing file's content is already in the lake: the one rule the local landing (the
raw assets, in a command-line run or a sensor's) and the Dagster landing sensor share.

The raw zone is the truth: landing file `K` is landed when `raw/K` holds the same bytes (sha256).
The landing record (`runs/local-landing.json` in the lake, written by every landing) only spares
reading files: per landing key, the size and ETag the file had when a content was landed, its sha256
and records, and the raw copy's ETag then. A file whose size and ETag are those recorded is known
without being read; a raw copy whose ETag is the recorded one is known without being hashed; with
no record (lost, or a lake filled another way) both are hashed and the answer is the same. Contents
refused when landed (they never enter raw/) are recorded too, so the same bytes are not submitted
again; the landing re-reads them on every run and reports them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace

from olist_assets.core import lake
from olist_assets.core.hashing import file_sha256
from olist_assets.core.storage import ObjectInfo, OutsideStoreError, Store

LANDED = f"{lake.RUNS}/local-landing.json"


@dataclass(frozen=True)
class LandedVersion:
    """One content of a landing file as the lake last took it.

    `size` and `etag` are the landing file's as seen then (an S3 ETag, or a local file's
    size-and-modification-time tag); `raw_etag` the raw copy's after landing ('' when unknown);
    `refused` the reason the content was refused ('' when it landed).
    """

    size: int
    etag: str
    sha256: str
    records: int = 0
    raw_etag: str = ""
    refused: str = ""


class LandingRecord:
    """The landing record of one lake: read once, updated by a landing, saved when it changed."""

    def __init__(self, target: Store, versions: dict[str, LandedVersion]) -> None:
        self.target = target
        self.versions = versions
        self._changed = False

    @classmethod
    def load(cls, target: Store) -> LandingRecord:
        """The record of `target` (empty when it has none)."""
        if target.info(LANDED) is None:
            return cls(target, {})
        body = json.loads(target.read_bytes(LANDED))
        return cls(target, {key: LandedVersion(**fields) for key, fields in body.items()})

    def known(self, info: ObjectInfo) -> LandedVersion | None:
        """The recorded version of a landing file that still has the size and ETag it had then:
        its content is known without reading it. None when the file may have changed."""
        version = self.versions.get(info.key)
        if version is None or (version.size, version.etag) != (info.size, info.etag):
            return None
        return version

    def holds(self, key: str, size: int, sha256: str) -> bool:
        """Whether `raw/<key>` holds exactly this content. The raw copy is hashed only when the
        record cannot vouch for it (no entry, or the copy's ETag moved since)."""
        try:
            raw = self.target.info(lake.raw_key(key))
        except OutsideStoreError:  # a key no lake can hold ('..'): never landed
            return False
        if raw is None or raw.size != size:
            return False
        version = self.versions.get(key)
        if version is not None and version.raw_etag and version.raw_etag == raw.etag:
            return version.sha256 == sha256
        with self.target.local_copy(raw.key) as path, path.open("rb") as handle:
            same = file_sha256(handle)[0] == sha256
        if same and version is not None and version.sha256 == sha256 and not version.refused:
            self.note(key, replace(version, raw_etag=raw.etag))  # vouched for from now on
        return same

    def handled(self, key: str, size: int, sha256: str) -> bool:
        """Whether a landing file with this content needs no landing run: its raw copy holds it, or
        the very same content was refused when it was last landed."""
        version = self.versions.get(key)
        if version is not None and version.refused and version.sha256 == sha256:
            return True
        return self.holds(key, size, sha256)

    def note(self, key: str, version: LandedVersion) -> None:
        """Record what a landing did with a file's content (landed or refused)."""
        if self.versions.get(key) != version:
            self.versions[key] = version
            self._changed = True

    def save(self) -> None:
        """Write the record back when a landing changed it (the whole record, atomically)."""
        if not self._changed:
            return
        body = {key: asdict(version) for key, version in sorted(self.versions.items())}
        self.target.write_bytes(LANDED, json.dumps(body, sort_keys=True).encode())
        self._changed = False
