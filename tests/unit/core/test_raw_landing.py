"""Landing source files into raw/: one pass hashes and counts, an unchanged file is not read."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from olist_assets.core.landing import land_table
from olist_assets.core.landing_record import LandingRecord
from olist_assets.stores.local import LocalStore
from tests.support.stores import UnreadableStore

NAME = "olist_sellers_dataset.csv"
HEADER = '"seller_id","seller_zip_code_prefix","seller_city","seller_state"\n'
ROWS = '"3442f8959a84dea7ee197c632cb2df15","13023","campinas\nsp",SP\n\n' + (
    '"d1b65fc7debc3361ea86b5f14c68d2e2","13844",mogi guacu,SP\n'
)


@pytest.fixture
def source(tmp_path) -> LocalStore:
    store = LocalStore(tmp_path / "landing")
    store.write_bytes(NAME, (HEADER + ROWS).encode())
    return store


def landed(source, store):
    (item,) = land_table(source, store, "sellers").landed
    return item


def test_records_are_counted_as_the_reader_counts_them(source, store):
    item = landed(source, store)

    assert item.records == 2
    assert item.changed
    assert item.size == len((HEADER + ROWS).encode())
    assert store.read_bytes(item.key) == source.read_bytes(NAME)


def test_a_file_unchanged_since_it_was_landed_is_not_read(source, store):
    first = landed(source, store)

    again = landed(UnreadableStore(source.root), store)

    assert (again.sha256, again.records, again.changed) == (first.sha256, 2, False)


def test_a_touched_file_is_hashed_again_and_unchanged_content_is_not_copied(source, store):
    first = landed(source, store)
    os.utime(source.root / NAME, ns=(1, 1))

    again = landed(source, store)

    assert again.etag != first.etag
    assert (again.sha256, again.changed) == (first.sha256, False)


def test_new_content_of_the_same_size_is_landed(source, store):
    first = landed(source, store)
    source.write_bytes(NAME, (HEADER + ROWS.replace("campinas", "sorocaba")).encode())

    again = landed(source, store)

    assert again.size == first.size and again.sha256 != first.sha256
    assert again.changed
    assert store.read_bytes(again.key) == source.read_bytes(NAME)


def test_a_file_is_known_unchanged_only_with_the_same_size_and_tag(source, store):
    landed(source, store)
    info = source.info(NAME)
    record = LandingRecord.load(store)
    version = record.versions[NAME]

    assert record.known(info) == version
    assert record.known(replace(info, size=info.size + 1)) is None
    assert record.known(replace(info, etag="other")) is None
    assert record.known(replace(info, key="olist_sellers_dataset_2018-09.csv")) is None
