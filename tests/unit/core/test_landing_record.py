"""The landing record: whether a landing file's content is in the lake already, read as little as
possible, and the same answer without the record."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from olist_assets.core.landing import land_table
from olist_assets.core.landing_record import LANDED, LandingRecord
from olist_assets.stores.local import LocalStore
from tests.support.stores import UnreadableStore

NAME = "olist_sellers_dataset.csv"
SELLER = '"3442f8959a84dea7ee197c632cb2df15","13023",campinas,SP'


@pytest.fixture
def source(tmp_path, olist_csv) -> LocalStore:
    store = LocalStore(tmp_path / "landing")
    store.write_bytes(NAME, olist_csv("sellers", SELLER).encode())
    return store


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_landed_file_is_known_and_held_without_reading_it_or_its_raw_copy(source, store):
    land_table(source, store, "sellers")
    content = source.read_bytes(NAME)

    record = LandingRecord.load(UnreadableStore(store.root))
    version = record.known(source.info(NAME))

    assert version is not None and version.sha256 == _sha(content) and version.records == 1
    assert record.handled(NAME, len(content), _sha(content))
    assert not record.handled(NAME, len(content), _sha(b"other bytes"))


def test_a_touched_file_is_not_known_but_its_content_is_still_held(source, store):
    land_table(source, store, "sellers")
    os.utime(source.root / NAME, ns=(1, 1))
    content = source.read_bytes(NAME)

    record = LandingRecord.load(UnreadableStore(store.root))

    assert record.known(source.info(NAME)) is None
    assert record.handled(NAME, len(content), _sha(content))


def test_without_the_record_the_raw_copy_decides(source, store):
    land_table(source, store, "sellers")
    store.delete(LANDED)
    content = source.read_bytes(NAME)

    record = LandingRecord.load(store)

    assert record.versions == {}
    assert record.holds(NAME, len(content), _sha(content))
    assert not record.holds(NAME, len(content), _sha(content.replace(b"SP", b"RJ")))


def test_a_raw_copy_replaced_behind_the_record_is_hashed_not_trusted(source, store):
    land_table(source, store, "sellers")
    content = source.read_bytes(NAME)
    other = content.replace(b"campinas", b"sorocaba")
    store.write_bytes(f"raw/{NAME}", other)
    os.utime(store.root / "raw" / NAME, ns=(2, 2))

    record = LandingRecord.load(store)

    assert not record.holds(NAME, len(content), _sha(content))
    assert record.holds(NAME, len(other), _sha(other))


def test_a_record_without_raw_etags_learns_the_raw_copy_once_it_is_hashed(source, store):
    land_table(source, store, "sellers")
    entry = json.loads(store.read_bytes(LANDED))[NAME]
    del entry["raw_etag"], entry["refused"]  # as the record was written before it had them
    store.write_bytes(LANDED, json.dumps({NAME: entry}).encode())

    (again,) = land_table(source, store, "sellers").landed
    relearned = LandingRecord.load(UnreadableStore(store.root))

    assert not again.changed
    assert relearned.versions[NAME].raw_etag == store.info(f"raw/{NAME}").etag
    assert relearned.handled(NAME, entry["size"], entry["sha256"])


def test_a_refused_content_is_handled_until_it_changes(source, store, olist_csv):
    source.write_bytes(NAME, b"not,the,header\n1,2,3\n")
    (refusal,) = land_table(source, store, "sellers").rejected
    refused = source.read_bytes(NAME)

    record = LandingRecord.load(store)

    assert store.info(f"raw/{NAME}") is None
    assert record.versions[NAME].refused == refusal.reason
    assert record.handled(NAME, len(refused), _sha(refused))
    fixed = olist_csv("sellers", SELLER).encode()
    assert not record.handled(NAME, len(fixed), _sha(fixed))
