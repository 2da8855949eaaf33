"""A store for a lake location given as configuration: a local path or an s3:// URL."""

from __future__ import annotations

import difflib
import os
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


def location_problem(url: str | Path, *, must_exist: bool) -> str | None:
    """Why a location cannot serve as a folder, or None; for a check before any work.

    A local path must be a folder (one that exists, with `must_exist`), or one that can be created;
    a missing one is named with the closest existing sibling (`data/landng`: did you mean
    data/landing?). An s3:// URL needs a bucket; the bucket itself is checked when first used.
    """
    text = str(url)
    if text.startswith("s3://"):
        return None if urlparse(text).netloc else f"{text}: an s3:// URL needs a bucket name"
    path = Path(text).expanduser()
    if path.is_dir():
        return None
    if path.exists():
        return f"{path} is a file, not a folder"
    if must_exist:
        return f"{path}: no such folder{_did_you_mean(path)}"
    ancestor = next(parent for parent in path.absolute().parents if parent.exists())
    if not ancestor.is_dir():
        return f"{path} cannot be created: {ancestor} is a file"
    if not os.access(ancestor, os.W_OK | os.X_OK):
        return f"{path} cannot be created: {ancestor} is not writable"
    return None


def _did_you_mean(path: Path) -> str:
    parent = path.parent
    if not parent.is_dir():
        return ""
    names = [entry.name for entry in parent.iterdir() if entry.is_dir()]
    close = difflib.get_close_matches(path.name, names, n=1)
    return f" (did you mean {parent / close[0]}?)" if close else ""
