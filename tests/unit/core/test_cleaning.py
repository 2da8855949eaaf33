"""Raw files to clean tables: quarantine, file-level refusals, batches, precedence, determinism."""

from __future__ import annotations

import os

import pyarrow.parquet as pq
import pytest

from olist_assets.core import lake
from olist_assets.core.cleaning import refresh_table
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.manifest import load_manifest
from olist_assets.core.parsing import SourceFileError
from olist_assets.core.reading import read_table
from olist_assets.stores.local import LocalStore

SELLERS = CONTRACTS["sellers"]
REVIEWS = CONTRACTS["order_reviews"]
GEOLOCATION = CONTRACTS["geolocation"]
SELLERS_FILE = "olist_sellers_dataset.csv"
SEPTEMBER_FILE = "olist_sellers_dataset_2018-09.csv"
A = "3442f8959a84dea7ee197c632cb2df15"
B = "d1b65fc7debc3361ea86b5f14c68d2e2"
C = "ce3ad9de960102d0677a81f5d0bb7b2d"
D = "c0f3eea2e14555b6faeea3dd58c1b1c3"
ORDER = "73fc7af87114b39712e6da79b0a377eb"
DAY = 86_400
MONDAY = 1_700_000_000


def seller(seller_id: str, city: str = "campinas", zip_prefix: str = "13023") -> str:
    return f'"{seller_id}","{zip_prefix}",{city},SP'


def review(review_id: str, score: str = "4", message: str = "") -> str:
    return f'"{review_id}","{ORDER}",{score},,{message},2018-01-18 00:00:00,2018-01-18 21:46:59'


def clean_rows(store: LocalStore, table: str, sort_key: str) -> list[dict]:
    rows = read_table(store, lake.table_prefix(lake.CLEAN, table)).to_pylist()
    return sorted(rows, key=lambda row: row[sort_key])


def cities(store: LocalStore) -> dict[str, str]:
    return {
        row["seller_id"]: row["seller_city"] for row in clean_rows(store, "sellers", "seller_id")
    }


def quarantine(store: LocalStore, table: str) -> list[dict]:
    return read_table(store, lake.table_prefix(lake.QUARANTINE, table)).to_pylist()


def lake_snapshot(store: LocalStore) -> dict[str, bytes]:
    """Every byte the pipeline wrote (all zones but raw/), by key."""
    files = [path for path in store.root.rglob("*") if path.is_file()]
    return {
        path.relative_to(store.root).as_posix(): path.read_bytes()
        for path in files
        if not path.relative_to(store.root).as_posix().startswith(f"{lake.RAW}/")
    }


def test_row_rejects_are_quarantined_with_file_line_raw_text_and_reason(store, land, olist_csv):
    text = olist_csv(
        "order_reviews",
        review(A),
        review(B, score="7"),
        f'"{C}","{ORDER}",5',
        review(D, message='"bom, ""ótimo""\nrecomendo"'),
        review("80e641a11e56f04c1ad469d5645fdfde").replace("2018-01-18 00:00:00", ""),
    )
    land("order_reviews", "olist_order_reviews_dataset.csv", text)

    (record,) = refresh_table(store, REVIEWS).ingested

    assert [row["review_id"] for row in clean_rows(store, "order_reviews", "review_id")] == [A, D]
    rejected = quarantine(store, "order_reviews")
    assert [(r["line"], r["column_name"]) for r in rejected] == [
        (3, "review_score"),
        (4, None),
        (7, "review_creation_date"),
    ]
    assert {r["source_file"] for r in rejected} == {"olist_order_reviews_dataset.csv"}
    assert rejected[0]["reason"] == "review_score: '7' is not an integer within [1, 5]"
    assert rejected[0]["raw_record"] == review(B, score="7")
    assert rejected[1]["reason"] == "expected 7 fields, found 3"
    assert rejected[1]["raw_record"] == f'"{C}","{ORDER}",5'
    assert rejected[2]["reason"] == "review_creation_date: missing required value"
    assert (record.rows_read, record.rows_clean, record.rows_quarantined) == (5, 2, 3)
    assert record.rows_read == record.rows_clean + record.rows_quarantined + record.rows_duplicate


BAD_SELLERS_FILES = {
    "missing-column": ('"seller_id","seller_zip_code_prefix","seller_city"\n', ["seller_state"]),
    "extra-column": (
        '"seller_id","seller_zip_code_prefix","seller_city","seller_state","seller_phone"\n',
        ["seller_phone"],
    ),
    "renamed-column": (
        '"seller_id","seller_zip","seller_city","seller_state"\n',
        ["seller_zip_code_prefix", "seller_zip"],
    ),
    "empty": ("", []),
    "header-only": ('"seller_id","seller_zip_code_prefix","seller_city","seller_state"\n', []),
    "non-utf8": (f'{seller(A)}\n"{B}","01037",são paulo,SP\n'.encode("latin-1"), []),
}


@pytest.mark.parametrize(
    "content, columns", BAD_SELLERS_FILES.values(), ids=BAD_SELLERS_FILES.keys()
)
@pytest.mark.parametrize("file_name", [SELLERS_FILE, SEPTEMBER_FILE], ids=["replaced", "added"])
def test_file_level_failure_names_the_file_and_leaves_previous_output_intact(
    store, land, olist_csv, content, columns, file_name
):
    land("sellers", SELLERS_FILE, olist_csv("sellers", seller(A), seller(B)), landed_at=MONDAY)
    refresh_table(store, SELLERS)
    before = lake_snapshot(store)
    if isinstance(content, bytes) and not content.startswith(b'"seller_id"'):
        content = olist_csv("sellers").encode() + content
    land("sellers", file_name, content, landed_at=MONDAY + DAY)

    with pytest.raises(SourceFileError) as raised:
        refresh_table(store, SELLERS)

    assert str(raised.value).startswith(f"{file_name}: ")
    assert all(column in str(raised.value) for column in columns)
    assert lake_snapshot(store) == before
    assert cities(store) == {A: "campinas", B: "campinas"}


def test_each_raw_file_is_a_batch_and_the_table_is_their_union(store, land, olist_csv):
    land("sellers", SELLERS_FILE, olist_csv("sellers", seller(A), seller(B)), landed_at=MONDAY)
    land("sellers", SEPTEMBER_FILE, olist_csv("sellers", seller(C)), landed_at=MONDAY + DAY)

    result = refresh_table(store, SELLERS)

    assert [r.batch for r in result.ingested] == [SELLERS_FILE[:-4], SEPTEMBER_FILE[:-4]]
    assert [info.key for info in store.list("clean/sellers/")] == [
        lake.clean_key("sellers", SELLERS_FILE[:-4]),
        lake.clean_key("sellers", SEPTEMBER_FILE[:-4]),
    ]
    assert set(cities(store)) == {A, B, C}
    assert result.manifest.rows == 3


def test_landing_the_same_file_name_again_replaces_its_batch(store, land, olist_csv):
    land("sellers", SELLERS_FILE, olist_csv("sellers", seller(A), seller(B)), landed_at=MONDAY)
    refresh_table(store, SELLERS)
    land(
        "sellers", SELLERS_FILE, olist_csv("sellers", seller(A, "sorocaba")), landed_at=MONDAY + DAY
    )

    result = refresh_table(store, SELLERS)

    assert [r.batch for r in result.ingested] == [SELLERS_FILE[:-4]]
    assert cities(store) == {A: "sorocaba"}
    assert list(result.manifest.batches) == [SELLERS_FILE[:-4]]


def test_a_new_file_for_the_same_table_adds_a_batch(store, land, olist_csv):
    land("sellers", SELLERS_FILE, olist_csv("sellers", seller(A), seller(B)), landed_at=MONDAY)
    refresh_table(store, SELLERS)
    land("sellers", SEPTEMBER_FILE, olist_csv("sellers", seller(C)), landed_at=MONDAY + DAY)

    result = refresh_table(store, SELLERS)

    assert [r.batch for r in result.ingested] == [SEPTEMBER_FILE[:-4]]
    assert set(cities(store)) == {A, B, C}
    assert sorted(result.manifest.batches) == [SELLERS_FILE[:-4], SEPTEMBER_FILE[:-4]]


@pytest.mark.parametrize(
    "base_landed, september_landed, winner",
    [(MONDAY, MONDAY + DAY, "sorocaba"), (MONDAY + DAY, MONDAY, "campinas")],
    ids=["september-landed-last", "base-landed-last"],
)
def test_on_a_key_conflict_the_most_recently_landed_row_wins(
    store, land, olist_csv, base_landed, september_landed, winner
):
    land("sellers", SELLERS_FILE, olist_csv("sellers", seller(A), seller(B)), landed_at=base_landed)
    land("sellers", SEPTEMBER_FILE, olist_csv("sellers", seller(A, "sorocaba")), september_landed)

    result = refresh_table(store, SELLERS)

    assert cities(store) == {A: winner, B: "campinas"}
    superseded = {b.batch: b.rows_superseded for b in result.manifest.batches.values()}
    loser = SELLERS_FILE if winner == "sorocaba" else SEPTEMBER_FILE
    assert superseded[loser[:-4]] == 1
    assert result.manifest.rows == 2


def test_a_newer_landing_of_the_older_file_takes_precedence_again(store, land, olist_csv):
    land("sellers", SELLERS_FILE, olist_csv("sellers", seller(A)), landed_at=MONDAY)
    land("sellers", SEPTEMBER_FILE, olist_csv("sellers", seller(A, "sorocaba")), MONDAY + DAY)
    refresh_table(store, SELLERS)
    land("sellers", SELLERS_FILE, olist_csv("sellers", seller(A, "jundiai")), MONDAY + 2 * DAY)

    refresh_table(store, SELLERS)

    assert cities(store) == {A: "jundiai"}


def test_rerunning_on_the_same_input_gives_byte_identical_clean_output(tmp_path, olist_csv):
    files = {
        SELLERS_FILE: (olist_csv("sellers", seller(A), seller(B), seller(B)), MONDAY),
        SEPTEMBER_FILE: (olist_csv("sellers", seller(A, "sorocaba"), seller(C)), MONDAY + DAY),
    }
    stores = [LocalStore(tmp_path / name) for name in ("first", "second")]
    for each in stores:
        for file_name, (text, landed_at) in files.items():
            each.write_bytes(lake.raw_key("sellers", file_name), text.encode())
            os.utime(each.root / lake.raw_key("sellers", file_name), (landed_at, landed_at))
        refresh_table(each, SELLERS)
    first, second = stores
    after_first_run = lake_snapshot(first)

    rerun = refresh_table(first, SELLERS)

    assert not rerun.changed
    assert lake_snapshot(first) == after_first_run
    assert lake_snapshot(second) == after_first_run
    assert len(clean_rows(first, "sellers", "seller_id")) == 3


def test_exact_duplicate_rows_within_a_file_are_dropped_and_counted(store, land, olist_csv):
    land("sellers", SELLERS_FILE, olist_csv("sellers", seller(A), seller(B), seller(A), seller(A)))

    (record,) = refresh_table(store, SELLERS).ingested

    assert set(cities(store)) == {A, B}
    assert (record.rows_read, record.rows_clean, record.rows_duplicate) == (4, 2, 2)
    assert record.rows_quarantined == 0


def test_exact_duplicate_points_of_a_keyless_table_are_dropped_within_and_across_files(
    store, land, olist_csv
):
    point, other = '"01037",-23.5456,-46.6392,sao paulo,SP', '"01046",-23.546,-46.644,sao paulo,SP'
    land("geolocation", "olist_geolocation_dataset.csv", olist_csv("geolocation", point, point))
    land("geolocation", "olist_geolocation_dataset_2.csv", olist_csv("geolocation", point, other))

    result = refresh_table(store, GEOLOCATION)

    rows = clean_rows(store, "geolocation", "geolocation_zip_code_prefix")
    assert [row["geolocation_zip_code_prefix"] for row in rows] == ["01037", "01046"]
    assert [b.rows_duplicate for b in result.manifest.ordered()] == [1, 0]
    assert result.manifest.rows == 2


def test_key_conflict_within_a_file_is_quarantined_naming_the_first_line(store, land, olist_csv):
    land("sellers", SELLERS_FILE, olist_csv("sellers", seller(A), seller(B), seller(A, "sorocaba")))

    (record,) = refresh_table(store, SELLERS).ingested

    assert cities(store) == {A: "campinas", B: "campinas"}
    (rejected,) = quarantine(store, "sellers")
    assert rejected["line"] == 4
    assert rejected["column_name"] == "seller_id"
    assert rejected["reason"] == f"duplicate primary key (seller_id)=({A}), first seen on line 2"
    assert "sorocaba" in rejected["raw_record"]
    assert (record.rows_read, record.rows_clean, record.rows_quarantined) == (3, 2, 1)


@pytest.mark.parametrize("chunk_rows", [1, 2, 3, 50_000])
def test_duplicate_handling_does_not_depend_on_the_chunk_size(store, land, olist_csv, chunk_rows):
    rows = [seller(A), seller(A, "sorocaba"), seller(B), seller(A, "sorocaba"), seller(A)]
    land("sellers", SELLERS_FILE, olist_csv("sellers", *rows))

    (record,) = refresh_table(store, SELLERS, chunk_rows=chunk_rows).ingested

    assert cities(store) == {A: "campinas", B: "campinas"}
    assert [r["line"] for r in quarantine(store, "sellers")] == [3]
    assert (record.rows_clean, record.rows_quarantined, record.rows_duplicate) == (2, 1, 2)


def test_a_raw_file_removed_from_raw_drops_its_batch(store, land, olist_csv):
    land("sellers", SELLERS_FILE, olist_csv("sellers", seller(A), seller(B)), landed_at=MONDAY)
    september = land("sellers", SEPTEMBER_FILE, olist_csv("sellers", seller(A, "sorocaba")), MONDAY)
    refresh_table(store, SELLERS)
    store.delete(september)

    result = refresh_table(store, SELLERS)

    assert result.removed == [SEPTEMBER_FILE[:-4]]
    assert cities(store) == {A: "campinas", B: "campinas"}
    assert list(load_manifest(store, "sellers").batches) == [SELLERS_FILE[:-4]]
    batch = SEPTEMBER_FILE[:-4]
    for key in (
        lake.clean_key("sellers", batch),
        lake.staging_key("sellers", batch),
        lake.quarantine_key("sellers", batch),
    ):
        assert store.info(key) is None


def test_refreshing_one_given_raw_file_keeps_the_other_batches(store, land, olist_csv):
    land("sellers", SELLERS_FILE, olist_csv("sellers", seller(A)), landed_at=MONDAY)
    refresh_table(store, SELLERS)
    september = land("sellers", SEPTEMBER_FILE, olist_csv("sellers", seller(C)), MONDAY + DAY)

    result = refresh_table(store, SELLERS, raw_keys=[september])

    assert [r.batch for r in result.ingested] == [SEPTEMBER_FILE[:-4]]
    assert set(cities(store)) == {A, C}


def test_clean_parquet_files_carry_the_contract_schema(store, land, olist_csv):
    land("sellers", SELLERS_FILE, olist_csv("sellers", seller(A)))
    refresh_table(store, SELLERS)

    schema = pq.read_schema(store.root / lake.clean_key("sellers", SELLERS_FILE[:-4]))

    assert schema.remove_metadata() == SELLERS.arrow_schema.remove_metadata()


def test_relanding_a_corrected_file_clears_its_quarantined_rows(store, land, olist_csv):
    land(
        "sellers", SELLERS_FILE, olist_csv("sellers", seller(A), seller(B, zip_prefix="1")), MONDAY
    )
    refresh_table(store, SELLERS)
    assert len(quarantine(store, "sellers")) == 1
    land("sellers", SELLERS_FILE, olist_csv("sellers", seller(A), seller(B)), MONDAY + DAY)

    (record,) = refresh_table(store, SELLERS).ingested

    assert quarantine(store, "sellers") == []
    assert set(cities(store)) == {A, B}
    assert record.rows_quarantined == 0


def test_a_file_in_the_table_folder_that_is_not_its_file_is_reported_not_cleaned(
    store, land, olist_csv
):
    kept = land("sellers", SELLERS_FILE, olist_csv("sellers", seller(A)))
    stray = land("sellers", "notes.txt", "not a table")

    result = refresh_table(store, SELLERS)

    assert result.ignored == [stray]
    assert [b.raw_key for b in result.manifest.batches.values()] == [kept]
