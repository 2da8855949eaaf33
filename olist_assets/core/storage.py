"""Storage port: one small interface over a local folder or an S3 prefix.

Keys are lake-relative (`raw/orders/x.csv`); the location is configuration (`open_store(url)`).
Writes are whole-object and atomic: a reader never sees a half-written file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol
from urllib.parse import urlparse

if TYPE_CHECKING:
    import boto3
    import pyarrow.fs as pafs


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
    def info(self, key: str) -> ObjectInfo | None: ...
    def delete(self, key: str) -> None: ...
    def arrow_filesystem(self) -> tuple[pafs.FileSystem, str]: ...
    def uri(self, key: str) -> str: ...


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


class S3Store:
    """A lake under an S3 prefix; the boto3 session (and so credentials, endpoint) comes from the caller."""

    def __init__(self, bucket: str, prefix: str = "", session: boto3.Session | None = None) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.url = f"s3://{bucket}/{self.prefix}"
        self._session = session
        self._client = None

    @property
    def client(self):
        if self._client is None:
            import boto3

            self._client = (self._session or boto3.Session()).client("s3")
        return self._client

    def _key(self, key: str) -> str:
        return self.prefix + key

    @contextlib.contextmanager
    def open_input(self, key: str) -> Iterator[IO[bytes]]:
        body = self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
        try:
            yield body
        finally:
            body.close()

    def read_bytes(self, key: str) -> bytes:
        with self.open_input(key) as body:
            return body.read()

    def write_bytes(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def put_file(self, key: str, path: Path) -> None:
        self.client.upload_file(str(path), self.bucket, self._key(key))

    @contextlib.contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        with tempfile.TemporaryDirectory(prefix="olist-") as folder:
            path = Path(folder) / Path(key).name
            self.client.download_file(self.bucket, self._key(key), str(path))
            yield path

    def list(self, prefix: str) -> list[ObjectInfo]:
        paginator = self.client.get_paginator("list_objects_v2")
        found = []
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self._key(prefix)):
            for item in page.get("Contents", []):
                key = item["Key"][len(self.prefix) :]
                found.append(ObjectInfo(key, item["Size"], item["LastModified"], item["ETag"]))
        return sorted(found, key=lambda info: info.key)

    def info(self, key: str) -> ObjectInfo | None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except self.client.exceptions.ClientError as error:
            if error.response["Error"]["Code"] in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise
        return ObjectInfo(key, head["ContentLength"], head["LastModified"], head["ETag"])

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def arrow_filesystem(self) -> tuple[pafs.FileSystem, str]:
        """A pyarrow S3 filesystem with this session's credentials, region and endpoint."""
        import boto3
        import pyarrow.fs as pafs

        credentials = (self._session or boto3.Session()).get_credentials().get_frozen_credentials()
        endpoint = self.client.meta.endpoint_url
        filesystem = pafs.S3FileSystem(
            access_key=credentials.access_key,
            secret_key=credentials.secret_key,
            session_token=credentials.token,
            region=self.client.meta.region_name,
            endpoint_override=None if "amazonaws.com" in endpoint else endpoint,
        )
        return filesystem, f"{self.bucket}/{self.prefix}".rstrip("/")

    def uri(self, key: str) -> str:
        return f"s3://{self.bucket}/{self._key(key)}"


@contextlib.contextmanager
def _temp_file(folder: Path) -> Iterator[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    os.close(handle)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def open_store(url: str | Path, session: boto3.Session | None = None) -> Store:
    """A store for a local path or an `s3://bucket/prefix` URL."""
    text = str(url)
    if text.startswith("s3://"):
        parsed = urlparse(text)
        return S3Store(parsed.netloc, parsed.path, session=session)
    return LocalStore(text)
