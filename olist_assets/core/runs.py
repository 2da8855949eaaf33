"""Run records: one JSON document per landed object version, business build and failure, under runs/.

A landing run is keyed by the raw key and the object's version (or sequencer), so a second delivery
of the same S3 event finds it and does nothing. A business build record is new for every build.
The writers (the landing and build_table Lambdas) and the reader (Dagster's production-runs sensor)
share the types below, so a field or a status cannot be spelled two ways.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Self

from olist_assets.core import lake
from olist_assets.core.business.engine import BuildResult
from olist_assets.core.storage import Store

LANDING = f"{lake.RUNS}/landing"
BUSINESS = f"{lake.RUNS}/business"
FAILURES = f"{lake.RUNS}/failures"
CHECKS = f"{lake.RUNS}/checks"


class LandingStatus(StrEnum):
    """What the landing function did with one delivered object version."""

    CLEANED = "cleaned"  # its content changed the clean table: a new snapshot
    UNCHANGED = "unchanged"  # the table held this content already: no snapshot
    DUPLICATE = "duplicate"  # a re-delivery of an event already landed (repeats the first run)
    SUPERSEDED = "superseded"  # a newer upload replaced it, or it was deleted, before it landed
    REMOVED = "removed"  # its raw object was deleted: the batch left the table (a new snapshot)
    IGNORED = "ignored"  # not a file of the lake (folder marker, hidden path), with the reason
    REJECTED = "rejected"  # refused as a whole (bad name or content), with the reason


@dataclass(frozen=True)
class LandingRun:
    """The run record of one delivered object version (`runs/landing/<raw key>/<version>.json`).

    Row figures are None when nothing was read (ignored, rejected, superseded); otherwise rows read
    = clean + quarantined + duplicate, and `table_rows` counts the table after the commit.
    """

    key: str
    status: LandingStatus
    event: str = "created"  # or "removed": the S3 event the record answers
    bucket: str = ""
    raw_key: str | None = None
    table: str | None = None
    etag: str | None = None
    version_id: str | None = None
    sequencer: str | None = None
    code_version: str = ""
    started_at: str = ""
    reason: str | None = None
    error_type: str | None = None
    first_status: LandingStatus | None = None
    failure_record: str | None = None
    rows_read: int | None = None
    rows_blank: int | None = None
    rows_clean: int | None = None
    rows_quarantined: int | None = None
    rows_duplicate: int | None = None
    rows_superseded: int | None = None
    table_rows: int | None = None
    snapshot_id: int | None = None
    commit_conflicts: int | None = None
    outputs: tuple[str, ...] = ()
    duration_s: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", LandingStatus(self.status))
        if self.first_status is not None:
            object.__setattr__(self, "first_status", LandingStatus(self.first_status))
        object.__setattr__(self, "outputs", tuple(self.outputs))

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> Self:
        """A record as read back; fields this version does not know are left out.
        Raises ValueError for a status it does not know."""
        return cls(**_known(cls, document))

    def to_json(self) -> dict[str, Any]:
        """The record as written: fields without a value are left out."""
        return _present(self)


@dataclass(frozen=True)
class BuildRun:
    """The run record of one business table build (`runs/business/<table>/<time>-<id>.json`):
    rows, Iceberg location and snapshot, the clean snapshot ids it read, seconds, and whether it
    committed (`rebuilt` is False when the table was already built from those snapshots)."""

    table: str
    rows: int
    location: str
    snapshot_id: int | None = None
    inputs: Mapping[str, int] = dataclasses.field(default_factory=dict)
    duration_seconds: float = 0.0
    execution: str | None = None
    code_version: str = ""
    finished_at: str = ""
    rebuilt: bool = True

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> Self:
        """A record as read back; fields this version does not know are left out."""
        return cls(**_known(cls, document))

    def to_json(self) -> dict[str, Any]:
        """The record as written; `execution` is null for a build run by hand."""
        return dataclasses.asdict(self)


def _known(cls: type, document: Mapping[str, Any]) -> dict[str, Any]:
    names = {field.name for field in dataclasses.fields(cls)}
    return {name: value for name, value in document.items() if name in names}


def _present(record: object) -> dict[str, Any]:
    return {
        name: list(value) if isinstance(value, tuple) else value
        for name, value in dataclasses.asdict(record).items()
        if value is not None
    }


def landing_record_key(raw_key: str, version_token: str) -> str:
    """Where the outcome of landing one version of one raw object is recorded (a `..` in the
    object's key is escaped, so a record never lands outside runs/landing/)."""
    path = "/".join("%2E%2E" if part == ".." else part for part in raw_key.split("/"))
    return f"{LANDING}/{path}/{version_token.replace('/', '_')}.json"


def business_record_key(table: str, at: datetime) -> str:
    """A new, unique key for one build of one business table, sorting in the order of the builds."""
    return f"{BUSINESS}/{table}/{at:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.json"


def record_business_build(
    store: Store,
    result: BuildResult,
    *,
    execution: str | None,
    code_version: str,
    finished_at: datetime,
) -> str:
    """Keep what one business table build produced (rows, location, duration); returns its key."""
    key = business_record_key(result.name, finished_at)
    record = BuildRun(
        table=result.name,
        rows=result.rows,
        location=result.location,
        snapshot_id=result.snapshot_id,
        inputs=result.inputs,
        duration_seconds=round(result.seconds, 3),
        execution=execution,
        code_version=code_version,
        finished_at=finished_at.isoformat(),
        rebuilt=result.rebuilt,
    )
    write_record(store, key, record.to_json())
    return key


def failure_record_key(source: str, at: datetime) -> str:
    """A new, unique key for one failure, by source (each role writes only its own) and day."""
    return f"{FAILURES}/{source}/{at:%Y-%m-%d}/{at:%H%M%S}-{uuid.uuid4().hex[:8]}.json"


def check_report_key(execution: str) -> str:
    return f"{CHECKS}/{execution}.json"


def write_record(store: Store, key: str, record: dict[str, Any]) -> None:
    store.write_bytes(key, json.dumps(record, indent=2, sort_keys=True, default=str).encode())


def read_record(store: Store, key: str) -> dict[str, Any] | None:
    if store.info(key) is None:
        return None
    return json.loads(store.read_bytes(key))
