"""The one resolver: key -> batch or a stated reason to ignore or reject it, and batch admission."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta

import pytest

from olist_assets.core.batches import (
    Arrival,
    Batch,
    Verdict,
    admit,
    batch_for_raw_key,
    in_precedence_order,
    raw_keys_of,
    resolve_key,
)
from olist_assets.core.contracts import UnknownFileError

ORDERS = "olist_orders_dataset.csv"
PAYMENTS = "olist_order_payments_dataset.csv"
T0 = datetime(2024, 5, 1, tzinfo=UTC)
NFD_FOLDER = unicodedata.normalize("NFD", "março")
NFC_FOLDER = unicodedata.normalize("NFC", "março")


@pytest.mark.parametrize(
    "key, table, batch_key, date",
    [
        (ORDERS, "orders", ORDERS, ""),
        ("olist_orders_dataset_2018-09.csv", "orders", "olist_orders_dataset_2018-09.csv", "2018-09"),
        ("olist_orders_dataset-2018-09-30.csv", "orders", "olist_orders_dataset-2018-09-30.csv", "2018-09-30"),
        (f"2018-09/{PAYMENTS}", "order_payments", f"2018-09/{PAYMENTS}", "2018-09"),
        (f"drops/2018-10-01/x/{PAYMENTS}", "order_payments", f"drops/2018-10-01/x/{PAYMENTS}", "2018-10-01"),
        ("2018-09/olist_order_payments_dataset_2018-10.csv", "order_payments", "2018-09/olist_order_payments_dataset_2018-10.csv", "2018-10"),
        (f"zz_backup/{ORDERS}", "orders", f"zz_backup/{ORDERS}", ""),
        (f"2018-13/{ORDERS}", "orders", f"2018-13/{ORDERS}", ""),
        (f"orders/{ORDERS}", "orders", f"orders/{ORDERS}", ""),
        (f"{NFD_FOLDER}/{ORDERS}", "orders", f"{NFC_FOLDER}/{ORDERS}", ""),
        ("product_category_name_translation.csv", "product_category_translation", "product_category_name_translation.csv", ""),
    ],
)  # fmt: skip
def test_a_table_file_resolves_to_its_batch_keyed_by_the_nfc_relative_path(
    key, table, batch_key, date
) -> None:
    resolution = resolve_key(key)

    assert resolution.verdict is Verdict.BATCH
    assert resolution.batch == Batch(table, batch_key, date)
    assert resolution.key == key and resolution.table == table


@pytest.mark.parametrize(
    "key, note",
    [
        ("2018-09/", "folder marker"),
        ("raw-drops/", "folder marker"),
        (".DS_Store", "hidden ('.DS_Store'"),
        (f".{ORDERS}", f"hidden ('.{ORDERS}'"),
        ("..csv", "hidden ('..csv'"),
        (f".ipynb_checkpoints/{ORDERS}", "hidden ('.ipynb_checkpoints'"),
        (f"2018-09/.hidden/{ORDERS}", "hidden ('.hidden'"),
        (f"__MACOSX/{ORDERS}", "__MACOSX"),
        (f"__MACOSX/2018-09/._{ORDERS}", "hidden ('._"),
        (f"drops/__MACOSX/{ORDERS}", "__MACOSX"),
        ("2018-09/Thumbs.db", "Windows folder metadata ('Thumbs.db')"),
        ("desktop.ini", "Windows folder metadata"),
        ("DESKTOP.INI", "Windows folder metadata"),
    ],
)
def test_folder_markers_hidden_paths_and_os_metadata_are_ignored_with_a_note(key, note) -> None:
    resolution = resolve_key(key)

    assert resolution.verdict is Verdict.IGNORED
    assert note in resolution.reason and resolution.batch is None


@pytest.mark.parametrize(
    "key, table, expected",
    [
        ("olist_orders_dataset.CSV", "orders", f"rename it to {ORDERS!r}"),
        ("OLIST_ORDERS_DATASET.csv", "orders", f"rename it to {ORDERS!r}"),
        ("Olist_Orders_Dataset_2018-09.csv", "orders", "'olist_orders_dataset_2018-09.csv'"),
        ("olist_orders_dataset - Copy.csv", "orders", "olist_orders_dataset_YYYY-MM[-DD].csv"),
        ("olist_orders_dataset_backup.csv", "orders", "expected olist_orders_dataset.csv"),
        ("olist_orders_dataset (1).csv", "orders", "expected olist_orders_dataset.csv"),
        ("olist_orders_dataset_2018-13.csv", "orders", "expected olist_orders_dataset.csv"),
        ("olist_orders_dataset_2018_09.csv", "orders", "expected olist_orders_dataset.csv"),
        ("olist_orders_dataset 2018-09.csv", "orders", "expected olist_orders_dataset.csv"),
        ("olist_orders_dataset.csv.bak", "orders", "expected olist_orders_dataset.csv"),
        ("olist_orders_dataset.xlsx", "orders", "expected olist_orders_dataset.csv"),
        ("sub/olist_orders_dataset~.csv", "orders", "expected olist_orders_dataset.csv"),
        ("notes.txt", None, "matches no table: expected one of olist_customers_dataset.csv"),
        ("orders.csv", None, "matches no table"),
        ("olist_marketing_qualified_leads_dataset.csv", None, "matches no table"),
        ("raw/../clean/orders/x.csv", None, "not a plain relative path"),
        ("/etc/passwd", None, "not a plain relative path"),
        (f"a//{ORDERS}", None, "not a plain relative path"),
        (f"./{ORDERS}", None, "not a plain relative path"),
    ],
)
def test_names_that_are_no_tables_file_are_rejected_naming_the_expected_names(
    key, table, expected
) -> None:
    resolution = resolve_key(key)

    assert resolution.verdict is Verdict.REJECTED
    assert resolution.batch is None and resolution.table == table
    assert expected in resolution.reason


def test_keys_are_taken_literally_never_url_decoded() -> None:
    # S3 event parsers decode once; a literal '+' or '%20' in a file name is part of the name
    assert resolve_key("olist_orders_dataset+2018-09.csv").verdict is Verdict.REJECTED
    assert resolve_key("olist%20orders.csv").verdict is Verdict.REJECTED
    assert resolve_key(f"a+b/{ORDERS}").batch == Batch("orders", f"a+b/{ORDERS}", "")


def test_batch_for_raw_key_strips_raw_and_refuses_what_is_not_a_batch() -> None:
    assert batch_for_raw_key(f"raw/2018-09/{PAYMENTS}").raw_key == f"raw/2018-09/{PAYMENTS}"
    with pytest.raises(UnknownFileError, match="raw/notes.txt: 'notes.txt' matches no table"):
        batch_for_raw_key("raw/notes.txt")


def test_raw_keys_of_a_table_refuse_a_key_of_another_table_or_of_none() -> None:
    assert raw_keys_of("orders", [ORDERS, f"2018-09/{ORDERS}"]) == [
        f"raw/{ORDERS}",
        f"raw/2018-09/{ORDERS}",
    ]
    with pytest.raises(UnknownFileError, match=f"'{PAYMENTS}' is a batch of order_payments, not"):
        raw_keys_of("orders", [PAYMENTS])
    with pytest.raises(UnknownFileError, match="'notes.txt' is not a batch of orders: "):
        raw_keys_of("orders", ["notes.txt"])


def test_precedence_puts_the_undated_file_first_then_drops_by_date_never_by_arrival() -> None:
    batches = [
        resolve_key(key).batch
        for key in (
            "olist_orders_dataset_2018-10.csv",
            f"2018-09/{ORDERS}",
            ORDERS,
            "olist_orders_dataset-2018-09-15.csv",
        )
    ]

    ordered = [b.key for b in in_precedence_order(batches)]

    assert ordered == [
        ORDERS,
        f"2018-09/{ORDERS}",
        "olist_orders_dataset-2018-09-15.csv",
        "olist_orders_dataset_2018-10.csv",
    ]


def arrival(key: str, minutes: int) -> Arrival:
    batch = resolve_key(key).batch
    assert batch is not None
    return Arrival(batch, key, T0 + timedelta(minutes=minutes))


def test_two_same_named_files_in_dated_folders_are_two_batches() -> None:
    september, october = arrival(f"2018-09/{PAYMENTS}", 0), arrival(f"2018-10/{PAYMENTS}", 1)

    result = admit([october, september])

    assert result.admitted == (september, october) and result.refused == ()


@pytest.mark.parametrize(
    "first, second, reason",
    [
        (ORDERS, f"zz_backup/{ORDERS}", f"a second undated orders file: {ORDERS!r} already is"),
        (f"a/{ORDERS}", f"b/{ORDERS}", f"a second undated orders file: 'a/{ORDERS}'"),
        (
            "olist_orders_dataset_2018-09.csv",
            f"2018-09/{ORDERS}",
            "a second orders drop for 2018-09: 'olist_orders_dataset_2018-09.csv'",
        ),
        (
            "olist_orders_dataset-2018-09.csv",
            "olist_orders_dataset_2018-09.csv",
            "a second orders drop for 2018-09",
        ),
        (
            f"{NFC_FOLDER}/{ORDERS}",
            f"{NFD_FOLDER}/{ORDERS}",
            "the same batch as 'março/olist_orders_dataset.csv' once Unicode-normalized",
        ),
    ],
)
def test_a_collision_refuses_the_later_arrival_naming_both_files(first, second, reason) -> None:
    earlier, later = arrival(first, 0), arrival(second, 5)

    for candidates in ([earlier, later], [later, earlier]):
        result = admit(candidates)

        assert result.admitted == (earlier,)
        (refusal,) = result.refused
        assert (refusal.arrival, refusal.holder) == (later, earlier)
        assert reason in refusal.reason and "remove one of the two" in refusal.reason


def test_an_existing_batch_keeps_its_place_even_against_an_earlier_candidate() -> None:
    held = arrival(f"zz_backup/{ORDERS}", 10)
    main = arrival(ORDERS, 0)

    result = admit([main], existing=[held])

    assert result.admitted == ()
    assert result.refused[0].holder == held


def test_a_candidate_under_an_existing_batchs_key_is_a_new_version_of_it() -> None:
    old, new = arrival(f"{NFD_FOLDER}/{ORDERS}", 0), arrival(f"{NFD_FOLDER}/{ORDERS}", 30)

    result = admit([new], existing=[old])

    assert result.admitted == (new,) and result.refused == ()


def test_equal_arrival_times_break_on_the_key() -> None:
    a, b = arrival(f"a/{ORDERS}", 0), arrival(f"b/{ORDERS}", 0)

    assert admit([b, a]).admitted == (a,)


def test_different_tables_and_dates_never_collide() -> None:
    keys = [
        ORDERS,
        PAYMENTS,
        "olist_orders_dataset_2018-09.csv",
        "olist_orders_dataset_2018-09-01.csv",
    ]
    arrivals = [arrival(key, i) for i, key in enumerate(keys)]

    assert admit(arrivals).admitted == tuple(arrivals)
