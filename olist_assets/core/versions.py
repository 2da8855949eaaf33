"""Code versions: a digest of everything that decides a table's content, so a change shows as stale.

Dagster records an asset's code version with each materialization and marks the asset "stale by
code" when the version in the code differs. A version here is the first 16 hex digits of a sha256
over the inputs that decide the output, and nothing else:

- a business table: its SQL statement and its documentation file (`core/business/builds.py`, where
  the same version decides whether a build is needed);
- a clean table: its contract (documentation left out) and the source of the modules that parse,
  validate, deduplicate, choose winning rows and write them into the Iceberg table (CLEANING_RULES);
- a raw table: the contract's file name and the source of the resolver and landing modules.

Module sources are hashed as bytes, so an edit to a rule module, even a comment, is a new version:
a version that changes too often costs a rebuild, one that misses a change serves stale data.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
from collections.abc import Iterable
from pathlib import Path

from olist_assets.core.contracts import TableContract

CLEANING_RULES = (
    "olist_assets.core.batches",
    "olist_assets.core.cleaning",
    "olist_assets.core.dedup",
    "olist_assets.core.fingerprints",
    "olist_assets.core.ledger",
    "olist_assets.core.parsing",
    "olist_assets.core.precedence",
    "olist_assets.core.records",
    "olist_assets.core.staging",
    "olist_assets.core.validation",
    "olist_assets.stores.iceberg.datafiles",
    "olist_assets.stores.iceberg.rewrite",
)
LANDING_RULES = ("olist_assets.core.batches", "olist_assets.core.landing")
LENGTH = 16


def digest(parts: Iterable[str | bytes]) -> str:
    """The version of some parts: sha256 over each part with its length, first LENGTH hex digits."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()[:LENGTH]


def module_source(name: str) -> bytes:
    """A module's source file, found without importing it; ModuleNotFoundError if it has none."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        raise ModuleNotFoundError(f"no source file for module {name}")
    return Path(spec.origin).read_bytes()


def clean_version(contract: TableContract) -> str:
    """The version of a clean table: its contract and the cleaning rules' source."""
    return digest(["clean", canonical(contract), *map(module_source, CLEANING_RULES)])


def raw_version(contract: TableContract) -> str:
    """The version of a raw table: which files are the table's, and how they are landed."""
    return digest(["raw", contract.file_name, *map(module_source, LANDING_RULES)])


def canonical(value: object) -> str:
    """A text that is equal for equal values across processes: dataclass fields in order (without
    `description`), sets sorted, Arrow types by name; no object addresses, no hash order."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = [
            f"{f.name}={canonical(getattr(value, f.name))}"
            for f in dataclasses.fields(value)
            if f.name != "description"
        ]
        return f"{type(value).__name__}({', '.join(fields)})"
    if isinstance(value, frozenset | set):
        return "{" + ", ".join(sorted(canonical(item) for item in value)) + "}"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(canonical(item) for item in value) + "]"
    return repr(value) if isinstance(value, str | int | float | bool | type(None)) else str(value)
