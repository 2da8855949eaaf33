"""Land source files into the lake's raw zone: which files each table takes, a check that a file can
be read before it replaces anything, and every file refused with its reason.

The raw zone mirrors the landing folder (`landing/<path>` lands at `raw/<path>`, byte for byte) and
holds only admitted batches: a rejected file never enters it, so it never blocks its table nor
overwrites an accepted copy. Which keys are batches, and which batch keeps a contested place, is
`olist_assets.core.batches`' one rule, shared with the Dagster sensor and the landing Lambda.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace

from olist_assets.core import lake
from olist_assets.core.batches import Arrival, Resolution, Verdict, admit, resolve_key
from olist_assets.core.contracts import CONTRACTS, UnknownFileError
from olist_assets.core.hashing import file_sha256
from olist_assets.core.landing_record import LandedVersion, LandingRecord
from olist_assets.core.ledger import Rejection
from olist_assets.core.parsing import SourceFileError, check_source
from olist_assets.core.storage import ObjectInfo, OutsideStoreError, Store

LINKED_FOLDER = (
    "a linked folder (symbolic link), not followed: the landing reads only what is inside the "
    "landing folder; copy its files in"
)


@dataclass(frozen=True)
class Survey:
    """Every key of a listing resolved: batches admitted, files rejected, keys ignored (with a note)."""

    admitted: tuple[Arrival, ...]
    rejected: tuple[Rejection, ...]
    ignored: tuple[Resolution, ...]


@dataclass(frozen=True)
class LandedFile:
    """A source file as it now sits in raw/: `changed` is False when identical bytes were already
    there. `etag` is the source's ETag (S3) or size-and-modification-time tag (local) as seen."""

    key: str
    source_key: str
    size: int
    sha256: str
    records: int
    changed: bool
    etag: str = ""


@dataclass(frozen=True)
class TableLanding:
    """One table's landing: files landed, its files refused, what the landing folder holds for no
    table (`unmatched`, `ignored`), and the table's raw batch keys afterwards (`held`)."""

    table: str
    landed: tuple[LandedFile, ...]
    rejected: tuple[Rejection, ...]
    unmatched: tuple[Rejection, ...]
    ignored: tuple[Resolution, ...]
    held: tuple[str, ...]


def survey(
    listing: Iterable[ObjectInfo], existing: Iterable[Arrival] = (), prefix: str = ""
) -> Survey:
    """Resolve each listed key (less `prefix`), admitting its batch against the `existing` batches."""
    arrivals, rejected, ignored = [], [], []
    for info in listing:
        key = info.key.removeprefix(prefix)
        resolution = resolve_key(key)
        if resolution.batch is not None:
            arrivals.append(Arrival(resolution.batch, key, info.modified))
        elif resolution.verdict is Verdict.IGNORED:
            ignored.append(resolution)
        else:
            seen = info.modified.isoformat()
            rejected.append(Rejection(key, resolution.reason, resolution.table, seen))
    admission = admit(arrivals, existing)
    rejected += [
        Rejection(
            refusal.arrival.key,
            refusal.reason,
            refusal.arrival.batch.table,
            refusal.arrival.at.isoformat(),
            conflicts_with=refusal.holder.key,
        )
        for refusal in admission.refused
    ]
    return Survey(admission.admitted, tuple(rejected), tuple(ignored))


def raw_zone(store: Store) -> Survey:
    """The lake's raw batches: every key under raw/ resolved, collisions refused by arrival order."""
    return survey(store.list(f"{lake.RAW}/"), prefix=f"{lake.RAW}/")


def plan_landing(source: Store, target: Store) -> Survey:
    """What a landing pass takes from `source` into `target`'s raw zone, whose batches keep their
    places. A linked folder in `source` is not followed: it is ignored with a note saying so."""
    plan = survey(source.list(""), existing=raw_zone(target).admitted)
    links = tuple(
        Resolution(key, Verdict.IGNORED, LINKED_FOLDER) for key in source.linked_folders("")
    )
    return replace(plan, ignored=plan.ignored + links)


def land_table(
    source: Store, target: Store, table: str, keys: Collection[str] | None = None
) -> TableLanding:
    """Land one table's admitted files (those of `keys` only, when given) from `source` into
    `target`'s raw zone; report the rest.

    Whether a file is landed already is the landing record's rule (`core/landing_record.py`): a file
    whose size and ETag (S3) or modification time (local) are those it had when it was last landed is
    not read again; any other is read and hashed: the content, not the metadata, decides what changed.
    With `keys`, the table's other files are not read: those whose refusal the record holds (and
    that did not change since) are reported refused again. Raises UnknownFileError for a key of
    `keys` that is not one of the table's admitted files.
    """
    plan = plan_landing(source, target)
    admitted = [a for a in plan.admitted if a.batch.table == table]
    record = LandingRecord.load(target)
    outcomes: list[LandedFile | Rejection] = []
    if keys is not None:
        _check_scope(table, keys, admitted)
        outcomes = [
            r for a in admitted if a.key not in keys for r in _still_refused(source, a, record)
        ]
        admitted = [a for a in admitted if a.key in keys]
    outcomes += [land_batch(source, a, target, record) for a in admitted]
    record.save()
    refused = [r for r in plan.rejected if r.table == table]
    held = [a.batch.key for a in raw_zone(target).admitted if a.batch.table == table]
    return TableLanding(
        table,
        landed=tuple(o for o in outcomes if isinstance(o, LandedFile)),
        rejected=tuple(refused + [o for o in outcomes if isinstance(o, Rejection)]),
        unmatched=tuple(r for r in plan.rejected if r.table is None),
        ignored=plan.ignored,
        held=tuple(held),
    )


def _still_refused(source: Store, arrival: Arrival, record: LandingRecord) -> list[Rejection]:
    """The file's refusal as the landing record holds it, when it is still that content."""
    info = source.info(arrival.key)
    known = record.known(info) if info is not None else None
    if known is None or not known.refused:
        return []
    at = arrival.at.isoformat()
    return [Rejection(arrival.key, known.refused, arrival.batch.table, at, known.sha256)]


def _check_scope(table: str, keys: Collection[str], admitted: list[Arrival]) -> None:
    missing = sorted(set(keys) - {a.key for a in admitted})
    if missing:
        files = ", ".join(repr(a.key) for a in admitted) or "none"
        raise UnknownFileError(
            f"not an admitted {table} file in the landing folder: {', '.join(map(repr, missing))} "
            f"(its files there: {files})"
        )


def land_batch(
    source: Store, arrival: Arrival, target: Store, record: LandingRecord
) -> LandedFile | Rejection:
    """Copy one admitted file to raw/<its key> unless the same bytes are there already, and note
    the outcome in the landing `record`.

    The file is first read the way the clean step reads it (`check_source`): one it could not read
    (or a link out of the landing folder) is a Rejection and replaces nothing. A file the record
    knows unchanged since it landed, whose raw copy still holds it, is not read at all.
    """
    key, raw_key = arrival.key, lake.raw_key(arrival.key)
    contract = CONTRACTS[arrival.batch.table]
    info = source.info(key)
    etag = info.etag if info else ""
    known = record.known(info) if info else None
    if known and not known.refused and record.holds(key, known.size, known.sha256):
        return LandedFile(raw_key, key, known.size, known.sha256, known.records, False, etag)
    sha256 = None
    try:
        with source.local_copy(key) as path:
            with path.open("rb") as handle:
                sha256, size = file_sha256(handle)
            with path.open("rb") as handle:
                records = check_source(handle, contract, key)
            changed = not record.holds(key, size, sha256)
            if changed:
                target.put_file(raw_key, path)
    except (SourceFileError, OutsideStoreError) as error:
        reason = error.detail if isinstance(error, SourceFileError) else str(error)
        if sha256 is not None and info is not None:
            record.note(key, LandedVersion(info.size, etag, sha256, refused=reason))
        return Rejection(key, reason, contract.name, arrival.at.isoformat(), sha256)
    raw = target.info(raw_key)
    record.note(key, LandedVersion(size, etag, sha256, records, raw.etag if raw else ""))
    return LandedFile(raw_key, key, size, sha256, records, changed, etag)
