"""CSV parsing with a contract: every serialization quirk of the real files, every reject reason.

Every parse here is also read by Python's csv module (the oracle) wherever strict csv accepts the
file: the block reader must give the same rows, lines and rejects.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal

import pyarrow as pa
import pytest

from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.parsing import (
    EmptyFileError,
    HeaderMismatchError,
    UndecodableFileError,
    check_source,
    read_chunks,
)
from tests.cases.csv_oracle import oracle_read

ORDER = "e481f51cbdc54678b7cc49136f2d6af7"
CUSTOMER = "9ef432eb6251297304e76186b10a928d"
REVIEW = "7bc2406110b926393aa56f80a40eba40"
SELLER = "3442f8959a84dea7ee197c632cb2df15"
SELLERS = CONTRACTS["sellers"]


def parse(table: str, text: str | bytes, chunk_rows: int = 50_000, file_name: str = "f.csv"):
    """(clean rows as dicts, their line numbers, rejects, records read) of a whole file, checked
    against the oracle and against a read in 7-byte blocks."""
    data = text.encode() if isinstance(text, str) else text
    result = _read(data, table, chunk_rows, file_name)
    assert _read(data, table, chunk_rows, file_name, block_bytes=7) == result
    try:
        expected = oracle_read(data, CONTRACTS[table])
    except (csv.Error, UnicodeDecodeError, StopIteration, AssertionError):
        return result
    rows, lines, rejects, records = result
    assert rows == expected.rows.to_pylist()
    assert lines == expected.lines
    assert [(reject.line, reject.reason) for reject in rejects] == expected.rejects
    assert records == expected.records
    return result


def _read(data: bytes, table: str, chunk_rows: int, file_name: str, block_bytes: int = 2**23):
    stream = io.BytesIO(data)
    chunks = list(read_chunks(stream, CONTRACTS[table], file_name, chunk_rows, block_bytes))
    rows = [row for chunk in chunks for row in chunk.rows.to_pylist()]
    lines = [int(line) for chunk in chunks for line in chunk.lines]
    rejects = [reject for chunk in chunks for reject in chunk.rejects]
    return rows, lines, rejects, sum(chunk.records for chunk in chunks)


def payment(value: str = "99.33", sequential: str = "1", kind: str = "credit_card") -> str:
    return f"{ORDER},{sequential},{kind},8,{value}"


def review(score: str = "4", title: str = "", message: str = "", answered: str = "") -> str:
    answer = answered or "2018-01-18 21:46:59"
    return f'"{REVIEW}","{ORDER}",{score},{title},{message},2018-01-18 00:00:00,{answer}'


def test_misspelled_product_length_columns_come_out_under_clean_names(olist_csv):
    text = olist_csv(
        "products", '"1e9e8ef04dbcff4541ed26657ea517e5",perfumaria,40,287,1,225,16,10,14'
    )
    (row,), _, rejects, _ = parse("products", text)
    assert not rejects
    assert row["product_name_length"] == 40
    assert row["product_description_length"] == 287


def test_translation_file_bom_is_stripped_from_the_first_column_name():
    text = "\ufeffproduct_category_name,product_category_name_english\r\nbeleza_saude,health_beauty"
    chunks = list(
        read_chunks(io.BytesIO(text.encode()), CONTRACTS["product_category_translation"], "t.csv")
    )
    assert chunks[0].rows.column_names == ["product_category_name", "product_category_name_english"]
    assert chunks[0].rows.to_pylist() == [
        {"product_category_name": "beleza_saude", "product_category_name_english": "health_beauty"}
    ]


def test_crlf_file_without_final_newline_parses_every_record(olist_csv):
    text = olist_csv(
        "product_category_translation",
        "beleza_saude,health_beauty",
        "informatica_acessorios,computers_accessories",
        "automotivo,auto",
        newline="\r\n",
        final_newline=False,
    )
    assert not text.endswith("\n")
    rows, lines, rejects, records = parse("product_category_translation", "\ufeff" + text)
    assert [row["product_category_name_english"] for row in rows] == [
        "health_beauty",
        "computers_accessories",
        "auto",
    ]
    assert lines == [2, 3, 4]
    assert (rejects, records) == ([], 3)


def test_quoted_review_comments_keep_commas_doubled_quotes_and_newlines(olist_csv):
    message = '"Chegou, mas a caixa veio ""amassada"".\nNa segunda linha,\ntambém."'
    text = olist_csv(
        "order_reviews",
        review(title="Produto pirata!", message=message),
        review(score="5").replace(REVIEW, "80e641a11e56f04c1ad469d5645fdfde"),
        review(score="7").replace(REVIEW, "228ce5500dc1d8e020d8d1322874b6f0"),
    )
    rows, lines, rejects, records = parse("order_reviews", text)
    assert rows[0]["review_comment_title"] == "Produto pirata!"
    assert rows[0]["review_comment_message"] == (
        'Chegou, mas a caixa veio "amassada".\nNa segunda linha,\ntambém.'
    )
    assert lines == [2, 5]
    assert [reject.line for reject in rejects] == [6]
    assert records == 3


def test_empty_fields_become_nulls(olist_csv):
    text = olist_csv(
        "orders",
        f"{ORDER},{CUSTOMER},canceled,2016-10-04 13:22:53,,,,2016-11-24 00:00:00",
    )
    (row,), _, rejects, _ = parse("orders", text)
    assert not rejects
    assert row["order_approved_at"] is None
    assert row["order_delivered_carrier_date"] is None
    assert row["order_delivered_customer_date"] is None


def test_empty_optional_review_fields_are_null_not_empty_strings(olist_csv):
    (row,), _, _, _ = parse("order_reviews", olist_csv("order_reviews", review()))
    assert row["review_comment_title"] is None
    assert row["review_comment_message"] is None


def test_zip_prefixes_keep_leading_zeros_as_strings(olist_csv):
    text = olist_csv(
        "sellers",
        f'"{SELLER}","01037",sao paulo,SP',
        'd1b65fc7debc3361ea86b5f14c68d2e2,"13844",x,SP',
    )
    rows, _, rejects, _ = parse("sellers", text)
    assert not rejects
    assert [row["seller_zip_code_prefix"] for row in rows] == ["01037", "13844"]


def test_ids_parse_whether_quoted_or_bare(olist_csv):
    text = olist_csv(
        "orders",
        f'"{ORDER}",{CUSTOMER},delivered,2017-10-02 10:56:33,,,,2017-10-18 00:00:00',
        f'{ORDER[::-1]},"{CUSTOMER[::-1]}",delivered,2017-10-02 10:56:33,,,,2017-10-18 00:00:00',
    )
    rows, _, rejects, _ = parse("orders", text)
    assert not rejects
    assert [(r["order_id"], r["customer_id"]) for r in rows] == [
        (ORDER, CUSTOMER),
        (ORDER[::-1], CUSTOMER[::-1]),
    ]


def test_money_is_an_exact_decimal_12_2(olist_csv):
    lines = [payment("0.10", "1"), payment("0.20", "2"), payment("541", "3"), payment("7.5", "4")]
    text = olist_csv("order_payments", *lines)
    chunk = next(read_chunks(io.BytesIO(text.encode()), CONTRACTS["order_payments"], "p.csv"))
    values = chunk.rows["payment_value"]
    assert values.type == pa.decimal128(12, 2)
    assert values.to_pylist() == [
        Decimal("0.10"),
        Decimal("0.20"),
        Decimal("541.00"),
        Decimal("7.50"),
    ]
    assert sum(values.to_pylist()) == Decimal("548.80")


def test_timestamps_parse_as_naive_datetimes(olist_csv):
    text = olist_csv(
        "orders", f"{ORDER},{CUSTOMER},delivered,2017-10-02 10:56:33,,,,2017-10-18 00:00:00"
    )
    (row,), _, _, _ = parse("orders", text)
    assert row["order_purchase_timestamp"] == datetime(2017, 10, 2, 10, 56, 33)
    assert row["order_estimated_delivery_date"] == datetime(2017, 10, 18)


@pytest.mark.parametrize(
    "timestamp",
    [
        "2018-02-30 10:00:00",
        "2018-13-01 10:00:00",
        "2018-01-01 25:00:00",
        "2018-01-01",
        "01/02/2018",
    ],
)
def test_invalid_timestamps_are_rejected_naming_the_column(olist_csv, timestamp):
    text = olist_csv("orders", f"{ORDER},{CUSTOMER},delivered,{timestamp},,,,2017-10-18 00:00:00")
    rows, _, (reject,), _ = parse("orders", text)
    assert rows == []
    assert reject.column == "order_purchase_timestamp"
    assert reject.reason.startswith("order_purchase_timestamp:")
    assert timestamp in reject.reason


def test_wrong_field_count_is_rejected_with_its_line_and_raw_text(olist_csv):
    text = olist_csv("order_payments", payment(), f"{ORDER},2,boleto,1", payment(sequential="3"))
    rows, lines, (reject,), records = parse("order_payments", text)
    assert lines == [2, 4]
    assert reject.line == 3
    assert reject.raw_record == f"{ORDER},2,boleto,1"
    assert reject.reason == "expected 5 fields, found 4"
    assert records == 3


@pytest.mark.parametrize(
    "table, line, column, value",
    [
        ("order_payments", payment(value="99.333"), "payment_value", "99.333"),
        ("order_payments", payment(value="12345678901.00"), "payment_value", "12345678901.00"),
        ("order_payments", payment(value="R$10"), "payment_value", "R$10"),
        ("order_payments", payment(sequential="1.5"), "payment_sequential", "1.5"),
        ("order_payments", payment(sequential="3000000000"), "payment_sequential", "3000000000"),
        ("order_payments", payment().replace(ORDER, "not-an-id"), "order_id", "not-an-id"),
        ("geolocation", '"01037",north,-46.6,sao paulo,SP', "geolocation_lat", "north"),
        ("sellers", f'"{SELLER}","1037",sao paulo,SP', "seller_zip_code_prefix", "1037"),
    ],
)
def test_value_that_does_not_fit_its_type_is_rejected_naming_the_column(
    olist_csv, table, line, column, value
):
    rows, _, (reject,), _ = parse(table, olist_csv(table, line))
    assert rows == []
    assert reject.column == column
    assert reject.reason.startswith(f"{column}: {value!r}")


def test_missing_required_value_is_rejected_naming_the_column(olist_csv):
    text = olist_csv("orders", f"{ORDER},,delivered,2017-10-02 10:56:33,,,,2017-10-18 00:00:00")
    _, _, (reject,), _ = parse("orders", text)
    assert reject.column == "customer_id"
    assert reject.reason == "customer_id: missing required value"


@pytest.mark.parametrize(
    "table, line, column",
    [
        ("order_reviews", review(score="7"), "review_score"),
        ("order_reviews", review(score="0"), "review_score"),
        ("sellers", f'"{SELLER}","01037",sao paulo,XX', "seller_state"),
        (
            "orders",
            f"{ORDER},{CUSTOMER},lost,2017-10-02 10:56:33,,,,2017-10-18 00:00:00",
            "order_status",
        ),
        ("order_payments", payment(kind="pix"), "payment_type"),
        ("order_payments", payment(value="-1.00"), "payment_value"),
        ("geolocation", '"01037",-91.5,-46.6,sao paulo,SP', "geolocation_lat"),
    ],
)
def test_out_of_domain_value_is_rejected_naming_the_column(olist_csv, table, line, column):
    rows, _, (reject,), _ = parse(table, olist_csv(table, line))
    assert rows == []
    assert reject.column == column
    assert reject.reason.startswith(f"{column}: ")


def test_a_row_with_several_problems_is_rejected_once_for_its_first_column(olist_csv):
    _, _, rejects, records = parse("order_payments", olist_csv("order_payments", "x,y,pix,z,-1"))
    assert [reject.column for reject in rejects] == ["order_id"]
    assert records == 1


def test_rejects_and_rows_keep_their_line_numbers_across_chunks(olist_csv):
    lines = [payment(sequential=str(n)) for n in range(1, 8)]
    lines[2] = payment(sequential="3", value="x")
    lines[5] = "too,few"
    text = olist_csv("order_payments", *lines)
    whole = parse("order_payments", text)
    assert parse("order_payments", text, chunk_rows=2) == whole
    _, line_numbers, rejects, records = whole
    assert line_numbers == [2, 3, 5, 6, 8]
    assert [reject.line for reject in rejects] == [4, 7]
    assert records == 7


def test_header_only_file_is_refused_as_empty(olist_csv):
    with pytest.raises(EmptyFileError, match=r"^f\.csv: the file has a header and no records"):
        parse("sellers", olist_csv("sellers"))


@pytest.mark.parametrize(
    "header, missing, unexpected, column",
    [
        ('"seller_id","seller_zip_code_prefix","seller_city"', ["seller_state"], [], 4),
        ('"seller_id","seller_zip_code_prefix","seller_city","seller_state","x"', [], ["x"], 5),
        (
            '"seller_id","seller_zip","seller_city","seller_state"',
            ["seller_zip_code_prefix"],
            ["seller_zip"],
            2,
        ),
    ],
    ids=["missing", "extra", "renamed"],
)
def test_header_that_does_not_match_the_contract_names_the_file_column_and_columns(
    header, missing, unexpected, column
):
    with pytest.raises(HeaderMismatchError) as raised:
        parse("sellers", header + "\n", file_name="olist_sellers_dataset.csv")
    assert (raised.value.missing, raised.value.unexpected) == (missing, unexpected)
    message = str(raised.value)
    where = f"olist_sellers_dataset.csv, line 1, column {column}: "
    assert message.startswith(where + "header does not match")
    assert all(name in message for name in missing + unexpected)


def test_header_with_columns_out_of_order_is_refused():
    header = '"seller_zip_code_prefix","seller_id","seller_city","seller_state"\n'
    with pytest.raises(HeaderMismatchError) as raised:
        parse("sellers", header, file_name="olist_sellers_dataset.csv")
    assert str(raised.value) == (
        "olist_sellers_dataset.csv, line 1, column 1: header does not match the contract: columns "
        "in another order: expected ['seller_id', 'seller_zip_code_prefix', 'seller_city', "
        "'seller_state']"
    )


@pytest.mark.parametrize("content", [b"", "\ufeff".encode()], ids=["empty", "bom-only"])
def test_empty_file_is_refused_naming_the_file(content):
    with pytest.raises(EmptyFileError, match=r"^olist_sellers_dataset\.csv: the file is empty"):
        parse("sellers", content, file_name="olist_sellers_dataset.csv")


def test_non_utf8_file_is_refused_naming_the_file_line_and_byte_column(olist_csv):
    text = olist_csv("sellers", f'"{SELLER}","01037",são paulo,SP').encode("latin-1")
    with pytest.raises(
        UndecodableFileError, match=r"^olist_sellers_dataset\.csv: not UTF-8 through"
    ):
        parse("sellers", text, file_name="olist_sellers_dataset.csv")


def test_check_source_refuses_what_the_reader_refuses_and_accepts_what_it_quarantines(
    olist_csv,
):
    good = f'"{SELLER}","01037",sao paulo,SP\n'
    one_bad_in_many = olist_csv("sellers") + good * 200 + '"x","1",\udcff\n' + good
    mostly_bad = olist_csv("sellers") + good + '"x","1",\udcff\n'
    unterminated = olist_csv("sellers", f'"{SELLER}","01037",sao paulo,SP', '"unterminated,x')

    def data(text: str) -> bytes:
        return text.encode("utf-8", "surrogateescape")

    assert check_source(io.BytesIO(data(one_bad_in_many)), SELLERS, "s.csv") == 202
    (reject,) = parse("sellers", data(one_bad_in_many))[2]
    assert (reject.line, reject.reason) == (202, r"not valid UTF-8: bytes \xff at byte 9")
    assert check_source(io.BytesIO(data(unterminated)), SELLERS, "s.csv") == 2
    with pytest.raises(UndecodableFileError, match="not UTF-8 throughout") as checked:
        check_source(io.BytesIO(data(mostly_bad)), SELLERS, "s.csv")
    with pytest.raises(UndecodableFileError) as parsed:
        parse("sellers", data(mostly_bad), file_name="s.csv")
    assert str(checked.value) == str(parsed.value)


@pytest.mark.parametrize(
    "line, reason",
    [
        (
            '"3442f8959a84dea7ee197c632cb2df15","138"44,campinas,SP',
            "malformed quoting: text follows a closing quote on line 3 (character 41 of the record)",
        ),
        (
            '"3442f8959a84dea7ee197c632cb2df15","13844,campinas,SP',
            "unterminated quote: the record starting on line 3 runs to the end of the file",
        ),
    ],
    ids=["stray-quote", "unterminated-quote"],
)
def test_malformed_csv_quoting_quarantines_the_record_with_its_line(olist_csv, line, reason):
    text = olist_csv("sellers", f'"{SELLER}","01037",sao paulo,SP', line)
    rows, lines, (reject,), records = parse("sellers", text)
    assert (lines, reject.line, reject.reason, records) == ([2], 3, reason, 2)
    assert reject.raw_record == line
