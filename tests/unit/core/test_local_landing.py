"""Local landing: the raw zone mirrors the landing folder and holds only admitted, readable files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from olist_assets.core.contracts import UnknownFileError
from olist_assets.core.landing import LandedFile, Rejection, land_table, plan_landing
from olist_assets.stores.local import LocalStore

SELLERS = "olist_sellers_dataset.csv"
SELLER = '"3442f8959a84dea7ee197c632cb2df15","13023",campinas,SP'


@pytest.fixture
def landing(tmp_path: Path) -> LocalStore:
    return LocalStore(tmp_path / "landing")


@pytest.fixture
def lake(tmp_path: Path) -> LocalStore:
    return LocalStore(tmp_path / "lake")


def drop(store: LocalStore, key: str, content: str | bytes, at: float | None = None) -> None:
    store.write_bytes(key, content.encode() if isinstance(content, str) else content)
    if at is not None:
        os.utime(store.root / key, (at, at))


def test_files_land_at_the_same_path_under_raw_byte_for_byte(landing, lake, olist_csv) -> None:
    for key in (SELLERS, f"2018-09/{SELLERS}", "drops 2018/olist_sellers_dataset_2018-10.csv"):
        drop(landing, key, olist_csv("sellers", SELLER))

    result = land_table(landing, lake, "sellers")

    assert sorted(f.key for f in result.landed) == [
        "raw/2018-09/olist_sellers_dataset.csv",
        "raw/drops 2018/olist_sellers_dataset_2018-10.csv",
        "raw/olist_sellers_dataset.csv",
    ]
    assert all(f.records == 1 and f.changed for f in result.landed)
    assert (lake.root / "raw/2018-09" / SELLERS).read_bytes() == (
        landing.root / SELLERS
    ).read_bytes()
    assert result.rejected == () and len(result.held) == 3


def test_a_file_the_clean_step_cannot_read_never_replaces_the_accepted_copy(
    landing, lake, olist_csv
) -> None:
    drop(landing, SELLERS, olist_csv("sellers", SELLER))
    land_table(landing, lake, "sellers")
    accepted = (lake.root / "raw" / SELLERS).read_bytes()
    drop(landing, SELLERS, b'"seller_id","zip"\n1,2\n')

    first = land_table(landing, lake, "sellers")
    again = land_table(landing, lake, "sellers")

    assert (lake.root / "raw" / SELLERS).read_bytes() == accepted
    assert first == again and first.landed == () and first.held == (SELLERS,)
    (rejection,) = first.rejected
    assert rejection.key == SELLERS and rejection.table == "sellers"
    assert rejection.reason.startswith("line 1, column 2: header does not match the contract")
    assert rejection.sha256 and rejection.first_seen


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "the file is empty"),
        ("\ufeff".encode(), "the file is empty"),
        (b'"seller_id","seller_zip_code_prefix","seller_city","seller_state"\n"a","1",s\xe3o,SP\n',
         "not UTF-8 throughout: 1 of 1 records hold bytes that are not UTF-8, the first on line 2"),
        ('"seller_id","seller_zip_code_prefix","seller_city","seller_state"\n'.encode("utf-16"),
         "not UTF-8: line 1 starts with a UTF-16 byte order mark"),
    ],
)  # fmt: skip
def test_an_unreadable_new_file_is_rejected_naming_where_and_never_enters_raw(
    landing, lake, content, reason
) -> None:
    drop(landing, "olist_sellers_dataset_2018-09.csv", content)

    result = land_table(landing, lake, "sellers")

    assert result.held == () and result.landed == ()
    assert reason in result.rejected[0].reason
    assert lake.list("raw/") == []


def test_refused_names_and_collisions_never_enter_raw(landing, lake, olist_csv) -> None:
    drop(landing, SELLERS, olist_csv("sellers", SELLER), at=1_000)
    drop(landing, f"zz_backup/{SELLERS}", olist_csv("sellers"), at=2_000)
    drop(landing, "olist_sellers_dataset.CSV", olist_csv("sellers", SELLER))
    drop(landing, "notes.txt", "hello")
    drop(landing, ".DS_Store", "mac")

    result = land_table(landing, lake, "sellers")

    assert [info.key for info in lake.list("raw/")] == [f"raw/{SELLERS}"]
    assert sorted(r.key for r in result.rejected) == [
        "olist_sellers_dataset.CSV",
        f"zz_backup/{SELLERS}",
    ]
    assert [r.key for r in result.unmatched] == ["notes.txt"]
    assert [i.key for i in result.ignored] == [".DS_Store"]
    collision = next(r for r in result.rejected if r.conflicts_with)
    assert collision.conflicts_with == SELLERS


def test_a_batch_already_in_raw_keeps_its_place_against_a_new_colliding_file(
    landing, lake, olist_csv
) -> None:
    drop(lake, f"raw/{SELLERS}", olist_csv("sellers", SELLER), at=5_000)
    drop(landing, f"incoming/{SELLERS}", olist_csv("sellers"), at=1_000)

    plan = plan_landing(landing, lake)

    assert plan.admitted == ()
    assert plan.rejected[0].conflicts_with == SELLERS


def test_unchanged_bytes_are_not_copied_again(landing, lake, olist_csv) -> None:
    drop(landing, SELLERS, olist_csv("sellers", SELLER))
    land_table(landing, lake, "sellers")
    modified = (lake.root / "raw" / SELLERS).stat().st_mtime_ns

    (again,) = land_table(landing, lake, "sellers").landed

    assert isinstance(again, LandedFile) and not again.changed
    assert (lake.root / "raw" / SELLERS).stat().st_mtime_ns == modified


def test_a_link_out_of_the_landing_folder_is_refused_not_followed(
    landing, lake, tmp_path, olist_csv
) -> None:
    outside = tmp_path / "elsewhere.csv"
    outside.write_text(olist_csv("sellers", SELLER))
    landing.root.mkdir()
    (landing.root / SELLERS).symlink_to(outside)

    result = land_table(landing, lake, "sellers")

    (rejection,) = result.rejected
    assert isinstance(rejection, Rejection) and "is a symbolic link to" in rejection.reason
    assert lake.list("raw/") == []


def test_a_scoped_landing_reads_only_its_files_and_repeats_the_recorded_refusals(
    landing, lake, olist_csv
) -> None:
    september, october = "olist_sellers_dataset_2018-09.csv", "olist_sellers_dataset_2018-10.csv"
    drop(landing, SELLERS, olist_csv("sellers", SELLER))
    drop(landing, september, olist_csv("sellers", SELLER))
    drop(landing, october, "seller,zip\nx,1\n")
    land_table(landing, lake, "sellers")
    drop(landing, SELLERS, olist_csv("sellers", SELLER, SELLER.replace("13023", "13024")))
    drop(landing, september, olist_csv("sellers", SELLER.replace("SP", "RJ")))

    result = land_table(landing, lake, "sellers", keys=[september])

    assert [(f.source_key, f.changed) for f in result.landed] == [(september, True)]
    assert [r.key for r in result.rejected] == [october]
    assert (lake.root / "raw" / SELLERS).read_text() == olist_csv("sellers", SELLER)


def test_a_scoped_landing_refuses_a_key_that_is_not_one_of_the_tables_files(
    landing, lake, olist_csv
) -> None:
    drop(landing, SELLERS, olist_csv("sellers", SELLER))

    with pytest.raises(UnknownFileError, match="not an admitted sellers file in the landing"):
        land_table(landing, lake, "sellers", keys=["2018-09/olist_sellers_dataset.csv"])


def test_a_linked_folder_in_the_landing_folder_is_reported_not_skipped_in_silence(
    landing, lake, tmp_path, olist_csv
) -> None:
    month = tmp_path / "elsewhere" / "2018-09"
    month.mkdir(parents=True)
    (month / SELLERS).write_text(olist_csv("sellers", SELLER))
    drop(landing, SELLERS, olist_csv("sellers", SELLER))
    (landing.root / "2018-09").symlink_to(month, target_is_directory=True)

    result = land_table(landing, lake, "sellers")

    (note,) = [r for r in result.ignored if r.key == "2018-09/"]
    assert "linked folder (symbolic link), not followed" in note.reason
    assert [f.source_key for f in result.landed] == [SELLERS]
