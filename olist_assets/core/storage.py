"""Storage port: the one small interface the core needs over a lake location.

Keys are lake-relative (`raw/orders/x.csv`); the adapters (`olist_assets.stores`) put them in a local
folder or under an S3 prefix, chosen by configuration, and never outside it (`confined_key`). Writes are
whole-object and atomic: a reader never sees a half-written file.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import pyarrow.fs as pafs


class OutsideStoreError(ValueError):
    """A key that would leave the store's root (`..`, an absolute key, a link to elsewhere)."""


def confined_key(key: str) -> str:
    """The key itself when it stays under the store's root; raises OutsideStoreError otherwise.

    Refused: absolute keys, `..` segments and NUL characters. The empty key is the root itself.
    """
    if key.startswith("/") or "\0" in key or ".." in key.split("/"):
        raise OutsideStoreError(f"{key!r} is not a key inside the store (absolute or with '..')")
    return key


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    modified: datetime
    etag: str


class Store(Protocol):
    """What the core needs from a lake location."""

    url: str

    def open_input(self, key: str) -> contextlib.AbstractContextManager[IO[bytes]]: ...
    def read_bytes(self, key: str) -> bytes: ...
    def write_bytes(self, key: str, data: bytes) -> None: ...
    def put_file(self, key: str, path: Path) -> None: ...
    def local_copy(self, key: str) -> contextlib.AbstractContextManager[Path]: ...
    def list(self, prefix: str) -> list[ObjectInfo]: ...
    def linked_folders(self, prefix: str) -> list[str]: ...
    def info(self, key: str) -> ObjectInfo | None: ...
    def delete(self, key: str) -> None: ...
    def arrow_filesystem(self) -> tuple[pafs.FileSystem, str]: ...
    def uri(self, key: str) -> str: ...
