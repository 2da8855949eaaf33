"""A pass-through reader that fingerprints the bytes as they stream by."""

from __future__ import annotations

import hashlib
import io
from typing import IO


class HashingReader(io.RawIOBase):
    """Wraps a binary stream; after reading, `hexdigest()` is the sha256 and `size` the byte count."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._hash = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes (all that is left when -1), hashed on the way, without a copy."""
        data = self._stream.read(size) if size is not None and size >= 0 else self._stream.read()
        self._hash.update(data)
        self.size += len(data)
        return data

    def readinto(self, buffer) -> int:
        data = self._stream.read(len(buffer))
        self._hash.update(data)
        self.size += len(data)
        buffer[: len(data)] = data
        return len(data)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def file_sha256(stream: IO[bytes], block: int = 1 << 20) -> tuple[str, int]:
    """sha256 and size of a whole stream, read in blocks."""
    reader = HashingReader(stream)
    while reader.read(block):
        pass
    return reader.hexdigest(), reader.size
