"""The lake under an S3 prefix: the storage port over boto3, with the caller's session.

Keys stay under the prefix: `..` segments and absolute keys are refused (`confined_key`).
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from olist_assets.core.storage import ObjectInfo, confined_key

if TYPE_CHECKING:
    import boto3
    import pyarrow.fs as pafs


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
        """The object key under the prefix; raises OutsideStoreError for `..` or absolute keys."""
        return self.prefix + confined_key(key)

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

    def linked_folders(self, prefix: str) -> list[str]:
        """None: S3 has no symbolic links."""
        return []

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
        return f"s3://{self.bucket}/{self.prefix}{key}"
