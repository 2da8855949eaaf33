"""The lake in a local folder: the storage port over the file system."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

from olist_assets.core.storage import ObjectInfo

if TYPE_CHECKING:
    import pyarrow.fs as pafs


class LocalStore:
    """A lake in a local folder."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()
        self.url = str(self.root)

    def _path(self, key: str) -> Path:
        return self.root / key

    @contextlib.contextmanager
    def open_input(self, key: str) -> Iterator[IO[bytes]]:
        with self._path(key).open("rb") as handle:
            yield handle

    def read_bytes(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def write_bytes(self, key: str, data: bytes) -> None:
        with _temp_file(self._path(key).parent) as tmp:
            tmp.write_bytes(data)
            self.put_file(key, tmp)

    def put_file(self, key: str, path: Path) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        with _temp_file(target.parent) as tmp:
            shutil.copyfile(path, tmp)
            os.replace(tmp, target)

    @contextlib.contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        yield self._path(key)

    def list(self, prefix: str) -> list[ObjectInfo]:
        base = self._path(prefix)
        folder = base if prefix.endswith("/") or base.is_dir() else base.parent
        if not folder.is_dir():
            return []
        found = []
        for path in sorted(folder.rglob("*")):
            key = path.relative_to(self.root).as_posix()
            if path.is_file() and key.startswith(prefix) and not path.name.startswith("."):
                found.append(self._info(path, key))
        return found

    def info(self, key: str) -> ObjectInfo | None:
        path = self._path(key)
        return self._info(path, key) if path.is_file() else None

    @staticmethod
    def _info(path: Path, key: str) -> ObjectInfo:
        stat = path.stat()
        modified = datetime.fromtimestamp(stat.st_mtime, tz=UTC)
        return ObjectInfo(key, stat.st_size, modified, f"{stat.st_size}-{stat.st_mtime_ns}")

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def arrow_filesystem(self) -> tuple[pafs.FileSystem, str]:
        import pyarrow.fs as pafs

        return pafs.LocalFileSystem(), self.root.as_posix()

    def uri(self, key: str) -> str:
        return self._path(key).as_posix()


@contextlib.contextmanager
def _temp_file(folder: Path) -> Iterator[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    os.close(handle)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)
