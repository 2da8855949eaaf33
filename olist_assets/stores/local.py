"""The lake in a local folder: the storage port over the file system.

Every key stays under the root: `..` and absolute keys are refused, listing never leaves the root (nor
follows linked folders), and a file reached through a symbolic link is read only when the link
resolves inside the root. Files are written like any program writes them (mode 0666 less the umask),
atomically (a temporary file in the same folder, then a rename).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

from olist_assets.core.storage import ObjectInfo, OutsideStoreError, confined_key

if TYPE_CHECKING:
    import pyarrow.fs as pafs

TEMP_PREFIX = ".olist-tmp-"


class LocalStore:
    """A lake in a local folder."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()
        self.url = str(self.root)

    def _path(self, key: str) -> Path:
        return self.root / confined_key(key)

    def _readable(self, key: str) -> Path:
        """The path of a key to read; raises OutsideStoreError when a link leads out of the root."""
        path = self._path(key)
        if not path.resolve().is_relative_to(self.root):
            raise OutsideStoreError(
                f"{key!r} is a symbolic link to {path.resolve()}, outside {self.root}: "
                "copy the file in instead of linking it"
            )
        return path

    @contextlib.contextmanager
    def open_input(self, key: str) -> Iterator[IO[bytes]]:
        with self._readable(key).open("rb") as handle:
            yield handle

    def read_bytes(self, key: str) -> bytes:
        return self._readable(key).read_bytes()

    def write_bytes(self, key: str, data: bytes) -> None:
        target = self._path(key)
        with _temp_file(target.parent) as tmp:
            tmp.write_bytes(data)
            _publish(tmp, target)

    def put_file(self, key: str, path: Path) -> None:
        target = self._path(key)
        with _temp_file(target.parent) as tmp:
            shutil.copyfile(path, tmp)
            _publish(tmp, target)

    @contextlib.contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        yield self._readable(key)

    def list(self, prefix: str) -> list[ObjectInfo]:
        """Files under a key prefix, sorted, as S3 lists them (hidden files included); the store's
        own temporary files and linked folders (`linked_folders`) are not listed."""
        found = []
        for path in self._walk(prefix)[0]:
            key = path.relative_to(self.root).as_posix()
            if key.startswith(prefix) and not path.name.startswith(TEMP_PREFIX) and path.is_file():
                found.append(self._info(path, key))
        return sorted(found, key=lambda info: info.key)

    def linked_folders(self, prefix: str) -> list[str]:
        """The keys (ending in '/') of the symbolic links to folders under a prefix: never
        followed, so that nothing outside the root is listed; callers report them."""
        return sorted(key for key in self._walk(prefix)[1] if key.startswith(prefix))

    def _walk(self, prefix: str) -> tuple[list[Path], list[str]]:
        """The files in the prefix's folder and below, without entering linked folders, and the
        keys of those linked folders."""
        folder = self._path(prefix[: prefix.rfind("/") + 1])
        files: list[Path] = []
        links: list[str] = []
        if not folder.is_dir():
            return files, links
        for parent, folders, names in os.walk(folder):
            linked = [name for name in folders if Path(parent, name).is_symlink()]
            links += [f"{Path(parent, n).relative_to(self.root).as_posix()}/" for n in linked]
            folders[:] = [name for name in folders if name not in linked]
            files += [Path(parent, name) for name in names]
        return files, links

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
        """The path naming a key, for messages and engines (not confined: it opens nothing)."""
        return (self.root / key).as_posix()


@contextlib.contextmanager
def _temp_file(folder: Path) -> Iterator[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=folder, prefix=TEMP_PREFIX)
    os.close(handle)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def _publish(tmp: Path, target: Path) -> None:
    """Give the temporary file a normal file's mode (mkstemp makes it 0600), then rename it."""
    os.chmod(tmp, 0o666 & ~_umask())
    os.replace(tmp, target)


def _umask() -> int:
    """The process umask: from /proc on Linux (no race), else by setting it and putting it back."""
    with contextlib.suppress(OSError, StopIteration, ValueError):
        with open("/proc/self/status", encoding="ascii") as status:
            line = next(line for line in status if line.startswith("Umask:"))
        return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
