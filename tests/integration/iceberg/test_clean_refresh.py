"""Raw files to clean Iceberg tables: quarantine, refused files, batches, precedence, content identity."""

from __future__ import annotations

import pytest

from olist_assets.core.cleaning import forget, refresh_table
from olist_assets.core.contracts import CONTRACTS, UnknownFileError
from olist_assets.core.tables import BATCH_COLUMN, CLEAN, QUARANTINE

SELLERS = CONTRACTS["sellers"]
REVIEWS = CONTRACTS["order_reviews"]
GEOLOCATION = CONTRACTS["geolocation"]
SELLERS_FILE = "olist_sellers_dataset.csv"
SEPTEMBER_FILE = "olist_sellers_dataset_2018-09.csv"
OCTOBER_FILE = "olist_sellers_dataset_2018-10.csv"
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


def rows(tables, namespace: str, table: str, sort_key: str) -> list[dict]:
    found = tables.scan(namespace, table).read_all().to_pylist()
    return sorted(found, key=lambda row: (row[sort_key], row.get("line", 0)))


def cities(tables) -> dict[str, str]:
    return {
        row["seller_id"]: row["seller_city"] for row in rows(tables, CLEAN, "sellers", "seller_id")
    }


def snapshot_count(tables, table: str) -> int:
    return len(tables.load(CLEAN, table).snapshots())


def test_row_rejects_are_quarantined_with_file_line_raw_text_and_reason(
    store, tables, land, olist_csv
):
    text = olist_csv(
        "order_reviews",
        review(A),
        review(B, score="7"),
        f'"{C}","{ORDER}",5',
        review(D, message='"bom, ""ótimo""\nrecomendo"'),
        review("80e641a11e56f04c1ad469d5645fdfde").replace("2018-01-18 00:00:00", ""),
    )
    key = land("order_reviews/olist_order_reviews_dataset.csv", text)

    (entry,) = refresh_table(store, tables, REVIEWS).landed

    clean = rows(tables, CLEAN, "order_reviews", "review_id")
    assert [row["review_id"] for row in clean] == [A, D]
    rejected = rows(tables, QUARANTINE, "order_reviews", "line")
    assert [(r["line"], r["column_name"]) for r in rejected] == [
        (3, "review_score"),
        (4, None),
        (7, "review_creation_date"),
    ]
    assert {r["source_file"] for r in rejected} == {key}
    assert {r[BATCH_COLUMN] for r in rejected} == {entry.key}
    assert rejected[0]["reason"] == "review_score: '7' is not an integer within [1, 5]"
    assert rejected[0]["raw_record"] == review(B, score="7")
    assert rejected[1]["reason"] == "expected 7 fields, found 3"
    assert rejected[1]["raw_record"] == f'"{C}","{ORDER}",5'
    assert rejected[2]["reason"] == "review_creation_date: missing required value"
    assert (entry.rows_read, entry.rows_clean, entry.rows_quarantined) == (5, 2, 3)
    assert entry.balanced


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
}


@pytest.mark.parametrize(
    "content, columns", BAD_SELLERS_FILES.values(), ids=BAD_SELLERS_FILES.keys()
)
@pytest.mark.parametrize("file_name", [SELLERS_FILE, SEPTEMBER_FILE], ids=["replaced", "added"])
def test_a_refused_file_is_recorded_naming_the_file_and_the_table_keeps_its_rows(
    store, tables, land, olist_csv, content, columns, file_name
):
    land(f"sellers/{SELLERS_FILE}", olist_csv("sellers", seller(A), seller(B)), landed_at=MONDAY)
    refresh_table(store, tables, SELLERS)
    before = tables.state(SELLERS).ledger.batches
    key = land(f"sellers/{file_name}", content, landed_at=MONDAY + DAY)

    result = refresh_table(store, tables, SELLERS)

    (rejection,) = result.rejected
    assert rejection.key == key
    assert rejection.message.startswith(f"{key}: ")
    assert all(column in rejection.reason for column in columns)
    assert result.ledger.rejections == {key: rejection}
    assert result.ledger.batches == before
    assert cities(tables) == {A: "campinas", B: "campinas"}


def test_a_refused_file_seen_again_makes_no_new_snapshot(store, tables, land, olist_csv):
    land(f"sellers/{SELLERS_FILE}", olist_csv("sellers", seller(A)), landed_at=MONDAY)
    refresh_table(store, tables, SELLERS)
    land(f"sellers/{SEPTEMBER_FILE}", "not,a,sellers,file\n", landed_at=MONDAY + DAY)
    refresh_table(store, tables, SELLERS)
    snapshots = snapshot_count(tables, "sellers")

    again = refresh_table(store, tables, SELLERS)

    assert len(again.rejected) == 1
    assert snapshot_count(tables, "sellers") == snapshots


def test_a_refused_upload_undone_by_the_accepted_content_is_no_longer_reported(
    store, tables, land, olist_csv
):
    # Given a batch, then unreadable content uploaded over it (refused, the table keeps its rows)
    good = olist_csv("sellers", seller(A))
    key = land(f"sellers/{SELLERS_FILE}", good, landed_at=MONDAY)
    refresh_table(store, tables, SELLERS)
    land(f"sellers/{SELLERS_FILE}", "not,a,sellers,file\n", landed_at=MONDAY + DAY)
    assert list(refresh_table(store, tables, SELLERS, raw_keys=[key]).ledger.rejections) == [key]

    # When the accepted content is uploaded again (as the landing Lambda sees it: that one key)
    land(f"sellers/{SELLERS_FILE}", good, landed_at=MONDAY + 2 * DAY)
    result = refresh_table(store, tables, SELLERS, raw_keys=[key])

    # Then nothing lands and the refusal is lifted: the key holds the batch's content again
    assert (result.landed, result.ledger.rejections) == ([], {})
    assert tables.state(SELLERS).ledger.rejections == {}
    assert cities(tables) == {A: "campinas"}


def test_each_raw_file_is_a_batch_and_the_table_is_their_union(store, tables, land, olist_csv):
    land(f"sellers/{SELLERS_FILE}", olist_csv("sellers", seller(A), seller(B)), landed_at=MONDAY)
    land(f"sellers/{SEPTEMBER_FILE}", olist_csv("sellers", seller(C)), landed_at=MONDAY + DAY)

    result = refresh_table(store, tables, SELLERS)

    assert sorted(e.key for e in result.landed) == [
        f"sellers/{SELLERS_FILE}",
        f"sellers/{SEPTEMBER_FILE}",
    ]
    assert set(cities(tables)) == {A, B, C}
    by_batch = {
        row["seller_id"]: row[BATCH_COLUMN] for row in rows(tables, CLEAN, "sellers", "seller_id")
    }
    assert by_batch == {
        A: f"sellers/{SELLERS_FILE}",
        B: f"sellers/{SELLERS_FILE}",
        C: f"sellers/{SEPTEMBER_FILE}",
    }
    assert result.ledger.rows == 3
    assert snapshot_count(tables, "sellers") == 1


def test_landing_other_content_under_the_same_key_replaces_its_batch(
    store, tables, land, olist_csv
):
    land(f"sellers/{SELLERS_FILE}", olist_csv("sellers", seller(A), seller(B)), landed_at=MONDAY)
    refresh_table(store, tables, SELLERS)
    land(f"sellers/{SELLERS_FILE}", olist_csv("sellers", seller(A, "sorocaba")), MONDAY + DAY)

    result = refresh_table(store, tables, SELLERS)

    assert [e.key for e in result.landed] == [f"sellers/{SELLERS_FILE}"]
    assert cities(tables) == {A: "sorocaba"}
    assert list(result.ledger.batches) == [f"sellers/{SELLERS_FILE}"]


def test_original_correction_then_original_again_ends_with_the_original(
    store, tables, land, olist_csv
):
    original = olist_csv("sellers", seller(A), seller(B))
    land(f"sellers/{SELLERS_FILE}", original, landed_at=MONDAY)
    refresh_table(store, tables, SELLERS)
    land(f"sellers/{SELLERS_FILE}", olist_csv("sellers", seller(A, "sorocaba")), MONDAY + DAY)
    refresh_table(store, tables, SELLERS)

    land(f"sellers/{SELLERS_FILE}", original, landed_at=MONDAY + 2 * DAY)
    result = refresh_table(store, tables, SELLERS)

    assert result.changed
    assert cities(tables) == {A: "campinas", B: "campinas"}


def test_an_identical_upload_is_a_no_op_whatever_its_modification_time(
    store, tables, land, olist_csv
):
    text = olist_csv("sellers", seller(A))
    land(f"sellers/{SELLERS_FILE}", text, landed_at=MONDAY)
    refresh_table(store, tables, SELLERS)
    snapshots = snapshot_count(tables, "sellers")
    land(f"sellers/{SELLERS_FILE}", text, landed_at=MONDAY + DAY)

    result = refresh_table(store, tables, SELLERS)

    assert not result.changed
    assert snapshot_count(tables, "sellers") == snapshots


@pytest.mark.parametrize(
    "base_landed_last", [False, True], ids=["drop-landed-last", "base-landed-last"]
)
def test_on_a_key_conflict_the_later_drop_wins_whatever_the_landing_order(
    store, tables, land, olist_csv, base_landed_last
):
    base, drop = (MONDAY + DAY, MONDAY) if base_landed_last else (MONDAY, MONDAY + DAY)
    land(f"sellers/{SELLERS_FILE}", olist_csv("sellers", seller(A), seller(B)), landed_at=base)
    land(f"sellers/{SEPTEMBER_FILE}", olist_csv("sellers", seller(A, "sorocaba")), landed_at=drop)

    result = refresh_table(store, tables, SELLERS)

    assert cities(tables) == {A: "sorocaba", B: "campinas"}
    superseded = {e.key: e.rows_superseded for e in result.ledger.batches.values()}
    assert superseded == {f"sellers/{SELLERS_FILE}": 1, f"sellers/{SEPTEMBER_FILE}": 0}
    assert result.ledger.rows == 2


def test_drops_landed_one_by_one_in_any_order_give_the_same_table(store, tables, land, olist_csv):
    files = {
        SELLERS_FILE: olist_csv("sellers", seller(A), seller(B), seller(C)),
        SEPTEMBER_FILE: olist_csv("sellers", seller(A, "sorocaba"), seller(B, "jundiai")),
        OCTOBER_FILE: olist_csv("sellers", seller(B, "santos")),
    }
    keys = [land(f"sellers/{name}", text) for name, text in files.items()]
    for key in reversed(keys):
        refresh_table(store, tables, SELLERS, raw_keys=[key])

    assert cities(tables) == {A: "sorocaba", B: "santos", C: "campinas"}
    assert tables.state(SELLERS).ledger.rows == 3


def test_removing_a_drop_brings_back_the_rows_it_superseded(store, tables, land, olist_csv):
    land(f"sellers/{SELLERS_FILE}", olist_csv("sellers", seller(A), seller(B)), landed_at=MONDAY)
    september = land(
        f"sellers/{SEPTEMBER_FILE}", olist_csv("sellers", seller(A, "sorocaba")), MONDAY
    )
    refresh_table(store, tables, SELLERS)
    store.delete(september)

    result = refresh_table(store, tables, SELLERS)

    assert result.removed == [f"sellers/{SEPTEMBER_FILE}"]
    assert cities(tables) == {A: "campinas", B: "campinas"}
    assert list(result.ledger.batches) == [f"sellers/{SELLERS_FILE}"]
    assert result.ledger.batches[f"sellers/{SELLERS_FILE}"].rows_superseded == 0


def test_forget_deletes_the_raw_file_and_its_batch(store, tables, land, olist_csv):
    land(f"sellers/{SELLERS_FILE}", olist_csv("sellers", seller(A), seller(B)), landed_at=MONDAY)
    september = land(
        f"sellers/{SEPTEMBER_FILE}", olist_csv("sellers", seller(A, "sorocaba")), MONDAY
    )
    refresh_table(store, tables, SELLERS)

    result = forget(store, tables, september)

    assert store.info(september) is None
    assert result.removed == [f"sellers/{SEPTEMBER_FILE}"]
    assert cities(tables) == {A: "campinas", B: "campinas"}


def test_forget_clears_a_refused_file(store, tables, land, olist_csv):
    land(f"sellers/{SELLERS_FILE}", olist_csv("sellers", seller(A)), landed_at=MONDAY)
    bad = land(f"sellers/{SEPTEMBER_FILE}", "", landed_at=MONDAY + DAY)
    refresh_table(store, tables, SELLERS)

    result = forget(store, tables, bad)

    assert result.ledger.rejections == {}
    assert refresh_table(store, tables, SELLERS).rejected == []


def test_forget_refuses_a_key_the_lake_holds_nowhere_and_commits_nothing(
    store, tables, land, olist_csv
):
    land(f"sellers/{SELLERS_FILE}", olist_csv("sellers", seller(A)), landed_at=MONDAY)
    before = refresh_table(store, tables, SELLERS).snapshot_id

    with pytest.raises(UnknownFileError, match="nothing to forget"):
        forget(store, tables, f"raw/sellers/{SEPTEMBER_FILE}")

    assert tables.state(SELLERS).snapshot_id == before


def test_exact_duplicate_rows_within_a_file_are_dropped_and_counted(store, tables, land, olist_csv):
    land(
        f"sellers/{SELLERS_FILE}", olist_csv("sellers", seller(A), seller(B), seller(A), seller(A))
    )

    (entry,) = refresh_table(store, tables, SELLERS).landed

    assert set(cities(tables)) == {A, B}
    assert (entry.rows_read, entry.rows_clean, entry.rows_duplicate) == (4, 2, 2)
    assert entry.rows_quarantined == 0


def test_exact_duplicate_points_of_a_keyless_table_are_dropped_within_and_across_files(
    store, tables, land, olist_csv
):
    point, other = '"01037",-23.5456,-46.6392,sao paulo,SP', '"01046",-23.546,-46.644,sao paulo,SP'
    land("geolocation/olist_geolocation_dataset.csv", olist_csv("geolocation", point, point))
    land(
        "geolocation/olist_geolocation_dataset_2018-09.csv",
        olist_csv("geolocation", point, other),
    )

    result = refresh_table(store, tables, GEOLOCATION)

    found = rows(tables, CLEAN, "geolocation", "geolocation_zip_code_prefix")
    assert [row["geolocation_zip_code_prefix"] for row in found] == ["01037", "01046"]
    assert [e.rows_duplicate for e in result.ledger.active] == [1, 0]
    assert [e.rows_superseded for e in result.ledger.active] == [1, 0]
    assert result.ledger.rows == 2


def test_key_conflict_within_a_file_is_quarantined_naming_the_first_line(
    store, tables, land, olist_csv
):
    land(
        f"sellers/{SELLERS_FILE}", olist_csv("sellers", seller(A), seller(B), seller(A, "sorocaba"))
    )

    (entry,) = refresh_table(store, tables, SELLERS).landed

    assert cities(tables) == {A: "campinas", B: "campinas"}
    (rejected,) = rows(tables, QUARANTINE, "sellers", "line")
    assert rejected["line"] == 4
    assert rejected["column_name"] == "seller_id"
    assert rejected["reason"] == f"duplicate primary key (seller_id)=({A}), first seen on line 2"
    assert "sorocaba" in rejected["raw_record"]
    assert (entry.rows_read, entry.rows_clean, entry.rows_quarantined) == (3, 2, 1)


@pytest.mark.parametrize("chunk_rows", [1, 2, 3, 50_000])
def test_duplicate_handling_does_not_depend_on_the_chunk_size(
    store, tables, land, olist_csv, chunk_rows
):
    found = [seller(A), seller(A, "sorocaba"), seller(B), seller(A, "sorocaba"), seller(A)]
    land(f"sellers/{SELLERS_FILE}", olist_csv("sellers", *found))

    (entry,) = refresh_table(store, tables, SELLERS, chunk_rows=chunk_rows).landed

    assert cities(tables) == {A: "campinas", B: "campinas"}
    assert [r["line"] for r in rows(tables, QUARANTINE, "sellers", "line")] == [3]
    assert (entry.rows_clean, entry.rows_quarantined, entry.rows_duplicate) == (2, 1, 2)


def test_refreshing_one_given_raw_file_keeps_the_other_batches(store, tables, land, olist_csv):
    land(f"sellers/{SELLERS_FILE}", olist_csv("sellers", seller(A)), landed_at=MONDAY)
    refresh_table(store, tables, SELLERS)
    september = land(f"sellers/{SEPTEMBER_FILE}", olist_csv("sellers", seller(C)), MONDAY + DAY)

    result = refresh_table(store, tables, SELLERS, raw_keys=[september])

    assert [e.key for e in result.landed] == [f"sellers/{SEPTEMBER_FILE}"]
    assert set(cities(tables)) == {A, C}


def test_the_clean_table_has_the_contract_schema_and_the_batch_column(
    store, tables, land, olist_csv
):
    land(f"sellers/{SELLERS_FILE}", olist_csv("sellers", seller(A)))
    refresh_table(store, tables, SELLERS)

    schema = tables.load(CLEAN, "sellers").schema()

    expected = [(c.name, "string", not c.nullable) for c in SELLERS.columns]
    assert [(f.name, str(f.field_type), f.required) for f in schema.fields] == [
        *expected,
        (BATCH_COLUMN, "string", True),
    ]


def test_relanding_a_corrected_file_clears_its_quarantined_rows(store, tables, land, olist_csv):
    land(
        f"sellers/{SELLERS_FILE}",
        olist_csv("sellers", seller(A), seller(B, zip_prefix="1")),
        MONDAY,
    )
    refresh_table(store, tables, SELLERS)
    assert len(rows(tables, QUARANTINE, "sellers", "line")) == 1
    land(f"sellers/{SELLERS_FILE}", olist_csv("sellers", seller(A), seller(B)), MONDAY + DAY)

    (entry,) = refresh_table(store, tables, SELLERS).landed

    assert rows(tables, QUARANTINE, "sellers", "line") == []
    assert set(cities(tables)) == {A, B}
    assert entry.rows_quarantined == 0


def test_a_file_in_the_table_folder_that_is_not_its_file_is_reported_not_cleaned(
    store, tables, land, olist_csv
):
    kept = land(f"sellers/{SELLERS_FILE}", olist_csv("sellers", seller(A)))
    stray = land("sellers/notes.txt", "not a table")

    result = refresh_table(store, tables, SELLERS)

    assert result.ignored == [stray]
    assert [e.raw_key for e in result.ledger.batches.values()] == [kept]
