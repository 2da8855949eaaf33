"""Which key is which batch of which table, which keys are ignored or rejected and why, and which
batches a table admits: the one rule the local landing, the Dagster sensor and the landing Lambda share.

A key is a path relative to the landing folder or to the lake's `raw/` zone (the raw zone mirrors
the landing folder: `landing/<path>` lands at `raw/<path>`). Keys are taken literally: S3 event keys
are URL-decoded once by the event parser, local file names never. A batch is one file: its key is the
path in NFC, so two files of one name in different folders are two batches.

On a primary-key conflict the batch later in the precedence order wins: the undated file first, then
the dated drops in the order of their ISO dates (`olist_orders_dataset_2018-09.csv`, or a folder
`2018-09/`). The order depends only on batch keys, never on when files or events arrived, so every
runtime and every landing order agree. Two batches of one table cannot hold the same place in that
order (the undated file in two folders, `x_2018-09.csv` beside `2018-09/x.csv`), nor can two keys
that normalize to one batch key: the one that arrived later is refused, naming both.
"""

from __future__ import annotations

import posixpath
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from olist_assets.core import lake
from olist_assets.core.contracts import (
    CONTRACTS,
    TableContract,
    UnknownFileError,
    is_iso_date,
)

IGNORED_FOLDERS = frozenset({"__MACOSX"})
SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini"})  # Windows folder metadata, any case
DATE_PATTERN = "YYYY-MM[-DD]"


class Verdict(StrEnum):
    """What a key is: a table's batch, something that is not data (ignored), or a refused file."""

    BATCH = "batch"
    IGNORED = "ignored"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Batch:
    """One raw file as a batch of its table: the path under raw/ (NFC) and the drop date it carries."""

    table: str
    key: str
    date: str

    @property
    def raw_key(self) -> str:
        """The lake key of the raw file: `raw/<batch key>`."""
        return f"{lake.RAW}/{self.key}"

    @property
    def precedence(self) -> tuple[str]:
        """Sort key: the undated file ('' sorts first), then drops by ISO date."""
        return (self.date,)


@dataclass(frozen=True)
class Resolution:
    """The answer for one key: its batch, or the reason it is ignored or rejected.

    `key` is the key as given; `table` is the batch's table or, for a rejected name that is a near
    miss (`.CSV`, `<stem> - Copy.csv`), the table it was probably meant for.
    """

    key: str
    verdict: Verdict
    reason: str = ""
    batch: Batch | None = None
    table: str | None = None


@dataclass(frozen=True)
class Arrival:
    """A batch as it arrived: the key it came under (as given, relative to landing or raw/), and when.

    `at` is the object's modification time (UTC): a local file's mtime, an S3 LastModified.
    """

    batch: Batch
    key: str
    at: datetime


@dataclass(frozen=True)
class Refusal:
    """A candidate batch a table does not take, the batch that keeps the place, and why."""

    arrival: Arrival
    holder: Arrival
    reason: str


@dataclass(frozen=True)
class Admission:
    """The outcome of admitting candidate batches: admitted in arrival order, and those refused."""

    admitted: tuple[Arrival, ...]
    refused: tuple[Refusal, ...]


def resolve_key(key: str) -> Resolution:
    """What one key (relative to landing or raw/, taken literally) is: a batch, ignored or rejected.

    Ignored, with a note: folder markers (keys ending in `/`), hidden files and folders (a path
    segment starting with a dot), macOS archive metadata (`__MACOSX`) and Windows folder metadata
    (`Thumbs.db`, `desktop.ini`). Rejected, naming the expected file names: a key with an empty, `.` or `..` segment, and any file name that is not `<stem>.csv`,
    `<stem>_<ISO date>.csv` or `<stem>-<ISO date>.csv` of a table (letter case included).
    """
    if key.endswith("/"):
        return Resolution(
            key, Verdict.IGNORED, "a folder marker (the key ends with '/'), not a file"
        )
    batch_key = unicodedata.normalize("NFC", key)
    parts = batch_key.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return Resolution(
            key, Verdict.REJECTED, "not a plain relative path (an empty, '.' or '..' segment)"
        )
    hidden = next((part for part in parts if part.startswith(".")), None)
    if hidden is not None:
        return Resolution(key, Verdict.IGNORED, f"hidden ({hidden!r} starts with a dot)")
    if IGNORED_FOLDERS.intersection(parts[:-1]):
        return Resolution(key, Verdict.IGNORED, "macOS archive metadata (a __MACOSX folder)")
    if parts[-1].lower() in SYSTEM_FILES:
        return Resolution(key, Verdict.IGNORED, f"Windows folder metadata ({parts[-1]!r})")
    folder, file_name = posixpath.split(batch_key)
    for contract in CONTRACTS.values():
        date = contract.file_date(file_name)
        if date is not None:
            batch = Batch(contract.name, batch_key, date or folder_date(folder))
            return Resolution(key, Verdict.BATCH, batch=batch, table=contract.name)
    table, reason = _unknown_name(file_name)
    return Resolution(key, Verdict.REJECTED, reason, table=table)


def batch_for_raw_key(raw_key: str) -> Batch:
    """The batch a raw key (`raw/<path>`) is; raises UnknownFileError when it is not a batch."""
    resolution = resolve_key(raw_key.removeprefix(f"{lake.RAW}/"))
    if resolution.batch is None:
        raise UnknownFileError(f"{raw_key}: {resolution.reason}")
    return resolution.batch


def raw_keys_of(table: str, keys: Iterable[str]) -> list[str]:
    """The raw keys (`raw/<key>`) of batch keys given as paths under raw/ (as in the landing folder),
    each checked to be a batch of `table`; raises UnknownFileError naming one that is not."""
    raw_keys = []
    for key in keys:
        resolution = resolve_key(key)
        if resolution.batch is None:
            raise UnknownFileError(f"{key!r} is not a batch of {table}: {resolution.reason}")
        if resolution.batch.table != table:
            raise UnknownFileError(
                f"{key!r} is a batch of {resolution.batch.table}, not of {table}"
            )
        raw_keys.append(lake.raw_key(key))
    return raw_keys


def folder_date(folder: str) -> str:
    """The ISO date of the nearest folder named by one (`2018-09/`, `2018-09-30/`), else ''."""
    for part in reversed(folder.split("/") if folder else []):
        if is_iso_date(part):
            return part
    return ""


def in_precedence_order(batches: Iterable[Batch]) -> list[Batch]:
    """Batches lowest precedence first (the last one wins a key conflict); ties break on the key."""
    return sorted(batches, key=lambda batch: (batch.precedence, batch.key))


def admit(candidates: Iterable[Arrival], existing: Iterable[Arrival] = ()) -> Admission:
    """Which candidate batches their tables take, given the batches the tables already have.

    A candidate under the same key as an existing batch is a new version of that batch: admitted.
    Otherwise it is refused when its batch key or its place in its table's precedence order is taken:
    existing batches keep theirs, and among candidates the earlier arrival (then the key) wins.
    """
    by_key: dict[str, Arrival] = {}
    by_place: dict[tuple[str, tuple[str]], Arrival] = {}
    for arrival in sorted(existing, key=_arrival_order):
        by_key.setdefault(arrival.batch.key, arrival)
        by_place.setdefault(_place(arrival.batch), arrival)
    admitted, refused = [], []
    for arrival in sorted(candidates, key=_arrival_order):
        holder = by_key.get(arrival.batch.key)
        if holder is None:
            holder = by_place.get(_place(arrival.batch))
        elif holder.key == arrival.key:
            admitted.append(arrival)
            continue
        if holder is not None:
            refused.append(Refusal(arrival, holder, _collision(arrival, holder)))
            continue
        by_key[arrival.batch.key] = by_place[_place(arrival.batch)] = arrival
        admitted.append(arrival)
    return Admission(tuple(admitted), tuple(refused))


def expected_names(contract: TableContract) -> str:
    """The names a table's files may have, for messages."""
    stem = contract.file_stem
    return f"{contract.file_name}, {stem}_{DATE_PATTERN}.csv or {stem}-{DATE_PATTERN}.csv"


def _arrival_order(arrival: Arrival) -> tuple[datetime, str]:
    return (arrival.at, arrival.key)


def _place(batch: Batch) -> tuple[str, tuple[str]]:
    return (batch.table, batch.precedence)


def _collision(arrival: Arrival, holder: Arrival) -> str:
    """Why a candidate is refused: the batch it collides with, and what to do."""
    batch = arrival.batch
    if holder.batch.key == batch.key:
        what = f"the same batch as {holder.key!r} once Unicode-normalized (NFC)"
    elif batch.date:
        what = f"a second {batch.table} drop for {batch.date}: {holder.key!r} already is that drop"
    else:
        what = f"a second undated {batch.table} file: {holder.key!r} already is the table's file"
    return f"{what}; the later arrival is refused: remove one of the two"


def _unknown_name(file_name: str) -> tuple[str | None, str]:
    """The table a name that is no table's file was probably meant for, and why it is rejected."""
    folded = file_name.casefold()
    for contract in CONTRACTS.values():
        if contract.file_date(folded) is not None:
            return contract.name, (
                f"differs from a file name of the {contract.name} table only in letter case: "
                f"rename it to {folded!r}"
            )
    for contract in CONTRACTS.values():
        if folded.startswith(contract.file_stem):
            return contract.name, (
                f"{file_name!r} is not a file name of the {contract.name} table: expected "
                f"{expected_names(contract)}"
            )
    known = ", ".join(c.file_name for c in CONTRACTS.values())
    return None, (
        f"{file_name!r} matches no table: expected one of {known} "
        f"(or a dated drop <name>_{DATE_PATTERN}.csv)"
    )
