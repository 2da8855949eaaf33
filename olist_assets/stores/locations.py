"""A store for a lake location given as configuration: a local path or an s3:// URL."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from olist_assets.core.storage import Store
from olist_assets.stores.local import LocalStore
from olist_assets.stores.s3 import S3Store

if TYPE_CHECKING:
    import boto3


def open_store(url: str | Path, session: boto3.Session | None = None) -> Store:
    """A store for a local path or an `s3://bucket/prefix` URL."""
    text = str(url)
    if text.startswith("s3://"):
        parsed = urlparse(text)
        return S3Store(parsed.netloc, parsed.path, session=session)
    return LocalStore(text)
